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
}
