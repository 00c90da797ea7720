package dev.dcsprov.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * backup and restore on dcs-40..42 (bookworm, etcd 3.4), and a single-node restore onto dcs-43 (trixie,
 * etcd 3.5 with etcdutl). Checked with etcdctl, sha256sum and ssh from this machine, never with dcsprov code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupRestoreIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HOSTS = List.of("dcs-40", "dcs-41", "dcs-42");
    private static final String SINGLE = "dcs-43";
    private final List<String> endpoints = Cli.endpoints(HOSTS);
    private final Map<String, String> written = new LinkedHashMap<>();
    private Path dir;
    private Path inventory;
    private Path pki;
    private Path snapshot;

    @BeforeAll
    void freshHosts() throws IOException {
        Lab.requireUp();
        Lab.recreate(HOSTS);
        Proc.Result d = Proc.run(List.of(Lab.REPO.resolve("lab/down").toString(), "--quiet", SINGLE));
        assertEquals(0, d.exit(), d::toString);
        Proc.Result u = Proc.run(List.of(Lab.REPO.resolve("lab/up").toString(), "--release", "trixie", SINGLE));
        assertEquals(0, u.exit(), u::toString);
        dir = Files.createTempDirectory("dcsprov-backup-it");
        // Auth on, with an application user: backup and restore must carry users and roles too.
        writeSecret(dir.resolve("root.pw"), ROOT_PW);
        writeSecret(dir.resolve("app.pw"), APP_PW);
        inventory = Lab.writeInventory(dir, HOSTS, """
                    dcsprov_backup_keep: 2
                    etcd_auth_enabled: true
                    etcd_auth_root_password: {file: root.pw}
                    etcd_roles:
                      app: [{prefix: /app/, permission: readwrite}]
                    etcd_users:
                      app: {password: {file: app.pw}, roles: [app]}
                """);
        pki = dir.resolve("pki/dcs");
        Proc.Result apply = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, apply.exit(), apply::toString);
    }

    static final String ROOT_PW = "root-Backup-IT-7";
    static final String APP_PW = "app-Backup-IT-9";

    private static void writeSecret(Path file, String secret) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, secret + "\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /** etcdctl as the application user: password auth (from the environment), not the root certificate's CN. */
    private Proc.Result asApp(String password, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", endpoints),
                "--cacert=" + pki.resolve("ca.crt"), "--cert=" + pki.resolve("clients/root.crt"),
                "--key=" + pki.resolve("clients/root.key"), "--dial-timeout=3s", "--command-timeout=10s"));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, Map.of("ETCDCTL_API", "3", "ETCDCTL_USER", "app:" + password), null, 60);
    }

    private void put(String key, String value) {
        Proc.Result r = Cli.etcdctl(pki, endpoints, "put", key, value);
        assertEquals(0, r.exit(), r::toString);
    }

    private Map<String, String> readAll(Path pkiDir, List<String> eps) throws IOException {
        Proc.Result r = Cli.etcdctl(pkiDir, eps, "get", "", "--prefix", "-w", "json");
        assertEquals(0, r.exit(), r::toString);
        Map<String, String> kv = new LinkedHashMap<>();
        JsonNode kvs = JSON.readTree(r.out()).path("kvs");
        java.util.Base64.Decoder b64 = java.util.Base64.getDecoder();
        kvs.forEach(n -> kv.put(new String(b64.decode(n.get("key").asText())), new String(b64.decode(n.get("value").asText()))));
        return kv;
    }

    private String clusterId() throws IOException {
        Proc.Result r = Cli.etcdctl(pki, endpoints, "member", "list", "-w", "json");
        assertEquals(0, r.exit(), r::toString);
        return JSON.readTree(r.out()).path("header").path("cluster_id").asText();
    }

    @Test
    @Order(1)
    void backupKeepsAVerifiedSnapshotWithItsChecksum() throws IOException {
        for (int i = 0; i < 20; i++) {
            String v = "value-" + i + " with spaces and ü";
            put("/app/key" + i, v);
            written.put("/app/key" + i, v);
        }
        Path backups = dir.resolve("backups/dcs");
        Map<String, String> pids = pids();
        Proc.Result check = Cli.dcsprov("backup", "--check", inventory.toString());
        assertEquals(0, check.exit(), check::toString);
        assertTrue(check.out().contains("Plan for backup on cluster 'dcs' (3 members)"), check::toString);
        assertTrue(check.out().contains("dcs-40: ! snapshot etcdctl snapshot save"), check::toString);
        assertTrue(check.out().contains("local: + backup ") && check.out().contains("/dcs-<UTC time>.db"), check::toString);
        assertTrue(check.out().contains("--check: nothing was changed"), check::toString);
        Proc.Result checkJson = Cli.dcsprov("backup", "--check", "-o", "json", inventory.toString());
        assertEquals(0, checkJson.exit(), checkJson::toString);
        assertEquals("backup", JSON.readTree(checkJson.out()).path("plan").path("operation").asText(), checkJson::toString);
        assertTrue(!Files.exists(backups) || dbs(backups).isEmpty(), "--check keeps no snapshot here");
        assertNoTempDirs("dcsprov-backup");
        assertEquals(pids, pids(), "--check restarts no etcd");

        Proc.Result r = Cli.dcsprov("backup", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("Plan for backup"), "the run shows its plan first: " + r);
        assertTrue(r.out().contains("| HASH ") || r.out().contains("HASH"), r::toString);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backups)));
        List<Path> dbs = dbs(backups);
        assertEquals(1, dbs.size(), dbs::toString);
        snapshot = dbs.get(0);
        assertTrue(snapshot.getFileName().toString().matches("dcs-\\d{8}T\\d{6}Z\\.db"), snapshot::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshot)));
        Proc.Result sum = Proc.run(List.of("sh", "-c", "cd " + backups + " && sha256sum -c " + snapshot.getFileName() + ".sha256"));
        assertEquals(0, sum.exit(), sum::toString);
        // etcd's own tool on this machine agrees it is a snapshot holding our writes, and restores it (hash check).
        Proc.Result status = Proc.run(List.of("etcdctl", "snapshot", "status", snapshot.toString(), "-w", "json"), Map.of("ETCDCTL_API", "3"), null, 60);
        assertEquals(0, status.exit(), status::toString);
        assertTrue(JSON.readTree(status.out()).get("revision").asLong() >= 21, status.out());
        assertTrue(r.out().contains(Long.toHexString(JSON.readTree(status.out()).get("hash").asLong())), r::toString);
        Proc.Result trial = Proc.run(List.of("etcdctl", "snapshot", "restore", snapshot.toString(), "--data-dir", dir.resolve("trial").toString()),
                Map.of("ETCDCTL_API", "3"), null, 60);
        assertEquals(0, trial.exit(), trial::toString);
    }

    @Test
    @Order(2)
    void retentionKeepsTheNewestN() throws Exception {
        for (int i = 0; i < 2; i++) {
            Thread.sleep(1100); // names are per second
            Proc.Result r = Cli.dcsprov("backup", inventory.toString());
            assertEquals(0, r.exit(), r::toString);
        }
        List<Path> dbs = dbs(dir.resolve("backups/dcs"));
        assertEquals(2, dbs.size(), "dcsprov_backup_keep: 2 -> " + dbs);
        assertTrue(!dbs.contains(snapshot) && !Files.exists(Path.of(snapshot + ".sha256")), "the oldest went with its checksum");
        snapshot = dbs.get(1);
    }

    @Test
    @Order(3)
    void corruptOrTruncatedSnapshotsAreRefusedBeforeAnythingStops() throws IOException {
        byte[] all = Files.readAllBytes(snapshot);
        Path truncated = dir.resolve("truncated.db");
        Files.write(truncated, Arrays.copyOf(all, all.length / 2));
        byte[] flipped = all.clone();
        flipped[flipped.length / 2] ^= 0x55;
        Path corrupt = dir.resolve("corrupt.db");
        Files.write(corrupt, flipped);
        // A good file whose recorded checksum disagrees (changed after the backup).
        Path tampered = dir.resolve("tampered.db");
        Files.write(tampered, all);
        Files.writeString(dir.resolve("tampered.db.sha256"), "0".repeat(64) + "  tampered.db\n");
        for (Path bad : List.of(truncated, corrupt, tampered)) {
            Proc.Result r = Cli.dcsprov("restore", inventory.toString(), bad.toString(), "--replace-healthy-cluster");
            assertEquals(2, r.exit(), r::toString);
            assertTrue(r.err().contains("Nothing was stopped"), r::toString);
        }
        for (String h : HOSTS) {
            assertEquals("active", Lab.ssh(h, "systemctl is-active etcd").out().strip(), h);
        }
        assertEquals(written, readAll(pki, endpoints));
    }

    @Test
    @Order(4)
    void aServingClusterIsOnlyReplacedWhenAsked() throws IOException {
        put("/written-after-backup", "x");
        Proc.Result r = Cli.dcsprov("restore", inventory.toString(), snapshot.toString());
        assertEquals(6, r.exit(), r::toString);
        assertTrue(r.err().contains("--replace-healthy-cluster"), r::toString);
        Proc.Result check = Cli.dcsprov("restore", "--check", inventory.toString(), snapshot.toString());
        assertEquals(6, check.exit(), "--check refuses as the run does: " + check);
        assertTrue(check.err().contains("--replace-healthy-cluster"), check::toString);
        assertTrue(readAll(pki, endpoints).containsKey("/written-after-backup"));
        for (String h : HOSTS) {
            assertNotEquals(0, Lab.ssh(h, "ls -d /var/lib/etcd/dcs.before-restore-*").exit(), h);
        }
    }

    @Test
    @Order(5)
    void restoreAfterEveryDataDirIsDestroyedBringsEveryKeyBack() throws IOException {
        String oldCluster = clusterId();
        for (String h : HOSTS) {
            Lab.sshOk(h, "systemctl stop etcd && rm -rf /var/lib/etcd/dcs");
        }
        Proc.Result check = Cli.dcsprov("restore", "--check", inventory.toString(), snapshot.toString());
        assertEquals(0, check.exit(), check::toString);
        assertTrue(check.out().contains("Plan for restore on cluster 'dcs' (3 members)"), check::toString);
        for (String h : HOSTS) {
            assertTrue(check.out().contains(h + ": ! snapshot copy to /var/tmp/dcsprov-restore.* and trial restore"), check::toString);
            assertTrue(check.out().contains(h + ": ! service systemctl stop etcd"), check::toString);
            assertTrue(check.out().contains(h + ": ~ datadir /var/lib/etcd/dcs -> /var/lib/etcd/dcs.before-restore-"), check::toString);
            assertTrue(check.out().contains(h + ": + snapshot /var/lib/etcd/dcs (snapshot restore as member " + h), check::toString);
            assertTrue(check.out().contains(h + ": > service etcd"), check::toString);
        }
        assertTrue(check.out().contains("--check: nothing was changed"), check::toString);
        assertNoTempDirs("dcsprov-restore");
        for (String h : HOSTS) {
            assertNotEquals(0, Lab.ssh(h, "systemctl is-active etcd").exit(), h + ": --check starts nothing");
            assertNotEquals(0, Lab.ssh(h, "test -e /var/lib/etcd/dcs").exit(), h + ": --check restores nothing");
            assertNotEquals(0, Lab.ssh(h, "test -e /etc/dcs/restore-history").exit(), h + ": and records nothing");
        }

        Proc.Result r = Cli.dcsprov("restore", inventory.toString(), snapshot.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("Plan for restore"), "the run shows its plan first: " + r);
        assertTrue(r.out().contains("restored cluster 'dcs'") && r.out().contains("with 20 keys"), r::toString);
        assertEquals(written, readAll(pki, endpoints), "every key with its value, and nothing written after the backup");
        Proc.Result health = Cli.etcdctl(pki, endpoints, "endpoint", "health");
        assertEquals(0, health.exit(), health::toString);
        assertNotEquals(oldCluster, clusterId(), "a new token gives the restored cluster a new ID");
        for (String h : HOSTS) {
            assertEquals("etcd etcd 700", Lab.sshOk(h, "stat -c '%U %G %a' /var/lib/etcd/dcs").strip(), h);
            assertEquals("existing", Lab.sshOk(h, ". /etc/default/etcd && echo $ETCD_INITIAL_CLUSTER_STATE").strip(), h);
            assertTrue(Lab.sshOk(h, "cat /etc/dcs/restore-history").contains("token=dcs-token-restored-"), h);
            assertEquals("", Lab.sshOk(h, "ls /var/tmp | grep dcsprov || true").strip(), h + ": staged copies removed");
        }
        // Users, roles and auth came back with the data: the app user works, and only under its prefix.
        assertEquals(0, asApp(APP_PW, "put", "/app/after-restore", "ok").exit(), "the app user writes its prefix");
        assertNotEquals(0, asApp(APP_PW, "put", "/elsewhere", "no").exit(), "and nothing else");
        assertNotEquals(0, asApp("wrong-password", "get", "/app/after-restore").exit(), "a wrong password is refused");
        // The cluster matches the inventory: apply has nothing to do.
        Proc.Result plan = Cli.dcsprov("plan", inventory.toString());
        assertEquals(0, plan.exit(), plan::toString);
        assertTrue(plan.out().contains("No changes"), plan::toString);
    }

    @Test
    @Order(6)
    void restoreOverAHealthyClusterMovesEveryDataDirAside() throws IOException {
        put("/written-after-backup", "x");
        String cluster = clusterId();
        Map<String, String> pids = pids();
        Proc.Result check = Cli.dcsprov("restore", "--check", "-o", "json", inventory.toString(), snapshot.toString(), "--replace-healthy-cluster");
        assertEquals(0, check.exit(), check::toString);
        JsonNode planned = JSON.readTree(check.out()).path("plan");
        assertEquals("restore", planned.path("operation").asText(), check::toString);
        assertEquals(18, planned.path("steps").size(), "six steps per member: " + check);
        assertTrue(planned.path("notes").toString().contains("--replace-healthy-cluster asks"), check::toString);
        assertEquals(pids, pids(), "--check stops no etcd");
        assertEquals(cluster, clusterId(), "--check restores nothing");
        assertTrue(readAll(pki, endpoints).containsKey("/written-after-backup"), "the write after the backup is still there");
        for (String h : HOSTS) {
            assertNotEquals(0, Lab.ssh(h, "ls -d /var/lib/etcd/dcs.before-restore-*").exit(), h + ": --check moves no data dir");
        }
        assertNoTempDirs("dcsprov-restore");
        // Issue 16: a tarball drop-in left on one member (the inventory names no etcd_tarball) would start that binary on
        // the snapshot: refused before anything changes, naming the member, the file and the fix. (A fake one: not
        // daemon-reloaded, and removed again before the restore.)
        String dropIn = "/etc/systemd/system/etcd.service.d/dcsprov-etcd.conf";
        Lab.sshOk("dcs-41", "mkdir -p /etc/systemd/system/etcd.service.d && printf '[Service]\\nExecStart=\\nExecStart=/opt/dcsprov/etcd/3.5.16/etcd $DAEMON_ARGS\\n' > " + dropIn);
        try {
            for (boolean dry : new boolean[] {true, false}) {
                Proc.Result refused = dry ? Cli.dcsprov("restore", "--check", inventory.toString(), snapshot.toString(), "--replace-healthy-cluster")
                        : Cli.dcsprov("restore", inventory.toString(), snapshot.toString(), "--replace-healthy-cluster");
                assertEquals(6, refused.exit(), refused::toString);
                assertTrue(refused.err().contains("on dcs-41") && refused.err().contains(dropIn + " runs ExecStart=/opt/dcsprov/etcd/3.5.16/etcd"),
                        refused::toString);
                assertTrue(refused.err().contains("'systemctl stop etcd && rm " + dropIn + " && systemctl daemon-reload'"), refused::toString);
                assertTrue(!refused.err().contains("dcs-40") && !refused.err().contains("dcs-42"), "only the member that has one: " + refused);
            }
            assertEquals(pids, pids(), "the refusal stops no etcd");
            assertEquals(cluster, clusterId(), "and restores nothing");
            assertTrue(readAll(pki, endpoints).containsKey("/written-after-backup"), "the write after the backup is still there");
            for (String h : HOSTS) {
                assertNotEquals(0, Lab.ssh(h, "ls -d /var/lib/etcd/dcs.before-restore-*").exit(), h + ": the refusal moves no data dir");
            }
            assertNoTempDirs("dcsprov-restore");
            assertTrue(Lab.sshOk("dcs-41", "cat " + dropIn).contains("3.5.16"), "the drop-in is left as it was");
        } finally {
            Lab.sshOk("dcs-41", "rm -f " + dropIn + " && rmdir --ignore-fail-on-non-empty /etc/systemd/system/etcd.service.d");
        }
        Proc.Result r = Cli.dcsprov("restore", inventory.toString(), snapshot.toString(), "--replace-healthy-cluster");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(written, readAll(pki, endpoints));
        for (String h : HOSTS) {
            String aside = Lab.sshOk(h, "ls -d /var/lib/etcd/dcs.before-restore-*").strip();
            assertTrue(Lab.ssh(h, "test -d " + aside + "/member").exit() == 0, h + ": the old data is kept in " + aside);
        }
    }

    @Test
    @Order(7)
    void aSnapshotRestoresOntoASingleNewHostWithEtcd35() throws IOException {
        Path single = Files.createTempDirectory("dcsprov-single-it");
        Path inv = Lab.writeInventory(single, List.of(SINGLE), "");
        Proc.Result apply = Cli.dcsprov("apply", inv.toString());
        assertEquals(0, apply.exit(), apply::toString);
        assertEquals(0, Lab.ssh(SINGLE, "command -v etcdutl").exit(), "trixie has etcdutl");
        // A cluster apply just started holds nothing: no confirmation is needed.
        Proc.Result r = Cli.dcsprov("restore", inv.toString(), snapshot.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals(written, readAll(single.resolve("pki/dcs"), Cli.endpoints(List.of(SINGLE))));
        Proc.Result members = Cli.etcdctl(single.resolve("pki/dcs"), Cli.endpoints(List.of(SINGLE)), "member", "list", "-w", "json");
        assertEquals(1, JSON.readTree(members.out()).get("members").size(), members::toString);
    }

    @Test
    @Order(8)
    void applyInstallsScheduledSnapshotsWithRetentionOnTheHosts() throws IOException {
        Files.writeString(inventory, Files.readString(inventory).replace("    dcsprov_backup_keep: 2\n",
                "    dcsprov_backup_keep: 2\n    dcsprov_backup_schedule: hourly\n    dcsprov_backup_host_keep: 2\n"));
        Proc.Result apply = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, apply.exit(), apply::toString);
        assertTrue(Cli.dcsprov("plan", inventory.toString()).out().contains("No changes"), "a second apply is a no-op");
        String h = HOSTS.get(1);
        assertEquals("enabled", Lab.sshOk(h, "systemctl is-enabled dcsprov-snapshot.timer").strip());
        assertEquals("active", Lab.sshOk(h, "systemctl is-active dcsprov-snapshot.timer").strip());
        for (int i = 0; i < 3; i++) {
            Lab.sshOk(h, "systemctl start dcsprov-snapshot.service && sleep 1.1");
        }
        String ls = Lab.sshOk(h, "stat -c '%n %a %U %G' /var/lib/dcs/backup /var/lib/dcs/backup/*.db");
        List<String> lines = ls.strip().lines().toList();
        assertEquals(3, lines.size(), "the directory and the newest 2 snapshots: " + ls);
        assertEquals("/var/lib/dcs/backup 700 root root", lines.get(0), "etcd needs nothing there: root's alone");
        for (String l : lines.subList(1, 3)) {
            assertTrue(l.matches("/var/lib/dcs/backup/dcs-\\d{8}T\\d{6}Z\\.db 600 root root"), l);
            // etcd's own restore (it checks the SHA-256 trailer) accepts what the timer wrote.
            Lab.sshOk(h, "d=$(mktemp -d) && ETCDCTL_API=3 etcdctl snapshot restore " + l.split(" ")[0] + " --data-dir $d/r >/dev/null 2>&1; r=$?; rm -rf $d; exit $r");
        }
        assertTrue(Lab.sshOk(h, "journalctl -u dcsprov-snapshot --no-pager").contains("removed /var/lib/dcs/backup/dcs-"), "retention shows in the journal");
        assertEquals("", Lab.sshOk(h, "find /var/lib/dcs/backup -mindepth 1 -maxdepth 1 -name '.*'"), "no temp dir is left");
        assertEquals("750 root root\n644 root root\n644 root root\n", Lab.sshOk(h, "stat -c '%a %U %G' /usr/local/sbin/dcsprov-snapshot"
                + " /etc/systemd/system/dcsprov-snapshot.service /etc/systemd/system/dcsprov-snapshot.timer"), "what root runs is root's");

        // Taking the schedule out of the inventory turns the timer off; the snapshots stay.
        Files.writeString(inventory, Files.readString(inventory).replace("    dcsprov_backup_schedule: hourly\n", ""));
        Proc.Result plan = Cli.dcsprov("plan", inventory.toString());
        assertTrue(plan.out().contains("- service dcsprov-snapshot.timer"), plan::toString);
        Proc.Result off = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, off.exit(), off::toString);
        assertNotEquals(0, Lab.ssh(h, "systemctl is-active dcsprov-snapshot.timer").exit(), "the timer is stopped");
        assertNotEquals(0, Lab.ssh(h, "systemctl is-enabled dcsprov-snapshot.timer").exit(), "and no longer enabled");
        assertEquals("2", Lab.sshOk(h, "ls /var/lib/dcs/backup/*.db | wc -l").strip(), "the snapshots stay");
        assertTrue(Cli.dcsprov("plan", inventory.toString()).out().contains("No changes"), "and apply is a no-op again");
    }

    private Map<String, String> pids() {
        Map<String, String> d = new LinkedHashMap<>();
        HOSTS.forEach(h -> d.put(h, Lab.sshOk(h, "systemctl show -p MainPID --value etcd").strip()));
        return d;
    }

    private void assertNoTempDirs(String prefix) {
        for (String h : HOSTS) {
            assertEquals("", Lab.sshOk(h, "ls /var/tmp | grep " + prefix + " || true").strip(), h + ": no " + prefix + " dir");
        }
    }

    private static List<Path> dbs(Path backups) throws IOException {
        try (Stream<Path> s = Files.list(backups)) {
            return s.filter(p -> p.toString().endsWith(".db")).sorted().toList();
        }
    }
}
