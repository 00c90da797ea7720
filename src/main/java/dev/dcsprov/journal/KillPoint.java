package dev.dcsprov.journal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only, but real: with {@code DCSPROV_KILL_AT} set, the process halts itself (like
 * {@code kill -9}: no shutdown hooks, no finally blocks, SSH sessions cut) right after the journal
 * recorded a matching step, so the chaos tests can stop a run at each step boundary.
 *
 * <p>The value is a comma-separated list of {@code operation:phase:step[#n]} or {@code operation:step[#n]}
 * ({@code *} for any part): the n-th matching record (default the first) halts the process, e.g.
 * {@code rotate-certs-ca:NEW_LEAVES:restart#2}. Unset (the normal case), nothing happens.
 */
public final class KillPoint {
    public static final String ENV = "DCSPROV_KILL_AT";
    /** What a halted run exits with: what a shell shows for a process killed by SIGKILL. */
    public static final int HALT_STATUS = 137;

    private record Pattern(String[] parts, int nth) {
        boolean matches(JournalEntry e) {
            String[] label = parts.length == 2
                    ? new String[] {e.operation(), e.step()}
                    : new String[] {e.operation(), e.phase(), e.step()};
            for (int i = 0; i < parts.length; i++) {
                if (!parts[i].equals("*") && !parts[i].equals(label[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Pattern> patterns = new ArrayList<>();
    private final Map<Pattern, Integer> seen = new HashMap<>();

    KillPoint(String spec) {
        if (spec == null || spec.isBlank()) {
            return;
        }
        for (String p : spec.split(",")) {
            String s = p.strip();
            int nth = 1;
            int hash = s.indexOf('#');
            if (hash >= 0) {
                nth = Integer.parseInt(s.substring(hash + 1));
                s = s.substring(0, hash);
            }
            String[] parts = s.split(":");
            if (parts.length == 2 || parts.length == 3) {
                patterns.add(new Pattern(parts, nth));
            }
        }
    }

    static KillPoint fromEnvironment() {
        return new KillPoint(System.getenv(ENV));
    }

    /** True when this record is the one to halt at. */
    synchronized boolean reached(JournalEntry e) {
        for (Pattern p : patterns) {
            if (p.matches(e)) {
                int n = seen.merge(p, 1, Integer::sum);
                if (n == p.nth()) {
                    return true;
                }
            }
        }
        return false;
    }

    void haltIfReached(JournalEntry e) {
        if (reached(e)) {
            System.out.flush();
            System.err.println(ENV + ": halting at " + e.label() + (e.member().isEmpty() ? "" : " on " + e.member()));
            System.err.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
