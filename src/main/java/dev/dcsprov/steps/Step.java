package dev.dcsprov.steps;

import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.plan.Change;

import java.util.List;

/**
 * A desired-state step: reads a host's facts and returns the changes it would make, or none with
 * the reason nothing is needed. Planning is pure: no step talks to a host.
 */
public interface Step {

    Outcome plan(String host, HostFacts facts);

    /** Changes to make, or an empty list and why nothing is needed. */
    record Outcome(List<Change> changes, String unchangedReason) {
        public static Outcome changes(Change... changes) {
            return new Outcome(List.of(changes), "");
        }

        public static Outcome unchanged(String reason) {
            return new Outcome(List.of(), reason);
        }
    }
}
