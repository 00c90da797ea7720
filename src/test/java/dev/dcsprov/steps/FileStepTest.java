package dev.dcsprov.steps;

import dev.dcsprov.LocalShell;
import dev.dcsprov.facts.FileState;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.ssh.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileStepTest {
    static final String USER = System.getProperty("user.name");
    static final String GROUP = primaryGroup();

    static HostFacts factsWith(FileState... files) {
        Map<String, FileState> map = new java.util.LinkedHashMap<>();
        for (FileState f : files) {
            map.put(f.path(), f);
        }
        return new HostFacts("debian", "12", "bookworm", "h", "h", Map.of(), map, "", Optional.empty(), false, false, false, "", "", false);
    }

    static DesiredFile file(String path, String content, boolean sensitive) {
        return new DesiredFile(path, content.getBytes(StandardCharsets.UTF_8), "0640", USER, GROUP, sensitive, true, true);
    }

    @Test
    void aMissingFileIsCreatedAndItsDiffShown() {
        DesiredFile want = file("/etc/dcs/etcd", "A=\"1\"\n", false);
        Step.Outcome o = new FileStep(want, Optional.of("")).plan("h", factsWith());
        assertEquals(1, o.changes().size());
        Change c = o.changes().get(0);
        assertEquals(Action.CREATE, c.action());
        assertTrue(c.diff().contains("+A=\"1\""), c.diff());
        assertFalse(c.restartsEtcd(), "a new file restarts nothing: etcd was not running with it");
    }

    @Test
    void identicalContentModeAndOwnerIsUnchanged() {
        DesiredFile want = file("/x", "same\n", false);
        Step.Outcome o = new FileStep(want, Optional.empty())
                .plan("h", factsWith(new FileState("/x", true, "0640", USER, GROUP, want.sha256())));
        assertTrue(o.changes().isEmpty());
        assertEquals("/x is up to date", o.unchangedReason());
    }

    @Test
    void onlyAWrongModeIsFixedWithoutRewritingTheContent() {
        DesiredFile want = file("/x", "same\n", false);
        Change c = new FileStep(want, Optional.empty())
                .plan("h", factsWith(new FileState("/x", true, "0644", USER, GROUP, want.sha256()))).changes().get(0);
        assertEquals(Action.UPDATE, c.action());
        assertEquals("mode 0644 -> 0640", c.reason());
        assertFalse(c.commands().get(0).script().contains("cat >"), "no content is sent to fix a mode");
    }

    @Test
    void aSensitiveFileNeverShowsItsContent() {
        DesiredFile want = file("/k", "-----BEGIN PRIVATE KEY-----\nsecret\n", true);
        Change c = new FileStep(want, Optional.of("old secret")).plan("h",
                factsWith(new FileState("/k", true, "0600", USER, GROUP, "00"))).changes().get(0);
        assertTrue(c.sensitive());
        assertEquals("", c.diff());
        assertFalse(c.commands().get(0).script().contains("secret"), "the secret travels on stdin only");
        assertTrue(c.restartsEtcd(), "a replaced key restarts the running member");
    }

    @Test
    void theWriteScriptWritesAtomicallyWithItsModeAndArchivesTheOldVersion(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("server.key");
        Files.writeString(target, "old key\n");
        DesiredFile want = new DesiredFile(target.toString(), "new key\n".getBytes(StandardCharsets.UTF_8), "0600",
                USER, GROUP, true, true, true);
        CommandResult r = new LocalShell().run(new FileStep(want, Optional.empty()).plan("h", factsWith()).changes().get(0)
                .commands().get(0));
        assertEquals(0, r.exitStatus(), r.stderr());
        assertEquals("new key\n", Files.readString(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        List<Path> archived;
        try (var s = Files.walk(dir.resolve("archive"))) {
            archived = s.filter(Files::isRegularFile).toList();
        }
        assertEquals(1, archived.size());
        assertEquals("old key\n", Files.readString(archived.get(0)), "the old key is kept, not lost");
        try (var s = Files.list(dir)) {
            assertEquals(List.of("archive", "server.key"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temp file is left behind");
        }
    }

    private static String primaryGroup() {
        try {
            Process p = new ProcessBuilder("id", "-gn").start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return USER;
        }
    }
}
