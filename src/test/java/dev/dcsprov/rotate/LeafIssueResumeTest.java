package dev.dcsprov.rotate;

import dev.dcsprov.journal.JournalEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a leaf rotation issues a new set, and when it continues one: a run killed while issuing left no set to continue. */
class LeafIssueResumeTest {
    static Optional<JournalEntry> last(String member, String step, String state) {
        return Optional.of(new JournalEntry("rotate-certs", CertRotation.LEAF, member, step, state, "dcsprov rotate-certs inv.yml",
                "2026-12-02T21:53:20Z", 7));
    }

    @Test
    void everyMemberOnItsLocalCertificateAndNothingInterruptedIssuesANewSet() {
        assertTrue(CertRotation.issuesNewSet(List.of(), Optional.empty(), Optional.empty()));
    }

    @Test
    void membersStillOnTheirPreviousCertificateAreContinuedWithNothingIssued() {
        assertFalse(CertRotation.issuesNewSet(List.of("dcs-81"), Optional.empty(), last("", "issued", JournalEntry.DONE)));
        assertFalse(CertRotation.issuesNewSet(List.of(), Optional.of("dcs-82"), last("dcs-82", "restart", JournalEntry.STARTED)));
    }

    /**
     * ChaosIT found it: killed inside the issuing, dcs-80 had its new pair, dcs-81's old pair was archived and its new one
     * not yet written, dcs-82 untouched. Continuing would push an unreadable pair and leave dcs-82 on its old certificate.
     */
    @Test
    void aRunKilledWhileIssuingIssuesTheWholeSetAgain() {
        Optional<JournalEntry> killed = last("", CertRotation.ISSUING, JournalEntry.DONE);
        assertTrue(CertRotation.killedWhileIssuing(killed));
        assertTrue(CertRotation.issuesNewSet(List.of("dcs-80", "dcs-81"), Optional.empty(), killed));
        assertFalse(CertRotation.killedWhileIssuing(last("", "issued", JournalEntry.DONE)));
    }
}
