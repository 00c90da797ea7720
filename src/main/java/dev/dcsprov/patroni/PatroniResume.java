package dev.dcsprov.patroni;

import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;

import java.util.List;

/**
 * What the journal of Patroni's delivery records, and what the next run does with it. Before each step that
 * changes a Patroni host the delivery records, locally ({@code journal-patroni-delivery} in the PKI dir) and on the
 * host ({@value #HOST_JOURNAL} in {@link dev.dcsprov.journal.HostJournals#DIR}): {@value #FILES} (a new generation
 * and the env file about to go in), {@value #RELOAD} (files in place, Patroni about to be reloaded and waited for),
 * then {@value #DONE} (Patroni reached etcd after it). The phase is the command that delivers ({@code apply},
 * {@code rotate-certs}, {@code rotate-certs-ca}).
 *
 * <p>The files are idempotent from facts (the generation is named by its digest and switched by one rename; the env
 * file is compared by digest), but facts cannot tell whether Patroni was reloaded after a switch: a run killed
 * between the switch and the reload (or while waiting for Patroni) leaves files that match, and a plan from facts
 * alone would not reload again. The journal tells it ({@link dev.dcsprov.journal.Journal#interruptedMember}): the host it
 * left inside a step is reloaded and waited for even when its files match ({@link PatroniSteps#plan}).
 */
public final class PatroniResume {
    public static final String OPERATION = "patroni-delivery";
    public static final String HOST_JOURNAL = "journal-patroni";
    public static final String FILES = "files";
    public static final String RELOAD = "reload";
    public static final String DONE = "done";

    private PatroniResume() {
    }

    /**
     * A host's planned changes as the two steps the journal records, in order: the files (generation, env file),
     * then the reload (empty when Patroni does not run).
     */
    public record Steps(List<Change> files, List<Change> reload) {
        public static Steps of(List<Change> changes) {
            return new Steps(changes.stream().filter(c -> c.action() != Action.RUN).toList(),
                    changes.stream().filter(c -> c.action() == Action.RUN).toList());
        }
    }
}
