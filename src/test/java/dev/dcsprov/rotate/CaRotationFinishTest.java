package dev.dcsprov.rotate;

import dev.dcsprov.journal.JournalEntry;
import dev.dcsprov.pki.CaRotationPhase;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A CA rotation killed in its last delivery (the new CA already the CA) is finished, never started again. */
class CaRotationFinishTest {
    private static Optional<JournalEntry> last(String phase, String member, String step, String state) {
        return Optional.of(new JournalEntry("rotate-certs-ca", phase, member, step, state, "dcsprov rotate-certs --ca inv.yml",
                "2026-12-03T06:00:00Z", 1));
    }

    @Test
    void killedAfterTheNewCaBecameTheCaOnlyTheDeliveryIsLeft() {
        // The last member of phase 3 done, the rotation record gone (finishCaRotation), "finished" never written.
        assertTrue(CaRotation.onlyDeliveryLeft(Optional.empty(), last("DROP_OLD", "dcs-62", "done", JournalEntry.DONE)));
    }

    @Test
    void aRotationStillRecordedContinuesItsPhase() {
        assertFalse(CaRotation.onlyDeliveryLeft(Optional.of(CaRotationPhase.DROP_OLD), last("DROP_OLD", "dcs-62", "restart", JournalEntry.STARTED)));
    }

    @Test
    void aFinishedOrPausedRotationStartsANewOne() {
        assertFalse(CaRotation.onlyDeliveryLeft(Optional.empty(), Optional.empty()), "the journal of a finished run is not interrupted");
        assertFalse(CaRotation.onlyDeliveryLeft(Optional.empty(), last("NEW_LEAVES", "", "phase-start", JournalEntry.DONE)));
    }
}
