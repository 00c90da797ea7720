package dev.dcsprov.apply;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fdatasync preflight's script under a real shell, on a real filesystem, and its report. */
class DiskLatencyTest {
    @TempDir
    Path tmp;

    @Test
    void theScriptPrintsAFigureInMicrosecondsAndLeavesNoFileBehind() throws Exception {
        Path data = tmp.resolve("etcd/dcs");   // not there yet, as before a bootstrap: its parent is measured
        Files.createDirectories(data.getParent());
        Process p = new ProcessBuilder("sh", "-c", DiskLatency.script(data.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.matches("\\d+"), out);
        try (var left = Files.list(data.getParent())) {
            assertEquals(0, left.count(), "the test file is removed");
        }
    }

    @Test
    void aFigureAboveEtcdsGuidanceIsAWarning() {
        assertTrue(DiskLatency.report("dcs-70", "/var/lib/etcd/dcs", Optional.of(23.4)).startsWith(
                "warning: fdatasync p99 of /var/lib/etcd/dcs on dcs-70 is 23.4 ms, above etcd's guidance of 10.0 ms"));
        assertEquals("fdatasync p99 of /d on dcs-70: 1.5 ms (etcd's guidance: under 10.0 ms)",
                DiskLatency.report("dcs-70", "/d", Optional.of(1.5)));
        assertTrue(DiskLatency.report("dcs-70", "/d", Optional.empty()).startsWith("warning: could not measure"));
    }
}
