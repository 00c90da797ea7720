package dev.dcsprov.ssh;

import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.Recap;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.Plan;
import dev.dcsprov.rotate.CertificateSwap;
import dev.dcsprov.rotate.TrustSwap;
import dev.dcsprov.steps.DesiredFile;
import dev.dcsprov.steps.FileStep;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Staged uploads over a real SSH server (in-process MINA, /bin/sh): content that does not arrive
 * exactly as sent (cut short, too long, other bytes, nothing at all) is refused on the host, the
 * old file stays, and the error names the host and the file.
 */
class StagedUploadTest {
    static final String ME = System.getProperty("user.name");
    static final byte[] OLD = "-----BEGIN PRIVATE KEY-----\nb2xk\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] NEW = "-----BEGIN PRIVATE KEY-----\nbmV3IGtleQ==\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;
    static TestSshServer server;
    static Connection conn;

    @BeforeAll
    static void connect() throws Exception {
        server = TestSshServer.start(dir);
        conn = new SshConnector().connect(server.target("db1"), server.strict(server.writeKnownHosts(dir.resolve("known_hosts"))));
    }

    @AfterAll
    static void close() throws Exception {
        if (conn != null) {
            conn.close();
        }
        server.close();
    }

    private static Path oldKey(String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Path key = d.resolve("server.key");
        Files.write(key, OLD);
        return key;
    }

    private static DesiredFile key(Path path, byte[] content) {
        return new DesiredFile(path.toString(), content, "0600", ME, primaryGroup(), true, true, false);
    }

    /** The real write script with {@code stdin} instead of what dcsprov would send. */
    private static CommandResult writeWith(Path target, byte[] stdin) {
        return conn.run(RemoteCommand.of(FileStep.writeScript(key(target, NEW))).withStdin(stdin));
    }

    private static void assertOldAndNoTemp(Path key) throws IOException {
        assertEquals(new String(OLD, StandardCharsets.US_ASCII), Files.readString(key), "the old file stays as it was");
        try (var s = Files.list(key.getParent())) {
            assertEquals(List.of("server.key"), s.map(p -> p.getFileName().toString()).toList(), "no temp file is left");
        }
    }

    @Test
    void aWholeUploadIsInstalledWithItsMode() throws IOException {
        Path key = oldKey("whole");
        CommandResult r = conn.run(FileStep.writeCommand(key(key, NEW)));
        assertEquals(0, r.exitStatus(), r.stderr());
        assertTrue(Arrays.equals(NEW, Files.readAllBytes(key)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        try (var s = Files.list(key.getParent())) {
            assertEquals(1, s.count(), "no temp file is left");
        }
    }

    @Test
    void contentCutShortIsRefused() throws IOException {
        Path key = oldKey("short");
        byte[] framed = StagedUpload.frame(NEW);
        CommandResult r = writeWith(key, Arrays.copyOf(framed, framed.length - 10));
        assertEquals(StagedUpload.REFUSED, r.exitStatus(), r.stderr());
        assertTrue(r.stderr().contains("refused to install " + key), r.stderr());
        assertTrue(r.stderr().contains("received " + (NEW.length - 10) + " of " + NEW.length + " bytes"), r.stderr());
        assertOldAndNoTemp(key);
    }

    @Test
    void nothingAtAllLeavesTheOldKeyNotAnEmptyOne() throws IOException {
        Path key = oldKey("empty");
        CommandResult r = writeWith(key, new byte[0]);
        assertEquals(StagedUpload.REFUSED, r.exitStatus(), r.stderr());
        assertTrue(r.stderr().contains("nothing arrived"), r.stderr());
        assertOldAndNoTemp(key);
    }

    @Test
    void aCutInsideTheHeaderIsRefused() throws IOException {
        Path key = oldKey("header");
        CommandResult r = writeWith(key, Arrays.copyOf(StagedUpload.frame(NEW), 20)); // "DCSPROV-UPLOAD 6" without its newline
        assertEquals(StagedUpload.REFUSED, r.exitStatus(), r.stderr());
        assertOldAndNoTemp(key);
    }

    @Test
    void sameLengthOtherBytesAreRefusedByTheDigest() throws IOException {
        Path key = oldKey("digest");
        byte[] framed = StagedUpload.frame(NEW);
        framed[framed.length - 5] ^= 1;
        CommandResult r = writeWith(key, framed);
        assertEquals(StagedUpload.REFUSED, r.exitStatus(), r.stderr());
        assertTrue(r.stderr().contains("SHA-256 differs"), r.stderr());
        assertFalse(r.stderr().contains(StagedUpload.sha256(NEW)), "a digest of a secret is never printed");
        assertOldAndNoTemp(key);
    }

    @Test
    void moreThanWasAnnouncedIsRefused() throws IOException {
        Path key = oldKey("long");
        byte[] framed = StagedUpload.frame(NEW);
        byte[] longer = Arrays.copyOf(framed, framed.length + 1);
        longer[framed.length] = '\n';
        CommandResult r = writeWith(key, longer);
        assertEquals(StagedUpload.REFUSED, r.exitStatus(), r.stderr());
        assertTrue(r.stderr().contains("received " + (NEW.length + 1) + " of " + NEW.length), r.stderr());
        assertOldAndNoTemp(key);
    }

    @Test
    void unframedContentIsRefused() throws IOException {
        Path key = oldKey("raw");
        CommandResult r = writeWith(key, NEW);
        assertEquals(StagedUpload.REFUSED, r.exitStatus(), r.stderr());
        assertOldAndNoTemp(key);
    }

    @Test
    void aStaleTempOfAKilledRunIsRemovedByTheNextWrite() throws IOException {
        Path key = oldKey("stale");
        Path stale = key.resolveSibling(".server.key.dcsprov-Ab12Cd");
        Files.writeString(stale, "half a key");
        Path other = key.resolveSibling(".other.dcsprov-Ab12Cd");
        Files.writeString(other, "another file's temp");
        assertEquals(0, conn.run(FileStep.writeCommand(key(key, NEW))).exitStatus());
        assertFalse(Files.exists(stale), "the killed run's temp file is gone");
        assertTrue(Files.exists(other), "only the target's own temps are touched");
    }

    @Test
    void theRunReportsTheRefusalNamingHostAndFile() throws IOException {
        Path key = oldKey("hosts");
        byte[] framed = StagedUpload.frame(NEW);
        Change change = new Change("db1", "file", Action.UPDATE, key.toString(), "content differs", "", true, false,
                List.of(RemoteCommand.of(FileStep.writeScript(key(key, NEW))).withStdin(Arrays.copyOf(framed, framed.length / 2))));
        Map<String, String> failed;
        try (ConnectedHosts hosts = new ConnectedHosts(Map.of("db1", new KeepOpen(conn)), 1)) {
            failed = hosts.runInParallel(List.of(change), Reporter.SILENT);
        }
        assertEquals(List.of("db1"), List.copyOf(failed.keySet()));
        String error = failed.get("db1");
        assertTrue(error.startsWith(key + ": exit status " + StagedUpload.REFUSED), error);
        assertTrue(error.contains("refused to install " + key) && error.contains("previous file is unchanged"), error);
        assertOldAndNoTemp(key);
    }

    @Test
    void aCutCaBundleIsRefusedAndTheOldOneStays() throws IOException {
        Path d = Files.createDirectories(dir.resolve("ca"));
        Path ca = d.resolve("ca.crt");
        Files.writeString(ca, "old bundle\n");
        byte[] bundle = "-----BEGIN CERTIFICATE-----\nbmV3\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII);
        TrustSwap swap = new TrustSwap(ca.toString(), ME + ":" + primaryGroup(), "0640");
        byte[] framed = swap.command(bundle).stdin();
        CommandResult r = conn.run(RemoteCommand.of(swap.script()).withStdin(Arrays.copyOf(framed, framed.length - 1)));
        assertEquals(StagedUpload.REFUSED, r.exitStatus(), r.stderr());
        assertEquals("old bundle\n", Files.readString(ca));
        assertEquals(0, conn.run(swap.command(bundle)).exitStatus());
        assertEquals(new String(bundle, StandardCharsets.US_ASCII), Files.readString(ca));
    }

    @Test
    void aCutCertificateAndKeyPairIsRefusedAndTheOldPairStays() throws IOException {
        Path d = Files.createDirectories(dir.resolve("pair"));
        Files.writeString(d.resolve("server.crt"), "old cert");
        Files.writeString(d.resolve("server.key"), "old key");
        String owner = ME + ":" + primaryGroup();
        CertificateSwap swap = new CertificateSwap(d.resolve("server.crt").toString(), d.resolve("server.key").toString(),
                owner, "0640", owner, "0600");
        byte[] cert = "-----BEGIN CERTIFICATE-----\nbmV3\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII);
        byte[] framed = swap.command(cert, NEW).stdin();
        // Cut right after the key: the key alone must not be installed.
        int cut = framed.length - cert.length;
        CommandResult r = conn.run(RemoteCommand.of(swap.script()).withStdin(Arrays.copyOf(framed, cut)));
        assertEquals(StagedUpload.REFUSED, r.exitStatus(), r.stderr());
        assertEquals("old cert", Files.readString(d.resolve("server.crt")));
        assertEquals("old key", Files.readString(d.resolve("server.key")));
        try (var s = Files.list(d)) {
            assertEquals(List.of("server.crt", "server.key"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aFileStreamedFromDiskIsCheckedTheSameWay() throws IOException {
        Path local = dir.resolve("snapshot.db");
        byte[] data = new byte[300_000];
        new java.util.Random(7).nextBytes(data);
        Files.write(local, data);
        String script = "set -eu\nd=" + dev.dcsprov.Shell.quote(dir.resolve("staged").toString()) + "; mkdir -p \"$d\"\n"
                + StagedUpload.receive("\"$d/snapshot.db\"", "the snapshot copy", "rm -rf \"$d\"") + "echo ok\n";
        CommandResult ok = conn.run(RemoteCommand.of(script).withStdinFrom(StagedUpload.frame(local, data.length, StagedUpload.sha256(data))));
        assertEquals("ok\n", ok.stdout(), ok.stderr());
        assertTrue(Arrays.equals(data, Files.readAllBytes(dir.resolve("staged/snapshot.db"))));
        CommandResult cut = conn.run(RemoteCommand.of(script).withStdinFrom(StagedUpload.frame(local, data.length + 1, StagedUpload.sha256(data))));
        assertEquals(StagedUpload.REFUSED, cut.exitStatus(), cut.stderr());
        assertTrue(cut.stderr().contains("refused to install the snapshot copy"), cut.stderr());
        assertFalse(Files.exists(dir.resolve("staged")), "the refused copy and its dir are removed");
    }

    /** Lets Hosts close its view of the shared connection without closing it. */
    private record KeepOpen(Connection c) implements Connection {
        @Override
        public String hostName() {
            return c.hostName();
        }

        @Override
        public CommandResult run(RemoteCommand command) {
            return c.run(command);
        }

        @Override
        public CommandResult run(RemoteCommand command, java.io.OutputStream stdout) {
            return c.run(command, stdout);
        }

        @Override
        public void close() {
        }
    }


    private static String primaryGroup() {
        try {
            Process p = new ProcessBuilder("id", "-gn").start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return ME;
        }
    }
}
