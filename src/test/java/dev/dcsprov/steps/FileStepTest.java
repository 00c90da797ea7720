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

    @Test
    void aLinkAtTheTargetIsReplacedNotFollowed(@TempDir Path dir) throws IOException {
        Path victim = Files.writeString(Files.createDirectory(dir.resolve("elsewhere")).resolve("shadow"), "precious\n");
        Path victimDir = Files.createDirectory(dir.resolve("victim-dir"));
        Path target = Files.createSymbolicLink(dir.resolve("etcdctl.env"), victim);
        Path toDir = Files.createSymbolicLink(dir.resolve("etcd"), victimDir);
        for (Path p : List.of(target, toDir)) {
            DesiredFile want = new DesiredFile(p.toString(), "export A=1\n".getBytes(StandardCharsets.UTF_8), "0644",
                    USER, GROUP, false, false, false);
            // Facts report a link as absent, so the file is written anew.
            CommandResult r = new LocalShell().run(new FileStep(want, Optional.empty()).plan("h", factsWith()).changes().get(0)
                    .commands().get(0));
            assertEquals(0, r.exitStatus(), r.stderr());
            assertFalse(Files.isSymbolicLink(p), p + " is a regular file now");
            assertEquals("export A=1\n", Files.readString(p));
        }
        assertEquals("precious\n", Files.readString(victim), "the link's target is untouched");
        try (var s = Files.list(victimDir)) {
            assertEquals(0, s.count(), "nothing was moved into the directory a link pointed to");
        }
    }

    @Test
    void anArchiveDirThatIsALinkIsRefusedAndNothingIsCopiedThrough(@TempDir Path dir) throws IOException {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path certs = Files.createDirectory(dir.resolve("cert"));
        Files.createSymbolicLink(certs.resolve("archive"), elsewhere);
        Path target = Files.writeString(certs.resolve("server.key"), "old key\n");
        DesiredFile want = new DesiredFile(target.toString(), "new key\n".getBytes(StandardCharsets.UTF_8), "0600",
                USER, GROUP, true, true, true);
        CommandResult r = new LocalShell().run(new FileStep(want, Optional.empty()).plan("h", factsWith()).changes().get(0)
                .commands().get(0));
        assertFalse(r.ok(), "refused");
        assertTrue(r.stderr().contains("refusing to archive into"), r.stderr());
        assertEquals("old key\n", Files.readString(target), "the old key stays in place");
        try (var s = Files.list(elsewhere)) {
            assertEquals(0, s.count(), "nothing was copied through the link");
        }
        try (var s = Files.list(certs)) {
            assertEquals(List.of("archive", "server.key"), s.map(p -> p.getFileName().toString()).sorted().toList(), "no temp file left");
        }
    }

    @Test
    void aModeFixNeverFollowsALink(@TempDir Path dir) throws IOException {
        Path victim = Files.writeString(dir.resolve("shadow"), "precious\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("etcd"), victim);
        DesiredFile want = file(link.toString(), "same\n", false);
        // The facts saw a regular file; by the time the fix runs a link is there.
        Change c = new FileStep(want, Optional.empty())
                .plan("h", factsWith(new FileState(link.toString(), true, "0600", USER, GROUP, want.sha256()))).changes().get(0);
        CommandResult r = new LocalShell().run(c.commands().get(0));
        assertFalse(r.ok());
        assertTrue(r.stderr().contains("is a symbolic link"), r.stderr());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)), "the target's mode is untouched");
    }

    @Test
    void aDirectoryThatIsALinkIsRefusedBeforeChownOrChmodFollowIt(@TempDir Path dir) throws IOException {
        Path victim = Files.createDirectory(dir.resolve("etc"));
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(dir.resolve("cert"), victim);
        Step.Outcome o = new DirectoryStep(link.toString(), new Ownership(USER, GROUP, "0750")).plan("h", factsWith());
        CommandResult r = new LocalShell().run(o.changes().get(0).commands().get(0));
        assertFalse(r.ok());
        assertTrue(r.stderr().contains("is a symbolic link"), r.stderr());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)));
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
