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
        return all(local.stream().toList(), onMembers).stream().findFirst();
    }

    /**
     * Every interrupted operation, newest first, from the local records ({@code local}, one per operation) and
     * the members' copies; a member's copy goes with the local record of its operation.
     */
    public static List<InterruptedOperation> all(List<JournalEntry> local, Map<String, JournalEntry> onMembers) {
        Map<String, Map<String, JournalEntry>> midStep = new LinkedHashMap<>();
        onMembers.forEach((m, e) -> {
            if (e.state().equals(JournalEntry.STARTED)) {
                midStep.computeIfAbsent(e.operation(), k -> new LinkedHashMap<>()).put(m, e);
            }
        });
        List<InterruptedOperation> out = new java.util.ArrayList<>();
        for (JournalEntry e : local) {
            Map<String, JournalEntry> mine = midStep.remove(e.operation());
            if (e.interrupted()) {
                out.add(new InterruptedOperation(e, mine == null ? Map.of() : mine));
            }
        }
        // Members mid-step in an operation this machine has no record of (run elsewhere, or a lost PKI dir copy).
        midStep.values().forEach(mine -> out.add(new InterruptedOperation(mine.values().iterator().next(), mine)));
        return out;
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
