package dev.dcsprov.apply;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EtcdConfigSemanticsTest {
    static final String BASE = "# header\nETCD_NAME=\"a\"\nETCD_INITIAL_CLUSTER_STATE=\"new\"\nETCD_HEARTBEAT_INTERVAL=\"100\"\n";

    @Test
    void flippingTheInitialStateNeedsNoRestart() {
        assertFalse(EtcdConfigSemantics.restartNeeded(BASE, BASE.replace("\"new\"", "\"existing\"")));
    }

    @Test
    void commentsNeedNoRestart() {
        assertFalse(EtcdConfigSemantics.restartNeeded(BASE, BASE.replace("# header", "# other header")));
    }

    @Test
    void aTuningChangeNeedsARestart() {
        assertTrue(EtcdConfigSemantics.restartNeeded(BASE, BASE.replace("\"100\"", "\"150\"")));
    }

    @Test
    void settingOrRemovingTheMetricsListenerNeedsARestart() {
        String withMetrics = BASE + "ETCD_LISTEN_METRICS_URLS=\"http://10.0.0.1:2381,http://127.0.0.1:2381\"\n";
        assertTrue(EtcdConfigSemantics.restartNeeded(BASE, withMetrics), "etcd_metrics_port set: rolled out by a restart");
        assertTrue(EtcdConfigSemantics.restartNeeded(withMetrics, BASE), "etcd_metrics_port removed");
    }
}
