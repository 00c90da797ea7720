package dev.dcsprov.steps;

import dev.dcsprov.LocalShell;
import dev.dcsprov.facts.FactsProbe;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.plan.Change;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.RemoteCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each step once for real and then again: the facts are read by the real probe script and the
 * step's commands run under a real shell in a temp dir standing for the host. After one apply the
 * facts must give no change (the step converges in one pass and then stays a no-op).
 */
class StepIdempotencyTest {
    private static final String USER = FileStepTest.USER;
    private static final String GROUP = FileStepTest.GROUP;
    private final LocalShell shell = new LocalShell();

    @TempDir
    Path root;

    @Test
    void aDirectoryConvergesFromMissingAndFromALooseMode() throws IOException {
        Path dir = root.resolve("etc-dcs");
        Step step = new DirectoryStep(dir.toString(), "0750", USER, GROUP);
        assertConverges(step, List.of(dir));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertConverges(step, List.of(dir));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void aFileConvergesFromMissingFromOtherContentAndFromALooseMode() throws IOException {
        Path file = root.resolve("etcd.conf");
        DesiredFile want = new DesiredFile(file.toString(), "ETCD_NAME=\"dcs-00\"\n".getBytes(StandardCharsets.UTF_8), "0640",
                USER, GROUP, false, true, true);
        assertConverges(new FileStep(want, Optional.empty()), List.of(file));
        Files.writeString(file, "ETCD_NAME=\"old\"\n");
        assertConverges(new FileStep(want, Optional.empty()), List.of(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertConverges(new FileStep(want, Optional.empty()), List.of(file));
        assertEquals("ETCD_NAME=\"dcs-00\"\n", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void theDefaultsLinkConvergesFromTheStockFileAndKeepsIt() throws IOException {
        Path link = root.resolve("default-etcd");
        Path target = Files.writeString(root.resolve("dcs-etcd"), "ETCD_NAME=\"dcs-00\"\n");
        Files.writeString(link, "# the package's stock file\n");
        assertConverges(new DefaultsLinkStep(link.toString(), target.toString()), List.of());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(target, Files.readSymbolicLink(link));
        assertEquals("# the package's stock file\n", Files.readString(root.resolve("default-etcd.dcsprov-orig")), "moved aside, not lost");
        Files.delete(link);
        Files.createSymbolicLink(link, root.resolve("elsewhere"));
        assertConverges(new DefaultsLinkStep(link.toString(), target.toString()), List.of());
        assertEquals(target, Files.readSymbolicLink(link));
    }

    /** Plans from real facts, expects a change, runs it, and expects the new facts to plan nothing. */
    private void assertConverges(Step step, List<Path> watched) {
        Step.Outcome first = step.plan("h", probe(watched));
        assertFalse(first.changes().isEmpty(), "the step should have found something to do");
        for (Change c : first.changes()) {
            for (RemoteCommand command : c.commands()) {
                CommandResult r = shell.run(command);
                assertEquals(0, r.exitStatus(), () -> c.subject() + ": " + r.stderr());
            }
        }
        Step.Outcome second = step.plan("h", probe(watched));
        assertEquals(List.of(), second.changes(), "one apply converges: the facts afterwards give no change");
        assertFalse(second.unchangedReason().isBlank(), "a no-op says why");
    }

    private HostFacts probe(List<Path> files) {
        Path none = root.resolve("absent");
        return FactsProbe.gather(shell, new FactsProbe.Request(files.stream().map(Path::toString).toList(),
                none.toString(), root.resolve("default-etcd").toString(), none.toString(), "https://127.0.0.1:1",
                none.toString(), none.toString(), none.toString(), List.of()));
    }
}
