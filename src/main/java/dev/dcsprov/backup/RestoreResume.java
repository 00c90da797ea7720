package dev.dcsprov.backup;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.journal.JournalEntry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * restore's journal ({@code journal-restore}), and what a re-run decides from an interrupted run. Pure.
 *
 * <p>The run records, in phase {@value #PHASE}: {@code stage} (locally, before the copies and trial restores: nothing
 * of etcd's changed yet), then per member, before each step of it: {@code stop}, {@code move-aside}, {@code restore},
 * {@code config}, {@code start}; locally {@code started} once every member was started and {@code healthy} once the
 * restored cluster was; per member {@code done}; then {@code finished}. Every record carries the snapshot's SHA-256
 * and the run's new cluster token ({@link Detail}). Kill points are {@code restore:members:STEP[#n]}.
 *
 * <p>What the members cannot tell, the journal does: a restore killed after its members started leaves a healthy
 * cluster that holds data, which a fresh restore refuses to replace (or, with {@code --replace-healthy-cluster} in
 * the command, replaces: restoring a second time and losing what clients wrote to the restored cluster since). With
 * the journal the same command sees that its own interrupted run restored these members from this snapshot (every
 * member's {@code restore-history} names the run's token) and finishes it: config, start, health, one cluster ID.
 */
public final class RestoreResume {
    public static final String OPERATION = "restore";
    public static final String PHASE = "members";
    public static final String STAGE = "stage";
    public static final String STOP = "stop";
    public static final String MOVE_ASIDE = "move-aside";
    public static final String RESTORE = "restore";
    public static final String CONFIG = "config";
    public static final String START = "start";
    public static final String STARTED = "started";
    public static final String HEALTHY = "healthy";
    public static final String DONE = "done";

    /** Steps after which every member's data dir had been restored by the run (the restore phase ended on all). */
    static final Set<String> RESTORED_ON_ALL = Set.of(CONFIG, START, STARTED, HEALTHY, DONE);

    private RestoreResume() {
    }

    /** What every record of a restore carries: the snapshot it restores and the run's new token and time stamp. */
    public record Detail(String sha256, String token, String stamp) {
        private static final Pattern TEXT = Pattern.compile("sha256=([0-9a-f]{64}) token=(\\S+) stamp=(\\S+)");

        public String text() {
            return "sha256=" + sha256 + " token=" + token + " stamp=" + stamp;
        }

        public static Optional<Detail> parse(String text) {
            Matcher m = TEXT.matcher(text.strip());
            return m.matches() ? Optional.of(new Detail(m.group(1), m.group(2), m.group(3))) : Optional.empty();
        }
    }

    /** The last line of a member's restore-history: what the last restore of its data dir was. */
    public record History(String sha256, String token, String previousData) {
        private static final Pattern LINE = Pattern.compile("\\S+ restored snapshot sha256=(\\S+) token=(\\S+) previous-data=(.*)");

        public static Optional<History> parse(String line) {
            Matcher m = LINE.matcher(line.strip());
            return m.matches() ? Optional.of(new History(m.group(1), m.group(2), m.group(3).strip())) : Optional.empty();
        }

        boolean of(Detail d) {
            return sha256.equals(d.sha256()) && token.equals(d.token());
        }
    }

    public enum Kind {
        /** A restore from the start (the usual checks, a new token and time stamp). */
        RESTORE,
        /** The interrupted run's restore is finished: config, start, health; nothing restored again. */
        FINISH
    }

    /**
     * @param finishing the interrupted run's detail, when this run finishes it
     * @param note      the plan's note on the interrupted run, if there was one
     */
    public record Decision(Kind kind, Optional<Detail> finishing, Optional<String> note) {
        static Decision restore(String note) {
            return new Decision(Kind.RESTORE, Optional.empty(), Optional.ofNullable(note));
        }
    }

    /**
     * @param interrupted the journal's record of an interrupted restore (not finished), if any
     * @param sha256      this run's snapshot
     * @param histories   per member, in inventory order, the last line of its restore-history (empty: none)
     * @throws DcsprovException (exit 6, nothing changed) when the journal says the members were restored and started
     *                          from this snapshot but a member's restore-history says otherwise
     */
    public static Decision decide(Optional<JournalEntry> interrupted, String sha256, Map<String, Optional<History>> histories) {
        if (interrupted.isEmpty()) {
            return Decision.restore(null);
        }
        JournalEntry e = interrupted.get();
        Optional<Detail> detail = Detail.parse(e.detail());
        if (detail.isEmpty() || !detail.get().sha256().equals(sha256)) {
            return Decision.restore("an interrupted restore " + detail.map(d -> "of another snapshot (SHA-256 " + d.sha256() + ")")
                    .orElse("(no snapshot recorded)") + " stopped at " + e.step() + (e.member().isEmpty() ? "" : " of " + e.member())
                    + ": this run does not finish it; it restores this snapshot, with the usual checks");
        }
        Detail d = detail.get();
        List<String> unconfirmed = histories.entrySet().stream()
                .filter(h -> h.getValue().filter(x -> x.of(d)).isEmpty()).map(Map.Entry::getKey).toList();
        boolean restoredOnAll = unconfirmed.isEmpty();
        String where = "an interrupted restore of this snapshot (token " + d.token() + ") stopped "
                + (e.state().equals(JournalEntry.STARTED) ? "at " : "after ") + e.step() + (e.member().isEmpty() ? "" : " of " + e.member());
        if (restoredOnAll && (RESTORED_ON_ALL.contains(e.step()) || e.step().equals(RESTORE))) {
            return new Decision(Kind.FINISH, Optional.of(d), Optional.of(where + "; every member's restore-history names that run: "
                    + "this run finishes it (config, start, health) and restores nothing again"));
        }
        if (RESTORED_ON_ALL.contains(e.step())) {
            Map<String, String> last = new LinkedHashMap<>();
            unconfirmed.forEach(m -> last.put(m, histories.get(m).map(h -> "sha256=" + h.sha256() + " token=" + h.token()).orElse("no restore recorded")));
            throw new DcsprovException(ExitCode.UNSAFE, "the interrupted restore cannot be finished: "
                    + String.join(", ", unconfirmed) + (unconfirmed.size() == 1 ? " was" : " were") + " not restored by it",
                    where + ", after every member had been restored from the snapshot with that token, but the restore-history of "
                            + String.join("; ", last.entrySet().stream().map(x -> x.getKey() + " says " + x.getValue()).toList())
                            + ". Something else changed those members since; restoring again would replace whatever the restored "
                            + "cluster took since it started. Nothing was changed.",
                    "look at those members ('journalctl -u etcd', restore-history in the etcd config dir); to restore anew anyway, "
                            + "move the local record journal-restore out of the PKI dir and run restore again");
        }
        return Decision.restore(where + ", before any member started on restored data: this run restores again (a new token; "
                + "what the interrupted run moved aside stays, a half-restored data dir is moved aside too)");
    }
}
