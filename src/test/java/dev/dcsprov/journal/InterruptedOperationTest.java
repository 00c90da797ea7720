package dev.dcsprov.journal;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What status reports about a run that did not end, from the local journal and the members'. */
class InterruptedOperationTest {
    static JournalEntry entry(String member, String step, String state) {
        return new JournalEntry("rotate-certs-ca", "NEW_LEAVES", member, step, state, "dcsprov rotate-certs --ca inv.yml",
                "2026-12-02T06:00:00Z", 7);
    }

    @Test
    void aRunKilledMidStepIsShownWithTheMemberAndTheCommandThatFinishesIt() {
        InterruptedOperation i = InterruptedOperation.of(Optional.of(entry("dcs-81", "restart", "started")),
                Map.of("dcs-81", entry("dcs-81", "restart", "started"), "dcs-80", entry("dcs-80", "restart", "done"))).orElseThrow();
        assertEquals("dcsprov rotate-certs --ca inv.yml", i.command());
        assertEquals(java.util.List.of("dcs-81"), java.util.List.copyOf(i.members().keySet()));
        String text = String.join("\n", i.lines());
        assertTrue(text.contains("INTERRUPTED: rotate-certs-ca (NEW_LEAVES): stopped while restarting on dcs-81"), text);
        assertTrue(text.contains("finish it with: dcsprov rotate-certs --ca inv.yml"), text);
        assertEquals("dcsprov rotate-certs --ca inv.yml", i.json().get("finish_with"));
    }

    @Test
    void aFinishedOrPausedOperationIsNotInterruptedWhateverAStaleMemberRecordSays() {
        assertEquals(Optional.empty(), InterruptedOperation.of(Optional.of(entry("", "finished", "finished")),
                Map.of("dcs-81", entry("dcs-81", "restart", "started"))));
        assertEquals(Optional.empty(), InterruptedOperation.of(Optional.of(entry("", "paused", "paused")), Map.of()));
    }

    @Test
    void withoutALocalJournalAMemberLeftMidStepIsStillReported() {
        InterruptedOperation i = InterruptedOperation.of(Optional.empty(), Map.of("dcs-82", entry("dcs-82", "files", "started")))
                .orElseThrow();
        assertEquals("dcs-82", i.entry().member());
        assertEquals(Optional.empty(), InterruptedOperation.of(Optional.empty(), Map.of("dcs-82", entry("dcs-82", "restart", "done"))));
    }

    @Test
    void everyInterruptedOperationIsShownEachWithItsOwnMembersMidStep() {
        JournalEntry join = new JournalEntry("member-join", "join", "dcs-83", "start", "started", "dcsprov apply inv.yml",
                "2026-12-02T07:00:00Z", 8);
        var all = InterruptedOperation.all(java.util.List.of(join, entry("dcs-81", "restart", "started")),
                Map.of("dcs-81", entry("dcs-81", "restart", "started"), "dcs-83", join,
                        "dcs-84", new JournalEntry("member-remove", "remove", "dcs-84", "remove", "started", "dcsprov member remove inv.yml dcs-84",
                                "2026-12-02T05:00:00Z", 3)));
        assertEquals(java.util.List.of("member-join", "rotate-certs-ca", "member-remove"),
                all.stream().map(i -> i.entry().operation()).toList(), "local records first, then one only the members know of");
        assertEquals(java.util.List.of("dcs-83"), java.util.List.copyOf(all.get(0).members().keySet()));
        assertEquals(java.util.List.of("dcs-81"), java.util.List.copyOf(all.get(1).members().keySet()));
        assertEquals("dcsprov member remove inv.yml dcs-84", all.get(2).command());
    }

    @Test
    void anInterruptedBackupOrRestoreIsShownWithWhatItWasDoingAndTheSameCommand() {
        JournalEntry backup = new JournalEntry("backup", "backup", "dcs-80", "copy", JournalEntry.STARTED, "dcsprov backup inv.yml",
                "2026-12-03T06:00:00Z", 7);
        java.util.List<String> lines = InterruptedOperation.of(java.util.Optional.of(backup), java.util.Map.of()).orElseThrow().lines();
        assertEquals("INTERRUPTED: backup (backup): stopped while copying the snapshot from dcs-80 to this machine, at 2026-12-03T06:00:00Z",
                lines.get(0));
        assertTrue(lines.get(lines.size() - 1).contains("finish it with: dcsprov backup inv.yml"), lines.toString());
        JournalEntry restore = new JournalEntry("restore", "members", "", "started", JournalEntry.DONE, "dcsprov restore inv.yml s.db",
                "2026-12-03T06:00:00Z", 7, "sha256=x token=t stamp=s");
        assertTrue(InterruptedOperation.of(java.util.Optional.of(restore), java.util.Map.of()).orElseThrow().lines().get(0)
                .contains("stopped after starting every member on the restored data"), restore.describe());
    }

    @Test
    void anInterruptedMaintenanceSaysWhatItWasDoingInItsOwnWords() {
        JournalEntry defrag = new JournalEntry("maintain", "defragment", "dcs-71", "defragment", "started", "dcsprov maintain inv.yml",
                "2026-12-03T06:00:00Z", 7);
        String text = String.join("\n", InterruptedOperation.of(Optional.of(defrag), Map.of("dcs-71", defrag)).orElseThrow().lines());
        assertTrue(text.contains("INTERRUPTED: maintain (defragment): stopped while defragmenting dcs-71, at"), text);
        assertTrue(text.contains("finish it with: dcsprov maintain inv.yml"), text);
        JournalEntry disarm = new JournalEntry("maintain", "disarm", "", "disarm", "done", "dcsprov maintain inv.yml",
                "2026-12-03T06:00:00Z", 7);
        assertTrue(disarm.describe().contains("stopped after every defragmentation, starting to disarm the NOSPACE alarm"),
                disarm.describe());
    }
}
