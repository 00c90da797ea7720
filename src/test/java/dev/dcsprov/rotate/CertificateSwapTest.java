package dev.dcsprov.rotate;

import dev.dcsprov.LocalShell;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.ssh.StagedUpload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the swap script with this machine's sh, on files owned by whoever runs the test. */
class CertificateSwapTest {
    static final String KEY = "-----BEGIN PRIVATE KEY-----\nbmV3a2V5\n-----END PRIVATE KEY-----\n";
    static final String CERT = "-----BEGIN CERTIFICATE-----\nbmV3Y2VydA==\n-----END CERTIFICATE-----\n";

    @TempDir
    Path dir;

    private CertificateSwap swap() throws Exception {
        String me = new String(new ProcessBuilder("sh", "-c", "printf '%s:%s' \"$(id -un)\" \"$(id -gn)\"").start()
                .getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new CertificateSwap(dir.resolve("server.crt").toString(), dir.resolve("server.key").toString(), me, "0640", me, "0600");
    }

    @Test
    void replacesBothFilesWithModesAndArchivesTheOldPair() throws Exception {
        Files.writeString(dir.resolve("server.crt"), "old cert");
        Files.writeString(dir.resolve("server.key"), "old key");
        CertificateSwap s = swap();
        CommandResult r = new LocalShell().run(s.command(
                CERT.getBytes(StandardCharsets.US_ASCII), KEY.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0, r.exitStatus(), r.stderr());
        assertEquals(CERT, Files.readString(dir.resolve("server.crt")));
        assertEquals(KEY, Files.readString(dir.resolve("server.key")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("server.key"))));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("server.crt"))));
        List<Path> archived;
        try (var s2 = Files.walk(dir.resolve("archive"))) {
            archived = s2.filter(Files::isRegularFile).toList();
        }
        assertEquals(2, archived.size(), archived.toString());
        assertTrue(archived.stream().anyMatch(p -> p.getFileName().toString().equals("server.key")));
        try (var s3 = Files.list(dir)) {
            assertFalse(s3.anyMatch(p -> p.getFileName().toString().startsWith(".dcsprov-swap")), "no temp dir left");
        }
    }

    @Test
    void refusesWhenTheKeyIsMissingAndLeavesTheOldFiles() throws Exception {
        Files.writeString(dir.resolve("server.crt"), "old cert");
        Files.writeString(dir.resolve("server.key"), "old key");
        CommandResult r = new LocalShell().run(RemoteCommand.of(swap().script())
                .withStdin(StagedUpload.frame(CERT.getBytes(StandardCharsets.US_ASCII))));
        assertNotEquals(0, r.exitStatus());
        assertTrue(r.stderr().contains("certificate or key missing"), r.stderr());
        assertEquals("old cert", Files.readString(dir.resolve("server.crt")));
        assertEquals("old key", Files.readString(dir.resolve("server.key")));
    }

    @Test
    void theKeyNeverAppearsInTheScript() throws Exception {
        assertFalse(swap().script().contains("bmV3a2V5"));
    }
}
