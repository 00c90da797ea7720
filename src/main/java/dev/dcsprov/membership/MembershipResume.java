package dev.dcsprov.membership;

import dev.dcsprov.journal.JournalEntry;

import java.util.Optional;

/**
 * The journal's names for membership changes, and what a re-run decides from an interrupted one.
 * A join (apply, and the second half of member replace) records {@code add} before member add,
 * {@code start} before etcd starts on the new host, {@code promote} before the promotion, then
 * {@code done}; a removal records {@code remove} before the leadership move and member remove,
 * {@code move-aside} before etcd is stopped on the leaving host and its data dir moved aside, then
 * {@code removed}. Kill points are {@code OPERATION:PHASE:STEP}, e.g. {@code member-join:join:start}.
 *
 * <p>Most of the finishing comes from what the cluster shows (an unstarted member is reused, a started
 * learner promoted, a member already gone is not removed twice, a data dir still in place is moved
 * aside); the journal decides what the cluster cannot tell: which data dir a killed start left behind,
 * and whether a replace already removed the old member (the new one must not be removed in turn).
 */
public final class MembershipResume {
    public static final String JOIN_OPERATION = "member-join";
    public static final String REMOVE_OPERATION = "member-remove";
    public static final String REPLACE_OPERATION = "member-replace";
    public static final String JOIN = "join";
    public static final String REMOVE = "remove";

    public static final String ADD = "add";
    public static final String START = "start";
    public static final String PROMOTE = "promote";
    public static final String DONE = "done";
    public static final String REMOVE_STEP = "remove";
    public static final String MOVE_ASIDE = "move-aside";
    /** Recorded once the member is out of etcd and its host's data dir is moved aside (not when the host was down). */
    public static final String REMOVED = "removed";

    private MembershipResume() {
    }

    /**
     * The host an interrupted join left inside a step: data in its data dir next to a member etcd still
     * shows as unstarted was made by that run's killed start, so it is moved aside (kept) and the start
     * done again, instead of being refused as foreign data.
     */
    public static Optional<String> interruptedJoin(Optional<JournalEntry> interrupted) {
        return interrupted.filter(JournalEntry::inStep).filter(e -> e.phase().equals(JOIN)).map(JournalEntry::member);
    }

    /**
     * True when an interrupted replace of {@code host} had removed the old member and moved its data aside: the
     * re-run goes straight to the join, whose member (unstarted, a learner, or already a voter) is the new one.
     */
    public static boolean removalDone(Optional<JournalEntry> interrupted, String host) {
        return interrupted.filter(e -> e.operation().equals(REPLACE_OPERATION) && e.member().equals(host))
                .filter(e -> e.phase().equals(JOIN) || e.phase().equals(REMOVE) && e.step().equals(REMOVED)
                        && e.state().equals(JournalEntry.DONE))
                .isPresent();
    }

    /** The plan's note on what an interrupted run of this operation left, which this run finishes. */
    public static Optional<String> note(Optional<JournalEntry> interrupted) {
        return interrupted.map(e -> "an interrupted " + e.operation() + " stopped " + (e.inStep() ? "inside" : "after") + " step "
                + e.phase() + "/" + e.step() + (e.member().isEmpty() ? "" : " of " + e.member())
                + ": this run finishes it, skipping what the cluster shows is done");
    }
}
