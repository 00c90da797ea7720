package dev.dcsprov.backup;

import dev.dcsprov.LocalShell;
import dev.dcsprov.facts.FileState;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.BackupSettings;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.EtcdTuning;
import dev.dcsprov.inventory.NodeExporter;
import dev.dcsprov.pki.KeyAlgorithm;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.steps.Step;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The scheduled snapshot script run for real under /bin/sh, with a stand-in etcdctl that writes a
 * snapshot to the path it is given the way etcdctl does (opening it, so a link there is followed):
 * what etcd could plant in the backup directory must never redirect a write made as root.
 */
class ScheduledSnapshotsTest {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    @TempDir
    Path tmp;
    Path backupDir;
    Path victim;
    Path bin;
    byte[] snapshot;

    @BeforeEach
    void setUp() throws Exception {
        backupDir = Files.createDirectory(tmp.resolve("backup"));
        Files.setPosixFilePermissions(backupDir, PosixFilePermissions.fromString("rwx------"));
        victim = Files.writeString(Files.createDirectory(tmp.resolve("elsewhere")).resolve("root-only"), "precious\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        // A database of 512 bytes plus the SHA-256 trailer etcd appends: 544 bytes pass the script's check.
        byte[] db = new byte[512];
        db[0] = 42;
        byte[] sum = MessageDigest.getInstance("SHA-256").digest(db);
        snapshot = new byte[544];
        System.arraycopy(db, 0, snapshot, 0, 512);
        System.arraycopy(sum, 0, snapshot, 512, 32);
        Path fixture = Files.write(tmp.resolve("fixture.db"), snapshot);
        bin = Files.createDirectory(tmp.resolve("bin"));
        String fake = "#!/bin/sh\nfor a; do last=$a; done\ncase \"$*\" in\n"
                + "  *'snapshot save'*) cat '" + fixture + "' > \"$last\" ;;\n"
                + "  *'snapshot status'*) echo '{\"hash\":1,\"revision\":2,\"totalKey\":3,\"totalSize\":544}' ;;\n"
                + "  *) exit 2 ;;\nesac\n";
        for (String tool : List.of("etcdctl", "etcdutl")) {
            Path p = Files.writeString(bin.resolve(tool), fake);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private ScheduledSnapshots snapshots(int keep) {
        return snapshots(keep, Optional.empty());
    }

    private ScheduledSnapshots snapshots(int keep, Optional<NodeExporter> nodeExporter) {
        ClusterSettings cluster = new ClusterSettings("dcs", "dcs-token", "/var/lib/etcd/dcs", "/etc/dcs", "/etc/dcs/etcd",
                "/etc/dcs/cert", 2379, 2380, EtcdTuning.defaults(), Optional.empty(), Path.of("pki/dcs"),
                KeyAlgorithm.ECDSA_P256, 365, 3650, 30, List.of(), List.of(), Optional.empty(),
                new BackupSettings(Path.of("backups/dcs"), 7, Optional.of("hourly"), backupDir.toString(), keep, nodeExporter, Optional.empty()));
        return new ScheduledSnapshots(cluster, RemotePaths.of(cluster));
    }

    private CommandResult runScript(int keep) {
        return runScript(snapshots(keep));
    }

    private CommandResult runScript(ScheduledSnapshots snapshots) {
        String script = "PATH='" + bin + "':$PATH; export PATH\n" + snapshots.script();
        return new LocalShell().run(RemoteCommand.of(script));
    }

    private Path textfileDir() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("node-exporter"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private ScheduledSnapshots publishing(Path textfileDir) {
        return snapshots(7, Optional.of(new NodeExporter(9100, textfileDir.toString())));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSnapshotPublishesItsTimeAndSizeForNodeExportersTextfileCollector() throws Exception {
        Path textfiles = textfileDir();
        long before = Instant.now().getEpochSecond();
        CommandResult r = runScript(publishing(textfiles));
        assertEquals(0, r.exitStatus(), r.stderr());
        assertEquals(List.of("dcsprov_snapshot.prom"), names(textfiles), "one file, no temp file left");
        Path prom = textfiles.resolve("dcsprov_snapshot.prom");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(prom)), "readable by node_exporter's user");
        String text = Files.readString(prom);
        long stamp = Long.parseLong(value(text, "dcsprov_snapshot_last_success_timestamp_seconds"));
        assertTrue(stamp >= before && stamp <= Instant.now().getEpochSecond(), text);
        Path taken = entries().stream().filter(p -> p.getFileName().toString().endsWith(".db")).findFirst().orElseThrow();
        assertEquals("dcs-" + STAMP.format(Instant.ofEpochSecond(stamp)) + ".db", taken.getFileName().toString(),
                "the metric is the time in the snapshot's name");
        assertEquals(String.valueOf(Files.size(taken)), value(text, "dcsprov_snapshot_last_size_bytes"));
        assertTrue(text.contains("# TYPE dcsprov_snapshot_last_size_bytes gauge"), text);
        promtoolAccepts(text);
    }

    @Test
    void aFailedRunPublishesItsTimeAndLeavesTheLastSuccessAsItWas() throws Exception {
        Path textfiles = textfileDir();
        assertEquals(0, runScript(publishing(textfiles)).exitStatus());
        String success = Files.readString(textfiles.resolve("dcsprov_snapshot.prom"));
        Files.writeString(bin.resolve("etcdctl"), "#!/bin/sh\necho 'context deadline exceeded' >&2; exit 1\n");
        long before = Instant.now().getEpochSecond();
        CommandResult r = runScript(publishing(textfiles));
        assertNotEquals(0, r.exitStatus(), "a failed run stays a failed unit");
        assertEquals(List.of("dcsprov_snapshot.prom", "dcsprov_snapshot_failure.prom"), names(textfiles));
        assertEquals(success, Files.readString(textfiles.resolve("dcsprov_snapshot.prom")));
        String failure = Files.readString(textfiles.resolve("dcsprov_snapshot_failure.prom"));
        assertTrue(Long.parseLong(value(failure, "dcsprov_snapshot_last_failure_timestamp_seconds")) >= before, failure);
        promtoolAccepts(failure);
    }

    @Test
    void aTextfileDirectoryOthersMayWriteOrReachedThroughALinkGetsNoMetricsAndFailsTheRun() throws Exception {
        Path textfiles = textfileDir();
        Files.setPosixFilePermissions(textfiles, PosixFilePermissions.fromString("rwxrwxrwx"));
        CommandResult loose = runScript(publishing(textfiles));
        assertNotEquals(0, loose.exitStatus());
        assertTrue(loose.stderr().contains("cannot publish the snapshot metrics: " + textfiles), loose.stderr());
        assertEquals(List.of(), names(textfiles));
        assertEquals(1, entries().stream().filter(p -> p.getFileName().toString().endsWith(".db")).count(), "the snapshot itself was taken");

        Files.setPosixFilePermissions(textfiles, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(tmp.resolve("via-link"), textfiles);
        CommandResult linked = runScript(publishing(link));
        assertNotEquals(0, linked.exitStatus());
        assertTrue(linked.stderr().contains("no link on its path"), linked.stderr());
        assertEquals(List.of(), names(textfiles), "nothing written through the link");
    }

    @Test
    void withoutNodeExporterTheScriptWritesNoMetrics() {
        assertFalse(snapshots(7).script().contains(".prom"), snapshots(7).script());
    }

    private static String value(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow(() -> new AssertionError(name + " in " + metrics))
                .substring(name.length() + 1);
    }

    /** promtool check metrics reads the exposition format the textfile collector reads. */
    private static void promtoolAccepts(String metrics) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")), "promtool is not installed (apt-get install prometheus)");
        Process p = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(metrics.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> s = Files.list(backupDir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void linksPlantedUnderTheSnapshotNamesAreReplacedNotFollowed() throws IOException {
        // Every name the run may use in the next seconds, as the snapshot and as etcdctl's ".part".
        Instant now = Instant.now();
        for (int i = 0; i < 6; i++) {
            String name = "dcs-" + STAMP.format(now.plusSeconds(i)) + ".db";
            Files.createSymbolicLink(backupDir.resolve(name), victim);
            Files.createSymbolicLink(backupDir.resolve(name + ".part"), victim);
        }
        CommandResult r = runScript(7);
        assertEquals("precious\n", Files.readString(victim), "a root-owned file outside the backup dir is intact");
        assertEquals(0, r.exitStatus(), r.stderr());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)));
        List<Path> snapshots = entries().stream().filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
        assertEquals(1, snapshots.size(), entries().toString());
        assertArrayEquals(snapshot, Files.readAllBytes(snapshots.get(0)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshots.get(0))));
        assertTrue(r.stdout().contains("snapshot " + snapshots.get(0)), r.stdout());
        assertTrue(entries().stream().noneMatch(p -> p.getFileName().toString().startsWith(".dcsprov")), "no temp dir is left");
    }

    @Test
    void theTempDirOfAKilledRunIsRemovedByTheNextRunButNotOneThatMayStillBeRunning() throws IOException {
        Path killed = Files.createDirectory(backupDir.resolve(".dcsprov-snapshot.AAAAAA"));
        Files.write(killed.resolve("snapshot.db"), snapshot);
        Files.setLastModifiedTime(killed, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(3600)));
        Path running = Files.createDirectory(backupDir.resolve(".dcsprov-snapshot.BBBBBB"));
        CommandResult r = runScript(7);
        assertEquals(0, r.exitStatus(), r.stderr());
        assertFalse(Files.exists(killed), "an hour old: a killed run's");
        assertTrue(Files.isDirectory(running), "fresh: maybe a run by hand, still going");
        assertEquals(1, entries().stream().filter(p -> p.getFileName().toString().endsWith(".db")).count(), entries().toString());
    }

    @Test
    void aBackupDirThatOthersCouldWriteOrThatIsALinkIsRefused() throws IOException {
        Files.setPosixFilePermissions(backupDir, PosixFilePermissions.fromString("rwxr-x---"));
        CommandResult loose = runScript(7);
        assertNotEquals(0, loose.exitStatus());
        assertTrue(loose.stderr().contains("refusing to snapshot into " + backupDir), loose.stderr());
        assertEquals(List.of(), entries(), "nothing was written");

        Path real = Files.createDirectory(tmp.resolve("real"));
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
        Files.delete(backupDir);
        Files.createSymbolicLink(backupDir, real);
        CommandResult link = runScript(7);
        assertNotEquals(0, link.exitStatus());
        assertTrue(link.stderr().contains("refusing"), link.stderr());
        try (Stream<Path> s = Files.list(real)) {
            assertEquals(0, s.count(), "nothing was written through the link");
        }
    }

    @Test
    void retentionKeepsTheNewestRegularSnapshotsAndLeavesLinksAlone() throws IOException {
        for (String t : List.of("20200101T000000Z", "20200102T000000Z", "20200103T000000Z")) {
            Files.write(backupDir.resolve("dcs-" + t + ".db"), snapshot);
        }
        Path link = backupDir.resolve("dcs-20300101T000000Z.db");
        Files.createSymbolicLink(link, victim);
        CommandResult r = runScript(2);
        assertEquals(0, r.exitStatus(), r.stderr());
        List<String> regular = entries().stream().filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                .map(p -> p.getFileName().toString()).toList();
        assertEquals(2, regular.size(), regular.toString());
        assertTrue(regular.contains("dcs-20200103T000000Z.db"), regular.toString());
        assertFalse(regular.contains("dcs-20200101T000000Z.db"), regular.toString());
        assertTrue(Files.isSymbolicLink(link), "a link is not a snapshot: not counted, not removed");
        assertEquals("precious\n", Files.readString(victim));
        assertTrue(r.stdout().contains("removed " + backupDir + "/dcs-20200101T000000Z.db"), r.stdout());
    }

    @Test
    void aBackupDirLeftToEtcdBecomesRootsAndSoDoItsSnapshots() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "chown to root needs root");
        Files.setPosixFilePermissions(backupDir, PosixFilePermissions.fromString("rwxr-x---"));
        Path old = Files.write(backupDir.resolve("dcs-20200101T000000Z.db"), snapshot);
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r-----"));
        Path linked = Files.createLink(backupDir.resolve("dcs-20200102T000000Z.db"), victim);
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
        Path planted = Files.createSymbolicLink(backupDir.resolve("dcs-20200103T000000Z.db"), victim);
        new LocalShell().run(RemoteCommand.of("chown -h nobody " + backupDir + " " + old + " " + victim + " " + planted));

        HostFacts facts = facts(new FileState(backupDir.toString(), true, "0750", "nobody", "root", ""));
        Step.Outcome o = snapshots(7).steps().get(0).plan("h", facts);
        assertEquals(1, o.changes().size());
        Change c = o.changes().get(0);
        assertEquals(Action.UPDATE, c.action());
        assertEquals("0750 nobody:root -> 0700 root:root; snapshots in it become root:root 0600", c.reason());
        for (RemoteCommand command : c.commands()) {
            CommandResult r = new LocalShell().run(command);
            assertEquals(0, r.exitStatus(), r.stderr());
        }
        assertEquals("0700 root:root", stat(backupDir));
        assertEquals("0600 root:root", stat(old));
        assertEquals("0644 nobody:root", stat(linked), "a hard link to a file elsewhere is left alone");
        assertEquals("precious\n", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(planted));

        HostFacts after = facts(new FileState(backupDir.toString(), true, "0700", "root", "root", ""));
        assertTrue(snapshots(7).steps().get(0).plan("h", after).changes().isEmpty(), "converged: nothing more to do");
    }

    private static String stat(Path p) {
        return new LocalShell().run(RemoteCommand.of("stat -c '%a %U:%G' " + p)).stdout().strip().replaceFirst("^", "0");
    }

    private static HostFacts facts(FileState... files) {
        Map<String, FileState> map = new java.util.LinkedHashMap<>();
        for (FileState f : files) {
            map.put(f.path(), f);
        }
        return new HostFacts("debian", "12", "bookworm", "h", "h", Map.of(), map, "", Optional.empty(), false, false, false, "", "", false);
    }

    @Test
    void theScriptNeverChownsAndNeverWritesOutsideItsPrivateTempDir() {
        String script = snapshots(7).script();
        assertFalse(script.contains("chown"), script);
        assertFalse(script.contains(".part"), script);
        assertTrue(script.contains("mv -fT \"$s\" \"$f\""), script);
    }
}
