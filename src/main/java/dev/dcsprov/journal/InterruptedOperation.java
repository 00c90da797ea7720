package dev.dcsprov.journal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code dcsprov status} says about a run that did not end: from the local journal (the PKI
 * dir) and the members' copies. The local record decides when there is one (it is written first
 * and last); without it (another machine, a lost PKI dir copy) a member left mid-step is reported.
 *
 * @param entry   the record that tells where the operation stopped
 * @param members members whose own journal says a step on them started and never ended
 */
public record InterruptedOperation(JournalEntry entry, Map<String, JournalEntry> members) {

    public static Optional<InterruptedOperation> of(Optional<JournalEntry> local, Map<String, JournalEntry> onMembers) {
        Map<String, JournalEntry> midStep = new LinkedHashMap<>();
        onMembers.forEach((m, e) -> {
            if (e.state().equals(JournalEntry.STARTED)) {
                midStep.put(m, e);
            }
        });
        if (local.isPresent()) {
            return local.filter(JournalEntry::interrupted).map(e -> new InterruptedOperation(e, midStep));
        }
        return midStep.values().stream().findFirst().map(e -> new InterruptedOperation(e, midStep));
    }

    public String command() {
        return entry.resume();
    }

    public List<String> lines() {
        List<String> l = new java.util.ArrayList<>();
        l.add("INTERRUPTED: " + entry.describe());
        members.forEach((m, e) -> l.add("  " + m + "'s own journal: " + e.step() + " started (" + e.operation() + ", " + e.phase()
                + ") at " + e.time() + ", never recorded done"));
        l.add("  finish it with: " + command() + "   (it finishes what the interrupted run left, first)");
        return l;
    }

    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>(entry.fields());
        m.put("finish_with", command());
        Map<String, Object> mem = new LinkedHashMap<>();
        members.forEach((name, e) -> mem.put(name, e.fields()));
        m.put("members_mid_step", mem);
        return m;
    }
}
