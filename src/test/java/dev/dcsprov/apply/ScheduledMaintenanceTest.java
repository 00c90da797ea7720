package dev.dcsprov.apply;

import dev.dcsprov.inventory.BackupSettings;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.EtcdTuning;
import dev.dcsprov.pki.KeyAlgorithm;
import dev.dcsprov.render.RemotePaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduled maintenance units: a script the shell accepts, under etcd's lock, and a timer on the schedule given. */
class ScheduledMaintenanceTest {
    @TempDir
    Path tmp;

    static ScheduledMaintenance maintenance(Optional<String> schedule) {
        ClusterSettings cluster = new ClusterSettings("dcs", "dcs-token", "/var/lib/etcd/dcs", "/etc/dcs", "/etc/dcs/etcd",
                "/etc/dcs/cert", 2379, 2380, EtcdTuning.defaults(), Optional.empty(), Path.of("pki/dcs"),
                KeyAlgorithm.ECDSA_P256, 365, 3650, 30, List.of(), List.of(), Optional.empty(),
                new BackupSettings(Path.of("backups/dcs"), 7, Optional.empty(), "/var/lib/dcs/backup", 7), dev.dcsprov.inventory.EtcdSource.distribution(), schedule);
        return new ScheduledMaintenance(cluster, RemotePaths.of(cluster));
    }

    @Test
    void theScriptParsesAndDefragmentsOnlyItselfUnderEtcdsLock() throws Exception {
        String script = maintenance(Optional.of("weekly")).script();
        Path file = Files.writeString(tmp.resolve("dcsprov-maintain"), script);
        Process p = new ProcessBuilder("sh", "-n", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(script.contains("DCSPROV_MAINTAIN_LOCKED=1 exec timeout 3600 etcdctl") && script.contains("lock --ttl=60 dcsprov-maintenance \"$0\"\n"), script);
        assertTrue(script.contains("e --endpoints=\"$self\" --command-timeout=600s defrag"), "defragments its own endpoint only");
        assertTrue(script.contains("quota=" + EtcdTuning.defaults().quotaBackendBytes()), script);
    }

    @Test
    void theTimerRunsOnTheScheduleAndNoScheduleRemovesALeftoverTimer() {
        assertTrue(maintenance(Optional.of("Sun *-*-* 03:00:00")).timer().contains("OnCalendar=Sun *-*-* 03:00:00\n"));
        assertEquals(List.of(ScheduledMaintenance.TIMER), maintenance(Optional.empty()).files());
        assertEquals(3, maintenance(Optional.of("weekly")).files().size());
    }
}
