package dev.dcsprov.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 items 3, 6 and parts of 8 on dcs-50..52: passwords reach etcd whole or are refused before
 * any host is touched; two changing runs at once never both proceed, and a kill -9'd run blocks
 * nothing; an apt proxy with credentials is root-only; a failed restore leaves no snapshot copies.
 * Checked with etcdctl, ssh and stat, not with dcsprov.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunSafetyIT {
    static final List<String> HOSTS = List.of("dcs-50", "dcs-51", "dcs-52");
    static final String ROOT_PW = "root-Pw-51";
    /** Kept whole by etcdctl's Scanf("%s"): a leading '-', ':', quotes, '$', '`', '\' and non-ASCII letters. */
    static final String ODD_PW = "-dash:co\"lon'$HOME`x`\\café-Ünï";
    private Path dir;
    private final Map<String, String> env = new HashMap<>(Map.of("SAFETY_ROOT_PW", ROOT_PW, "SAFETY_APP_PW", ODD_PW,
            "LANG", "C", "LC_ALL", "C")); // a C locale must not turn "é" into "?"

    @BeforeAll
    void freshHosts() throws IOException {
        Lab.requireUp();
        Lab.recreate(HOSTS);
        dir = Files.createTempDirectory("dcsprov-run-safety-it");
    }

    private Path inventory(Path in) throws IOException {
        Path file = Lab.writeInventory(in, HOSTS, """
                    etcd_auth_enabled: true
                    etcd_auth_root_password: {env: SAFETY_ROOT_PW}
                    etcd_roles:
                      app: [{prefix: /app/, permission: readwrite}]
                    etcd_users:
                      app: {password: {env: SAFETY_APP_PW}, roles: [app]}
                """);
        // The lab proxy ignores credentials; they only have to reach the hosts' apt config safely.
        Files.writeString(file, Files.readString(file).replace("http://192.168.56.1:3142", "http://aptuser:Apt-Pw-51@192.168.56.1:3142"));
        return file;
    }

    private Proc.Result dcsprov(Map<String, String> extra, String... args) {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(extra);
        List<String> cmd = new ArrayList<>(List.of(Lab.REPO.resolve("dcsprov").toString()));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, e, Lab.REPO, 600);
    }

    private Process start(Path inventory, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Lab.REPO.resolve("dcsprov").toString(), "apply", inventory.toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(new File("/dev/null"));
        return pb.start();
    }

    private Proc.Result asUser(String user, String password, String... args) {
        Path pki = dir.resolve("pki/dcs");
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", Cli.endpoints(HOSTS)),
                "--cacert=" + pki.resolve("ca.crt"), "--cert=" + pki.resolve("hosts/dcs-50.crt"),
                "--key=" + pki.resolve("hosts/dcs-50.key"), "--user=" + user + ":" + password));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, Map.of("ETCDCTL_API", "3"), null, 60);
    }

    @Test
    @Order(1)
    void passwordsEtcdWouldCutAreRefusedBeforeAnyHostIsTouched() throws IOException {
        Path inv = inventory(dir);
        for (String bad : List.of("correct horse battery staple", "nbsp\u00a0inside", "a".repeat(73))) {
            Proc.Result r = dcsprov(Map.of("SAFETY_APP_PW", bad), "apply", inv.toString());
            assertEquals(3, r.exit(), r::toString);
            assertTrue(r.err().contains("unusable password for etcd user app"), r::toString);
            assertTrue(r.err().contains("environment variable SAFETY_APP_PW"), r::toString);
            assertFalse(r.all().contains("horse"), r::toString);
        }
        for (String h : HOSTS) {
            assertNotEquals(0, Lab.ssh(h, "dpkg -s etcd-server >/dev/null 2>&1 || test -e /etc/dcs").exit(), h + " was touched");
        }
    }

    @Test
    @Order(2)
    void passwordsDcsprovAcceptsLogInExactlyAsGiven() throws IOException {
        Proc.Result r = dcsprov(Map.of(), "apply", inventory(dir).toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals(0, asUser("app", ODD_PW, "put", "/app/k", "v").exit());
        assertNotEquals(0, asUser("app", "-dash", "get", "/app/k").exit(), "a cut password must not log in");
        assertNotEquals(0, asUser("app", ODD_PW.replace("é", "??"), "get", "/app/k").exit(), "é was mangled by the C locale");
    }

    @Test
    @Order(3)
    void aptProxyCredentialsAreRootOnlyAndSensitiveInThePlan() throws IOException {
        for (String h : HOSTS) {
            assertEquals("600 root:root", Lab.sshOk(h, "stat -c '%a %U:%G' /etc/apt/apt.conf.d/01dcsprov-proxy").strip(), h);
        }
        Lab.sshOk("dcs-51", "chmod 0644 /etc/apt/apt.conf.d/01dcsprov-proxy");
        Proc.Result plan = dcsprov(Map.of(), "plan", inventory(dir).toString());
        assertTrue(plan.out().contains("mode 0644 -> 0600"), plan::toString);
        Lab.sshOk("dcs-51", "rm /etc/apt/apt.conf.d/01dcsprov-proxy");
        plan = dcsprov(Map.of(), "plan", inventory(dir).toString());
        assertTrue(plan.out().contains("01dcsprov-proxy (missing) (sensitive)"), plan::toString);
        assertFalse(plan.all().contains("Apt-Pw-51"), plan::toString);
        assertEquals(0, dcsprov(Map.of(), "apply", inventory(dir).toString()).exit());
    }

    @Test
    @Order(4)
    void twoRunsFromTwoMachinesNeverBothProceedAndAKilledRunBlocksNothing() throws Exception {
        // "Another machine": a second copy of the inventory and the PKI, so only the members' locks stand between them.
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        copyTree(dir.resolve("pki"), other.resolve("pki"));
        Path otherInv = inventory(other);
        // A change that restarts every member, one at a time: a run that lasts.
        Path inv = inventory(dir);
        Files.writeString(inv, Files.readString(inv).replace("    etcd_auth_enabled", "    etcd_heartbeat_interval: 150\n    etcd_auth_enabled"));
        Files.writeString(otherInv, Files.readString(otherInv).replace("    etcd_auth_enabled", "    etcd_heartbeat_interval: 150\n    etcd_auth_enabled"));
        Process first = start(inv, dir.resolve("first.log"));
        try {
            awaitRemoteHolder("dcs-50", first.pid());
            Proc.Result second = dcsprov(Map.of(), "apply", otherInv.toString());
            assertEquals(10, second.exit(), second::toString);
            assertTrue(second.err().contains("another dcsprov run is working on cluster 'dcs'"), second::toString);
            assertTrue(second.err().contains("on dcs-50 (/run/dcsprov/run.lock)"), second::toString);
            assertTrue(second.err().contains("pid " + first.pid() + ","), second::toString);
            assertTrue(second.err().contains("dcsprov apply " + inv), second::toString);
            assertTrue(second.err().contains("run again"), second::toString);
        } finally {
            first.destroyForcibly(); // SIGKILL mid-run: no cleanup code of dcsprov runs
            assertTrue(first.waitFor(60, TimeUnit.SECONDS));
        }
        Proc.Result after = dcsprov(Map.of(), "apply", otherInv.toString());
        assertEquals(0, after.exit(), () -> "a kill -9'd run must not block the next: " + after);
        for (String h : HOSTS) {
            assertTrue(Lab.sshOk(h, "cat /etc/dcs/etcd").contains("ETCD_HEARTBEAT_INTERVAL=\"150\""), h);
        }
    }

    @Test
    @Order(5)
    void twoRunsOnOneMachineAreStoppedByThePkiDirLock() throws Exception {
        Path inv = inventory(dir);
        Files.writeString(inv, Files.readString(inv).replace("    etcd_auth_enabled", "    etcd_heartbeat_interval: 120\n    etcd_auth_enabled"));
        Path lockFile = dir.resolve("pki/dcs/run.lock");
        Process first = start(inv, dir.resolve("first-local.log"));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(lockFile) && Files.readString(lockFile).contains("pid " + first.pid() + ","))) {
                assertTrue(System.nanoTime() < deadline && first.isAlive(), "the first run never took the lock");
                Thread.sleep(50);
            }
            Proc.Result second = dcsprov(Map.of(), "rotate-certs", inv.toString());
            assertEquals(10, second.exit(), second::toString);
            assertTrue(second.err().contains("on this machine (" + lockFile + ")"), second::toString);
            assertTrue(second.err().contains("pid " + first.pid() + ","), second::toString);
            assertTrue(first.waitFor(300, TimeUnit.SECONDS));
            assertEquals(0, first.exitValue(), () -> "the run holding the lock must finish: " + read(dir.resolve("first-local.log")));
        } finally {
            first.destroyForcibly();
        }
        // Read-only commands take no lock; a finished run left none behind.
        assertEquals(0, dcsprov(Map.of(), "status", inv.toString()).exit());
        assertEquals(0, dcsprov(Map.of(), "apply", inv.toString()).exit());
    }

    @Test
    @Order(6)
    void aFailedRestoreLeavesNoSnapshotCopies() throws IOException {
        Path inv = inventory(dir);
        Files.writeString(inv, Files.readString(inv).replace("    etcd_auth_enabled", "    etcd_heartbeat_interval: 120\n    etcd_auth_enabled"));
        Proc.Result backup = dcsprov(Map.of(), "backup", inv.toString());
        assertEquals(0, backup.exit(), backup::toString);
        Path snapshot;
        try (Stream<Path> s = Files.list(dir.resolve("backups/dcs"))) {
            snapshot = s.filter(p -> p.toString().endsWith(".db")).findFirst().orElseThrow();
        }
        // dcs-52 cannot stage a copy: the restore fails after dcs-50 and dcs-51 got theirs.
        Lab.sshOk("dcs-52", "mv /var/tmp /var/tmp.off && touch /var/tmp");
        try {
            Proc.Result r = dcsprov(Map.of(), "restore", "--replace-healthy-cluster", inv.toString(), snapshot.toString());
            assertNotEquals(0, r.exit(), r::toString);
            for (String h : List.of("dcs-50", "dcs-51")) {
                assertEquals("", Lab.sshOk(h, "ls -d /var/tmp/dcsprov-restore.* 2>/dev/null || true").strip(), h);
            }
        } finally {
            Lab.sshOk("dcs-52", "rm /var/tmp && mv /var/tmp.off /var/tmp");
        }
        assertEquals(0, asUser("app", ODD_PW, "get", "/app/k").exit(), "the failed restore changed nothing");
    }

    private static void awaitRemoteHolder(String host, long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Lab.ssh(host, "cat /run/dcsprov/run.lock 2>/dev/null").out().contains("pid " + pid + ",")) {
            assertTrue(System.nanoTime() < deadline, "the first run never took the lock on " + host);
            Thread.sleep(50);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (!p.getFileName().toString().equals("run.lock")) {
                    Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
