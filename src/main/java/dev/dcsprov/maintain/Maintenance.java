package dev.dcsprov.maintain;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ClusterHealth;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.EtcdCluster;
import dev.dcsprov.cluster.HealthGate;
import dev.dcsprov.cluster.ResumeGate;
import dev.dcsprov.cluster.RollingRestart;
import dev.dcsprov.cluster.Waiting;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.journal.JournalEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Day-2 space maintenance, the sequence etcd's documentation gives for a full database:
 * <ol>
 * <li>refuse unless the cluster is healthy, a NOSPACE alarm aside (that is what this repairs), and
 *     refuse outright on a CORRUPT alarm;</li>
 * <li>compact the history to the current revision (or keep the last N revisions), waiting until
 *     every member applied it;</li>
 * <li>defragment the members with enough reclaimable space and enough free disk, one at a time,
 *     through the one {@link RollingRestart}: followers first, leadership moved away before the
 *     leader's turn, each only when the cluster is healthy and the previous member caught up;
 *     a member without the free disk a defragmentation needs is refused and the others are done;</li>
 * <li>disarm a NOSPACE alarm once every member's database is below the quota again.</li>
 * </ol>
 * Journaled ({@link Journal}, operation {@value #OPERATION}): {@code compact:compact} before the compaction,
 * {@code defragment:defragment} on the member before its defragmentation and {@code defragment:done} after it,
 * {@code disarm:disarm} before the alarm is disarmed, {@code finished} at the end. A run of the same command after
 * a kill finishes the job: a member left mid-defragmentation (etcd goes on after its client is gone, and answers
 * nothing meanwhile) is waited for while the others keep quorum, then defragmented first; a run killed once every
 * defragmentation was done disarms the alarm without defragmenting again. Compacting or defragmenting twice
 * costs time, never data: etcd answers an already compacted revision with an error dcsprov takes as done.
 */
public final class Maintenance {
    /** The one alarm maintenance repairs; every other alarm keeps the cluster unhealthy to it. */
    public static final String NOSPACE = "NOSPACE";
    /** The journal's operation ({@code journal-maintain} in the PKI dir), and its phases. */
    public static final String OPERATION = "maintain";
    static final String COMPACT = "compact";
    static final String DEFRAGMENT = "defragment";
    static final String DISARM = "disarm";

    /** One member defragmented: its database file before and after. */
    public record Defragmented(String member, long sizeBefore, long sizeAfter) {
    }

    /**
     * @param compactedTo  the revision compacted to, 0 when nothing was compacted
     * @param disarmed     a NOSPACE alarm was active and is disarmed
     * @param alarmsLeft   alarms still active at the end, as "member: TYPE"
     * @param plan         the verdicts as they were when defragmentation started (after the compaction)
     */
    public record Result(long compactedTo, List<Defragmented> defragmented, MaintenancePlan plan, boolean disarmed,
                         List<String> alarmsLeft, List<MemberSpace> after) {

        /** What is left to do: members refused for disk, an alarm not disarmed. Empty when the run did all it should. */
        public List<String> leftToDo() {
            List<String> left = new ArrayList<>();
            plan.members().stream().filter(m -> m.action() == MemberVerdict.Action.REFUSED)
                    .forEach(m -> left.add(m.member() + " not defragmented: " + m.reason()));
            alarmsLeft.forEach(a -> left.add("alarm still active: " + a));
            return left;
        }
    }

    private final EtcdCluster etcd;
    private final List<ClusterMember> members;
    private final long quota;
    private final FreeDisk disk;
    private final Consumer<String> progress;
    private final Waiting waiting;
    private final List<String> endpoints;
    private final Journal journal;

    /** @param quota the backend quota every member runs with (ETCD_QUOTA_BACKEND_BYTES) */
    public Maintenance(EtcdCluster etcd, List<ClusterMember> members, long quota, FreeDisk disk, Consumer<String> progress,
                       Waiting waiting) {
        this(etcd, members, quota, disk, progress, waiting, Journal.none());
    }

    /** @param journal where each step is recorded before it happens, and what an interrupted run left */
    public Maintenance(EtcdCluster etcd, List<ClusterMember> members, long quota, FreeDisk disk, Consumer<String> progress,
                       Waiting waiting, Journal journal) {
        this.journal = journal;
        this.etcd = etcd;
        this.members = List.copyOf(members);
        this.quota = quota;
        this.disk = disk;
        this.progress = progress;
        this.waiting = waiting;
        this.endpoints = this.members.stream().map(ClusterMember::clientUrl).toList();
    }

    /** What a run would do now; changes nothing. Refuses (exit 6) as the run would. */
    public MaintenancePlan plan(MaintenanceOptions options) {
        ClusterHealth health = healthyOrRefuse();
        return plan(health, options);
    }

    public Result run(MaintenanceOptions options) {
        Optional<String> interrupted = journal.interruptedMember();
        ClusterHealth health = interrupted.isPresent() ? admitInterrupted(interrupted.get()) : healthyOrRefuse();
        MaintenancePlan first = plan(health, options);
        if (defragmentationsDone(journal.interrupted())) {
            progress.accept("the interrupted run had done every defragmentation and was disarming the NOSPACE alarm: "
                    + "finishing that, nothing is compacted or defragmented again");
            return disarmAndFinish(0, List.of(), first);
        }
        interrupted.ifPresent(m -> progress.accept("continuing an interrupted maintenance: " + m
                + " was left mid-defragmentation and goes first"));
        long compactedTo = 0;
        if (first.compactTo() > 0) {
            progress.accept("compacting to revision " + first.compactTo() + " (current " + first.revision() + ")");
            if (interrupted.isEmpty()) {
                // With a member left mid-defragmentation its record stays the last one until its turn comes.
                journal.mark(COMPACT, "compact");
            }
            etcd.compact(endpoints, first.compactTo());
            compactedTo = first.compactTo();
            if (!first.noSpaceAlarm()) {
                refreshInUseFigures();
            }
        } else {
            progress.accept("nothing to compact (revision " + first.revision() + ", keeping " + options.keepRevisions() + ")");
        }
        // The compaction freed space in use: judge each member again on what a defragmentation would give back now.
        MaintenancePlan plan = plan(healthyOrRefuse(), options);
        plan.members().stream().filter(m -> m.action() != MemberVerdict.Action.DEFRAGMENT)
                .forEach(m -> progress.accept((m.action() == MemberVerdict.Action.REFUSED ? "refusing " : "skipping ")
                        + m.member() + ": " + m.reason()));
        List<Defragmented> done = new ArrayList<>();
        Defragmenter defragmenter = new Defragmenter(options, done);
        new RollingRestart(etcd, members, defragmenter, progress, waiting, Set.of(NOSPACE))
                .run(plan.named(MemberVerdict.Action.DEFRAGMENT), RollingRestart.Hooks.none(),
                        new RollingRestart.Labels("maintenance", "run " + resume() + " again", "a defragmented database"),
                        new RollingRestart.Resume(finishFirst(interrupted, plan), recorder()));
        return disarmAndFinish(compactedTo, done, plan);
    }

    private Result disarmAndFinish(long compactedTo, List<Defragmented> done, MaintenancePlan plan) {
        List<EndpointStatus> now = etcd.status(endpoints);
        List<MemberSpace> after = spaces(now);
        boolean disarmed = false;
        if (alarms(now).stream().anyMatch(a -> a.endsWith(": " + NOSPACE))) {
            List<MemberSpace> full = after.stream().filter(s -> s.dbSize() >= quota).toList();
            if (full.isEmpty() && alarms(now).stream().allMatch(a -> a.endsWith(": " + NOSPACE))) {
                progress.accept("every database is below the quota again: disarming the NOSPACE alarm");
                journal.mark(DISARM, "disarm");
                etcd.disarmAlarms(endpoints);
                disarmed = true;
            } else {
                progress.accept("NOSPACE alarm left active: " + full.stream().map(s -> s.member() + " at " + Bytes.show(s.dbSize())
                        + " of " + Bytes.show(quota)).toList());
            }
        }
        List<String> left = alarms(etcd.status(endpoints));
        // Members refused for disk or an alarm left are reported (exit 6); the run itself ended, nothing to finish.
        journal.finished(OPERATION);
        return new Result(compactedTo, done, plan, disarmed, left, after);
    }

    /**
     * The member a re-run defragments first: the one the interrupted run left mid-defragmentation, unless it is now
     * refused for disk (the others are done then, and the run reports it as left to do).
     */
    static Optional<String> finishFirst(Optional<String> interrupted, MaintenancePlan plan) {
        return interrupted.filter(m -> !plan.named(MemberVerdict.Action.REFUSED).contains(m));
    }

    /** The interrupted run had recorded that it was disarming: every defragmentation it was to do was done. */
    static boolean defragmentationsDone(Optional<JournalEntry> interrupted) {
        return interrupted.filter(e -> e.phase().equals(DISARM)).isPresent();
    }

    /**
     * The gate of a run that continues one killed while {@code member} was defragmenting: etcd finishes a
     * defragmentation its client no longer waits for, and the member answers nothing meanwhile. While the others keep
     * quorum ({@link ResumeGate}) that is waited for, not refused as an unhealthy cluster; then the usual checks.
     */
    private ClusterHealth admitInterrupted(String member) {
        HealthGate gate = new HealthGate(etcd, endpoints, waiting, Set.of(NOSPACE));
        ResumeGate.Admission a = new ResumeGate(etcd, members, gate, waiting)
                .admit(Optional.of(member), HealthGate.MEMBER_TIMEOUT, "maintenance", "run " + resume() + " again");
        if (a.downMember().isPresent()) {
            progress.accept(member + " does not answer: the interrupted run was defragmenting it (etcd goes on after its "
                    + "client is gone); the others keep quorum; waiting for it");
            try {
                gate.await(HealthGate.MEMBER_TIMEOUT, "while " + member + " finishes what the interrupted run started");
            } catch (DcsprovException e) {
                throw new DcsprovException(ExitCode.UNSAFE, "maintenance refused: " + member
                        + ", which the interrupted run was defragmenting, does not answer",
                        e.detail().orElse(e.summary()) + "\nThe other members are healthy and keep quorum. Nothing was changed.",
                        "look at 'journalctl -u etcd' on " + member + "; once it answers ('dcsprov status'), run " + resume()
                                + " again: it defragments " + member + " first");
            }
        }
        return healthyOrRefuse();
    }

    /** The journal's records around a member's defragmentation: the rolling restart's "restart" is the defragmentation here. */
    private RollingRestart.Recorder recorder() {
        return new RollingRestart.Recorder() {
            @Override
            public void step(ClusterMember member, String step) {
                if (step.equals("restart")) {
                    journal.begin(DEFRAGMENT, member.name(), "defragment");
                }
            }

            @Override
            public void done(ClusterMember member) {
                journal.done(DEFRAGMENT, member.name(), "done");
            }
        };
    }

    private String resume() {
        return journal.resumeCommand().isEmpty() ? "dcsprov maintain" : journal.resumeCommand();
    }

    /**
     * Two backend commits on every member, as the scheduled maintenance script makes, so that the verdicts
     * below see what the compaction freed (on an idle cluster etcd 3.4 went on reporting 13.8 of 15.0 MB in
     * use after a compaction that left 0.3 MB, until its next write). The pause covers etcd's 100 ms batch
     * interval, after which a member commits what it applied. Under NOSPACE etcd refuses the lease; every
     * member is defragmented then anyway.
     */
    private void refreshInUseFigures() {
        for (int i = 0; i < 2; i++) {
            etcd.forceBackendCommit(endpoints);
            waiting.pause(300);
        }
    }

    /** Defragments instead of restarting: etcd keeps running; the member answers nothing while it rewrites its database. */
    private final class Defragmenter implements RollingRestart.Restarter {
        private final MaintenanceOptions options;
        private final List<Defragmented> done;

        Defragmenter(MaintenanceOptions options, List<Defragmented> done) {
            this.options = options;
            this.done = done;
        }

        @Override
        public String doing() {
            return "defragmenting";
        }

        @Override
        public void restart(ClusterMember member) {
            // Measured again right before: the figures of the plan may be minutes old.
            EndpointStatus s = statusOf(etcd.status(List.of(member.clientUrl())), member)
                    .orElseThrow(() -> new DcsprovException(ExitCode.UNSAFE, "no status from " + member.name(), "", ""));
            long free = disk.freeBytes(member);
            Optional<String> short_ = MemberVerdict.diskShort(MemberSpace.of(member.name(), s, quota), free, options);
            if (short_.isPresent()) {
                throw new DcsprovException(ExitCode.UNSAFE, member.name() + " has too little free disk now", short_.get(), "");
            }
            etcd.defragment(member.clientUrl());
            long after = statusOf(etcd.status(List.of(member.clientUrl())), member).map(EndpointStatus::dbSize).orElse(-1L);
            done.add(new Defragmented(member.name(), s.dbSize(), after));
            progress.accept("defragmented " + member.name() + ": " + Bytes.show(s.dbSize()) + " -> " + Bytes.show(after));
        }
    }

    private ClusterHealth healthyOrRefuse() {
        ClusterHealth health = new HealthGate(etcd, endpoints, waiting, Set.of(NOSPACE)).check();
        List<String> others = alarms(health.status()).stream().filter(a -> !a.endsWith(": " + NOSPACE)).toList();
        if (!others.isEmpty()) {
            throw new DcsprovException(ExitCode.UNSAFE, "maintenance refused: alarm " + String.join(", ", others),
                    "Only a NOSPACE alarm is repaired by compaction and defragmentation; a CORRUPT alarm means members hold "
                            + "different data, and disarming it would hide that. Nothing was changed.",
                    "find the member with different data (etcd's logs, 'etcdctl endpoint hashkv'), replace it with "
                            + "'dcsprov member replace', then disarm with etcdctl");
        }
        if (!health.healthy()) {
            throw new DcsprovException(ExitCode.UNSAFE, "maintenance refused: the cluster is not healthy",
                    health.problem() + " (checked from " + etcd.via() + "). A defragmentation takes one member out of service "
                            + "while it runs; with the cluster already unhealthy that could cost quorum. Nothing was changed.",
                    "bring every member back, check with 'dcsprov status', then run dcsprov maintain again");
        }
        return health;
    }

    private MaintenancePlan plan(ClusterHealth health, MaintenanceOptions options) {
        long revision = health.leader().map(s -> s.header().revision())
                .orElse(health.status().stream().mapToLong(s -> s.header().revision()).max().orElse(0));
        long target = revision - options.keepRevisions();
        List<String> alarms = alarms(health.status());
        boolean noSpace = alarms.stream().anyMatch(a -> a.endsWith(": " + NOSPACE));
        List<MemberVerdict> verdicts = new ArrayList<>();
        for (ClusterMember m : members) {
            EndpointStatus s = statusOf(health.status(), m).orElseThrow();
            verdicts.add(MemberVerdict.judge(MemberSpace.of(m.name(), s, quota), disk.freeBytes(m), options, noSpace));
        }
        return new MaintenancePlan(revision, target > 1 ? target : 0, verdicts, alarms);
    }

    private List<MemberSpace> spaces(List<EndpointStatus> status) {
        List<MemberSpace> spaces = new ArrayList<>();
        for (ClusterMember m : members) {
            statusOf(status, m).ifPresent(s -> spaces.add(MemberSpace.of(m.name(), s, quota)));
        }
        return spaces;
    }

    /** Alarms as etcd lists them in every member's status, named by the member that raised them. */
    private List<String> alarms(List<EndpointStatus> status) {
        return SpaceReport.alarms(status, members).stream().distinct().toList();
    }

    private static Optional<EndpointStatus> statusOf(List<EndpointStatus> status, ClusterMember m) {
        return status.stream().filter(s -> s.endpoint().equals(m.clientUrl())).findFirst();
    }
}
