package dev.dcsprov.patroni;

import dev.dcsprov.LocalShell;
import dev.dcsprov.facts.FileState;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.PatroniHost;
import dev.dcsprov.inventory.SourceLocation;
import dev.dcsprov.journal.JournalEntry;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.RemoteCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the next run does after a Patroni delivery was killed: the files from facts alone (the generation script is
 * killed after each of its lines and run again, under a real /bin/sh), the reload from the journal.
 */
class PatroniResumeTest {
    @TempDir
    Path dir;

    private PatroniHost host(String osUser) {
        Host h = new Host("pg1", "10.0.0.9", 22, "root", Optional.empty(), false, "pg1", "10.0.0.9", List.of("10.0.0.9"),
                List.of(), new SourceLocation(dir.resolve("inv.yml"), 1, 1));
        return new PatroniHost(h, "patroni", osUser, "patroni", 8008, dir + "/config.yml", dir + "/dcs", dir + "/patroni_env.conf");
    }

    private static PatroniMaterial material(String tag) {
        return new PatroniMaterial(("CA " + tag + "\n").getBytes(), ("CERT " + tag + "\n").getBytes(), ("KEY " + tag + "\n").getBytes());
    }

    /** Files in place as {@code m} and {@code env} make them, Patroni running or not. */
    private static PatroniFacts upToDate(PatroniHost p, PatroniMaterial m, String env, boolean active) {
        return new PatroniFacts(true, active, true, List.of(), m.generation(), m.sha256(),
                Optional.of(new FileState("", true, "0640", "root", p.osUser(), PatroniSteps.envFile(p, env).sha256())),
                Optional.empty(), Optional.empty(), Optional.empty(), "", 0);
    }

    @Test
    void aHostLeftMidStepIsReloadedAgainThoughItsFilesMatch() {
        PatroniHost p = host("postgres");
        PatroniMaterial m = material("one");
        List<Change> changes = PatroniSteps.plan(p, upToDate(p, m, "X=1\n", true), m, "X=1\n", true);
        assertEquals(1, changes.size(), changes::toString);
        assertEquals(Action.RUN, changes.get(0).action());
        assertEquals("systemctl reload 'patroni'", changes.get(0).commands().get(0).script());
        assertTrue(changes.get(0).reason().contains("interrupted delivery"), changes.get(0).reason());
        // The same facts without the journal's word: nothing to do (what the re-run did before the journal).
        assertEquals(List.of(), PatroniSteps.plan(p, upToDate(p, m, "X=1\n", true), m, "X=1\n", false));
    }

    @Test
    void aStoppedPatroniLeftMidStepIsNotReloaded() {
        PatroniHost p = host("postgres");
        PatroniMaterial m = material("one");
        assertEquals(List.of(), PatroniSteps.plan(p, upToDate(p, m, "X=1\n", false), m, "X=1\n", true),
                "a stopped Patroni reads its files when it starts");
    }

    @Test
    void aHostLeftMidStepWithFilesStillToChangeGetsThemAndOneReload() {
        PatroniHost p = host("postgres");
        PatroniMaterial old = material("one");
        List<Change> changes = PatroniSteps.plan(p, upToDate(p, old, "X=1\n", true), material("two"), "X=1\n", true);
        PatroniResume.Steps steps = PatroniResume.Steps.of(changes);
        assertEquals(1, steps.files().size(), changes::toString);
        assertEquals(1, steps.reload().size(), "one reload, after the files");
        assertEquals(changes.get(changes.size() - 1), steps.reload().get(0));
    }

    @Test
    void onlyARecordInsideAStepOfTheDeliveryNamesAHost() {
        JournalEntry reload = new JournalEntry(PatroniResume.OPERATION, "rotate-certs", "dcs-60", PatroniResume.RELOAD,
                JournalEntry.STARTED, "dcsprov rotate-certs inv.yml", "2026-12-03T06:00:00Z", 1);
        assertTrue(reload.inStep());
        assertEquals("patroni-delivery (rotate-certs): stopped while reloading Patroni on dcs-60 (then waiting until it reaches etcd), "
                + "at 2026-12-03T06:00:00Z", reload.describe());
        JournalEntry files = new JournalEntry(PatroniResume.OPERATION, "apply", "dcs-61", PatroniResume.FILES,
                JournalEntry.STARTED, "dcsprov apply inv.yml", "2026-12-03T06:00:00Z", 1);
        assertTrue(files.describe().contains("stopped while installing Patroni's etcd files on dcs-61"), files.describe());
        JournalEntry done = new JournalEntry(PatroniResume.OPERATION, "apply", "dcs-61", PatroniResume.DONE,
                JournalEntry.DONE, "dcsprov apply inv.yml", "2026-12-03T06:00:00Z", 1);
        assertTrue(!done.inStep() && done.interrupted(), "done on its host, the delivery not recorded finished: nothing to redo");
    }

    /**
     * The generation script killed (SIGKILL of its shell) after each of its lines, with the upload whole, then the
     * re-run's plan from the facts it left, run in full: every time the new generation is current and whole, the
     * previous one kept whole, no temp dir or link left.
     */
    @Test
    void theGenerationSwitchKilledAfterAnyLineIsFinishedByTheNextRun() throws Exception {
        PatroniHost p = host(me());
        PatroniMaterial first = material("one");
        PatroniMaterial second = material("two");
        RemoteCommand full = PatroniSteps.generationCommand(p, second);
        List<String> lines = full.script().lines().toList();
        Path upload = Files.write(dir.resolve("upload"), full.stdin());
        for (int k = 1; k <= lines.size(); k++) {
            Path dcs = dir.resolve("dcs");
            if (Files.exists(dcs)) {
                new LocalShell().run(RemoteCommand.of("rm -rf '" + dcs + "'"));
            }
            PatroniSteps.plan(p, facts("", ""), first, "X=1\n").forEach(PatroniResumeTest::run);
            String killed = String.join("\n", lines.subList(0, k)) + "\nkill -9 $$\n" + String.join("\n", lines.subList(k, lines.size())) + "\n";
            // The upload comes from a file: the shell may die before it has read it all. sync is skipped for speed
            // (it orders nothing the script decides on).
            CommandResult r = new LocalShell().run(RemoteCommand.of("exec < '" + upload + "'\nsync() { :; }\n" + killed));
            assertTrue(r.exitStatus() == 137 || r.exitStatus() == 0 || r.exitStatus() == -1 || r.exitStatus() == 9,
                    "killed after line " + k + ": " + r.exitStatus() + " " + r.stderr());
            // The re-run reads the facts the kill left (where current points, the digest of its files) and plans from them.
            String current = Files.isSymbolicLink(dcs.resolve("current")) ? Files.readSymbolicLink(dcs.resolve("current")).toString() : "";
            String sha = current.equals(second.generation()) ? second.sha256() : current.equals(first.generation()) ? first.sha256() : "";
            assertTrue(!sha.isEmpty(), "after line " + k + " current points at a whole generation: " + current);
            PatroniSteps.plan(p, facts(current, sha), second, "X=1\n").stream().filter(c -> c.subject().equals(p.current()))
                    .flatMap(c -> c.commands().stream()).forEach(c -> assertEquals(0, new LocalShell().run(
                            RemoteCommand.of("sync() { :; }\n" + c.script()).withStdin(c.stdin())).exitStatus()));
            assertEquals(second.generation(), Files.readSymbolicLink(dcs.resolve("current")).toString(), "after line " + k);
            assertArrayEquals(second.cert(), Files.readAllBytes(dcs.resolve("current/client.crt")));
            assertArrayEquals(second.key(), Files.readAllBytes(dcs.resolve("current/client.key")));
            assertArrayEquals(second.ca(), Files.readAllBytes(dcs.resolve("current/ca.crt")));
            assertArrayEquals(first.key(), Files.readAllBytes(dcs.resolve(first.generation()).resolve("client.key")), "previous kept");
            try (Stream<Path> left = Files.list(dcs)) {
                assertEquals(List.of("current", first.generation(), second.generation()).stream().sorted().toList(),
                        left.map(f -> f.getFileName().toString()).sorted().toList(), "after line " + k);
            }
        }
    }

    private static PatroniFacts facts(String current, String sha) {
        return new PatroniFacts(true, false, true, List.of(), current, sha, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), "", 0);
    }

    private static void run(Change c) {
        for (RemoteCommand command : c.commands()) {
            CommandResult r = new LocalShell().run(RemoteCommand.of("sync() { :; }\n" + command.script()).withStdin(command.stdin()));
            assertEquals(0, r.exitStatus(), r.stderr());
        }
    }

    private static String me() throws Exception {
        Process p = new ProcessBuilder("id", "-un").start();
        return new String(p.getInputStream().readAllBytes()).strip();
    }
}
