package dev.dcsprov.patroni;

import dev.dcsprov.LocalShell;
import dev.dcsprov.facts.FileState;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.PatroniHost;
import dev.dcsprov.inventory.SourceLocation;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.RemoteCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generation switch and the env file, run for real under /bin/sh on this machine. */
class PatroniStepsTest {
    @TempDir
    Path dir;

    private PatroniHost host(String osUser) {
        Host h = new Host("pg1", "10.0.0.9", 22, "root", Optional.empty(), false, "pg1", "10.0.0.9", List.of("10.0.0.9"),
                List.of(), new SourceLocation(dir.resolve("inv.yml"), 1, 1));
        return new PatroniHost(h, "patroni", osUser, "patroni", 8008, dir + "/config.yml", dir + "/dcs", dir + "/patroni_env.conf");
    }

    private static String me() throws Exception {
        Process p = new ProcessBuilder("id", "-un").start();
        return new String(p.getInputStream().readAllBytes()).strip();
    }

    private static PatroniFacts facts(String current, String sha, boolean active) {
        return new PatroniFacts(true, active, true, List.of(), current, sha, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), "", 0);
    }

    private static PatroniMaterial material(String tag) {
        return new PatroniMaterial(("CA " + tag + "\n").getBytes(), ("CERT " + tag + "\n").getBytes(), ("KEY " + tag + "\n").getBytes());
    }

    private static void run(Change c) {
        for (RemoteCommand command : c.commands()) {
            CommandResult r = new LocalShell().run(command);
            assertEquals(0, r.exitStatus(), r.stderr());
        }
    }

    @Test
    void aGenerationIsSwitchedByOneRenameAndOldOnesAreKept() throws Exception {
        PatroniHost p = host(me());
        PatroniMaterial first = material("one");
        List<Change> changes = PatroniSteps.plan(p, facts("", "", false), first, "X=1\n");
        assertEquals(2, changes.size(), "generation and env file; no reload while Patroni is not running");
        assertTrue(changes.stream().allMatch(Change::sensitive));
        changes.forEach(PatroniStepsTest::run);
        Path current = dir.resolve("dcs/current");
        assertEquals(first.generation(), Files.readSymbolicLink(current).toString());
        assertArrayEquals(first.key(), Files.readAllBytes(current.resolve("client.key")));
        assertArrayEquals(first.cert(), Files.readAllBytes(current.resolve("client.crt")));
        assertArrayEquals(first.ca(), Files.readAllBytes(current.resolve("ca.crt")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(current.resolve("client.key"))));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("patroni_env.conf"))));

        PatroniMaterial second = material("two");
        List<Change> next = PatroniSteps.plan(p, facts(first.generation(), first.sha256(), true), second, "X=1\n");
        assertEquals(Action.UPDATE, next.get(0).action());
        assertEquals(Action.RUN, next.get(next.size() - 1).action(), "Patroni runs: it is reloaded after the switch");
        run(next.get(0));
        assertEquals(second.generation(), Files.readSymbolicLink(current).toString());
        assertTrue(Files.isDirectory(dir.resolve("dcs").resolve(first.generation())), "the old generation is kept");
        try (var left = Files.list(dir.resolve("dcs"))) {
            assertEquals(3, left.count(), "two generations and the link; no temp dir left: " + dir.resolve("dcs"));
        }
        // Switching back to a generation that exists reuses it.
        run(PatroniSteps.plan(p, facts(second.generation(), second.sha256(), false), first, "X=1\n").get(0));
        assertEquals(first.generation(), Files.readSymbolicLink(current).toString());
    }

    @Test
    void upToDateMeansNothingToDoAndNoReload() {
        PatroniHost p = host("postgres");
        PatroniMaterial m = material("one");
        String env = "X=1\n";
        var want = PatroniSteps.envFile(p, env);
        PatroniFacts f = new PatroniFacts(true, true, true, List.of(), m.generation(), m.sha256(),
                Optional.of(new FileState("", true, "0640", "root", "postgres", want.sha256())), Optional.empty(), Optional.empty(),
                Optional.empty(), "", 0);
        assertEquals(List.of(), PatroniSteps.plan(p, f, m, env));
    }

    @Test
    void aCutTransferLeavesTheCurrentGenerationAlone() throws Exception {
        PatroniHost p = host(me());
        PatroniMaterial first = material("one");
        PatroniSteps.plan(p, facts("", "", false), first, "X=1\n").forEach(PatroniStepsTest::run);
        RemoteCommand full = PatroniSteps.generationCommand(p, material("two"));
        byte[] cut = java.util.Arrays.copyOf(full.stdin(), full.stdin().length - 3);
        CommandResult r = new LocalShell().run(RemoteCommand.of(full.script()).withStdin(cut));
        assertEquals(65, r.exitStatus(), r.stderr());
        assertEquals(first.generation(), Files.readSymbolicLink(dir.resolve("dcs/current")).toString());
        try (var left = Files.list(dir.resolve("dcs"))) {
            assertEquals(2, left.count());
        }
    }

    @Test
    void theEnvFileQuotesWhatSystemdWouldInterpret() {
        PatroniHost p = host("postgres");
        String env = PatroniEnvFile.render(p, List.of("10.0.0.1:2379", "10.0.0.2:2379"), "a$b\"c\\d`e");
        assertTrue(env.contains("PATRONI_ETCD3_HOSTS=\"10.0.0.1:2379,10.0.0.2:2379\"\n"), env);
        assertTrue(env.contains("PATRONI_ETCD3_PROTOCOL=\"https\"\n"));
        assertTrue(env.contains("PATRONI_ETCD3_CERT=\"" + dir + "/dcs/current/client.crt\"\n"));
        assertTrue(env.contains("PATRONI_ETCD3_PASSWORD=\"a\\$b\\\"c\\\\d\\`e\"\n"), env);
        assertFalse(new String(PatroniSteps.envFile(p, env).content(), StandardCharsets.UTF_8).isEmpty());
        assertEquals("0640", PatroniSteps.envFile(p, env).mode());
        assertEquals("postgres", PatroniSteps.envFile(p, env).group());
    }
}
