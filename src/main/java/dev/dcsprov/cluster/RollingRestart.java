package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EndpointStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one rolling restart, used by every operation that restarts members one by one (apply,
 * leaf and CA rotation). Its rules:
 * <ol>
 * <li>one member at a time, and each only when the cluster is healthy ({@link ClusterHealth});
 *     a cluster unhealthy before the first restart is refused with nothing restarted;</li>
 * <li>followers first, in inventory order; the leader last, after leadership moved to a member
 *     already done (see {@link RollingOrder}), so a run costs one planned leader change;</li>
 * <li>after a restart, the next member waits until the cluster is healthy again and the
 *     restarted member has applied everything the leader had committed at that moment
 *     (raft applied index >= the leader's raft index);</li>
 * <li>it stops at the first failure, saying which members are done and which are left.</li>
 * </ol>
 * The caller passes only the members still to do, so an operation that records what is done
 * (apply: a restart marker per host; rotation: the deployed fingerprints) resumes without
 * restarting anyone twice. {@link Hooks} run before and after each member.
 */
public final class RollingRestart {
    static final long POLL_MILLIS = 200;

    /** Restarts etcd on one member and returns once systemd reports it started, or throws. */
    @FunctionalInterface
    public interface Restarter {
        void restart(ClusterMember member);

        /** What {@link #restart} does, for progress: a restart, or e.g. a defragmentation that keeps etcd running. */
        default String doing() {
            return "restarting";
        }
    }

    /** Work around each member's restart: files to put in place before, checks after (e.g. a Patroni check). */
    public interface Hooks {
        /** Runs after leadership moved away from the member and before its restart. */
        default void before(ClusterMember member) {
        }

        /** Runs once the member is back and caught up, before the next member. */
        default void after(ClusterMember member) {
        }

        /** Runs once leadership moved from {@code from} (about to be restarted) to {@code to}, before {@link #before}. */
        default void leadershipMoved(ClusterMember from, ClusterMember to) {
        }

        static Hooks none() {
            return new Hooks() {
            };
        }

        static Hooks before(Consumer<ClusterMember> before) {
            return new Hooks() {
                @Override
                public void before(ClusterMember member) {
                    before.accept(member);
                }
            };
        }

        /** This hook's work, then {@code next}'s. */
        default Hooks then(Hooks next) {
            Hooks first = this;
            return new Hooks() {
                @Override
                public void before(ClusterMember member) {
                    first.before(member);
                    next.before(member);
                }

                @Override
                public void after(ClusterMember member) {
                    first.after(member);
                    next.after(member);
                }

                @Override
                public void leadershipMoved(ClusterMember from, ClusterMember to) {
                    first.leadershipMoved(from, to);
                    next.leadershipMoved(from, to);
                }
            };
        }
    }

    /**
     * What the run records before each step that changes a member and after the member is done,
     * so a run killed in between leaves what to finish (see {@code dev.dcsprov.journal.Journal}).
     * Steps: {@code files} before {@link Hooks#before} (new files go in), {@code restart} before the restart.
     */
    public interface Recorder {
        void step(ClusterMember member, String step);

        void done(ClusterMember member);

        static Recorder none() {
            return new Recorder() {
                @Override
                public void step(ClusterMember member, String step) {
                }

                @Override
                public void done(ClusterMember member) {
                }
            };
        }
    }

    /**
     * How a run continues an interrupted one.
     *
     * @param interrupted the member the interrupted run left mid-step: it goes first, and may be down
     *                    as long as the others keep quorum ({@link ResumeGate})
     * @param recorder    what is recorded around each member's steps
     */
    public record Resume(Optional<String> interrupted, Recorder recorder) {
        public static Resume none() {
            return new Resume(Optional.empty(), Recorder.none());
        }
    }

    /**
     * How a stop is reported.
     *
     * @param operation what stopped, e.g. "the rotation"
     * @param resume    how to continue, e.g. "run rotate-certs again with the same options"
     * @param carries   what a restarted member now has, for progress ("its new certificate")
     */
    public record Labels(String operation, String resume, String carries) {
    }

    private final EtcdCluster etcd;
    private final List<ClusterMember> members;
    private final Restarter restarter;
    private final Consumer<String> progress;
    private final Waiting waiting;
    private final HealthGate gate;

    /** @param members every member the health gate looks at, in inventory order */
    public RollingRestart(EtcdCluster etcd, List<ClusterMember> members, Restarter restarter, Consumer<String> progress) {
        this(etcd, members, restarter, progress, Waiting.REAL);
    }

    public RollingRestart(EtcdCluster etcd, List<ClusterMember> members, Restarter restarter, Consumer<String> progress,
                          Waiting waiting) {
        this(etcd, members, restarter, progress, waiting, Set.of());
    }

    /**
     * @param toleratedAlarms alarm types the health gate overlooks: maintenance defragments members
     *                        while a NOSPACE alarm is active, since freeing space is what clears it
     */
    public RollingRestart(EtcdCluster etcd, List<ClusterMember> members, Restarter restarter, Consumer<String> progress,
                          Waiting waiting, Set<String> toleratedAlarms) {
        this.etcd = etcd;
        this.members = List.copyOf(members);
        this.restarter = restarter;
        this.progress = progress;
        this.waiting = waiting;
        this.gate = new HealthGate(etcd, this.members.stream().map(ClusterMember::clientUrl).toList(), waiting, toleratedAlarms);
    }

    public HealthGate gate() {
        return gate;
    }

    /**
     * Restarts {@code pending} (member names) one at a time by the rules above.
     *
     * @return the members in the order they were restarted
     */
    public List<String> run(Collection<String> pending, Hooks hooks, Labels labels) {
        return run(pending, hooks, labels, Resume.none());
    }

    /**
     * As {@link #run(Collection, Hooks, Labels)}, continuing an interrupted run: its member goes first
     * (added to {@code pending} if missing: files in place do not prove the restart happened), and
     * before the first restart it may be down when the others keep quorum.
     */
    public List<String> run(Collection<String> pending, Hooks hooks, Labels labels, Resume resume) {
        List<String> names = members.stream().map(ClusterMember::name).toList();
        Optional<String> interrupted = resume.interrupted().filter(names::contains);
        List<String> todo = new ArrayList<>(names.stream().filter(n -> pending.contains(n) || interrupted.filter(n::equals).isPresent())
                .toList());
        interrupted.ifPresent(i -> {
            todo.remove(i);
            todo.add(0, i);
        });
        List<String> unknown = pending.stream().filter(p -> !names.contains(p)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("not members of the gate: " + unknown);
        }
        List<String> done = new ArrayList<>();
        String current = todo.isEmpty() ? "" : todo.get(0);
        while (!todo.isEmpty()) {
            try {
                ClusterHealth before;
                Optional<String> downFirst = Optional.empty();
                try {
                    if (done.isEmpty() && interrupted.isPresent()) {
                        ResumeGate.Admission a = resumeGate().admit(interrupted, HealthGate.MEMBER_TIMEOUT, labels.operation(), labels.resume());
                        before = a.health();
                        downFirst = a.downMember();
                    } else {
                        before = gate.await(HealthGate.MEMBER_TIMEOUT, "before the next member");
                    }
                } catch (DcsprovException e) {
                    if (done.isEmpty()) {
                        throw e instanceof ResumeGate.Refusal ? new Refused(e) : refusal(e, labels);
                    }
                    throw e;
                }
                ClusterHealth health = before;
                String leader = leaderName(before).orElseThrow(() -> new DcsprovException(ExitCode.UNSAFE,
                        "the leader is not a member dcsprov looks at", health.problem(), ""));
                if (downFirst.isPresent()) {
                    // The interrupted run took it down: finish it first, nothing to move (it cannot lead while down).
                    current = downFirst.get();
                    progress.accept(current + " is down: the interrupted run was changing it; finishing it first");
                } else {
                    RollingOrder.Next next = RollingOrder.next(todo, leader, names).orElseThrow();
                    current = next.member();
                    if (next.moveLeaderTo().isPresent()) {
                        moveLeader(before, leader, next.moveLeaderTo().get());
                        hooks.leadershipMoved(member(leader), member(next.moveLeaderTo().get()));
                    }
                }
                ClusterMember member = member(current);
                resume.recorder().step(member, "files");
                hooks.before(member);
                resume.recorder().step(member, "restart");
                progress.accept(restarter.doing() + " " + current);
                restarter.restart(member);
                progress.accept("waiting for " + current + " to rejoin and catch up");
                awaitCaughtUp(member);
                hooks.after(member);
                // Recorded before it is said: whoever acts on the message (a person, a test killing the run) finds it done.
                resume.recorder().done(member);
                progress.accept(current + " is back with " + labels.carries() + " and caught up");
                todo.remove(current);
                done.add(current);
            } catch (Refused r) {
                throw r.exception;
            } catch (DcsprovException e) {
                List<String> left = todo;
                throw new DcsprovException(e.exitCode() == ExitCode.USAGE ? ExitCode.HOST_FAILED : e.exitCode(),
                        labels.operation() + " stopped at " + current + ": " + e.summary(),
                        e.detail().map(d -> d + "\n").orElse("") + "Done: " + (done.isEmpty() ? "none" : String.join(", ", done))
                                + ". Still to do: " + String.join(", ", left) + ". Members are restarted one at a time, "
                                + "so the others kept the cluster quorate.",
                        "see 'journalctl -u etcd' on " + current + ", fix the cause, then " + labels.resume()
                                + ": it continues with the members not done yet", e);
            }
        }
        return done;
    }

    private ResumeGate resumeGate() {
        return new ResumeGate(etcd, members, gate, waiting);
    }

    /** Thrown past the stop report: before the first restart nothing was changed, and the message says so. */
    private static final class Refused extends RuntimeException {
        final DcsprovException exception;

        Refused(DcsprovException exception) {
            super(exception);
            this.exception = exception;
        }
    }

    private static Refused refusal(DcsprovException e, Labels labels) {
        return new Refused(new DcsprovException(ExitCode.UNSAFE, labels.operation() + " refused: the cluster is not healthy",
                e.detail().orElse("") + "\nA rolling restart takes one member away at a time; with the cluster already unhealthy "
                        + "that could cost quorum. No member was restarted.",
                "bring every member back (systemctl start etcd, or dcsprov apply), check with 'dcsprov status', then "
                        + labels.resume()));
    }

    /** Hands leadership to {@code target} and waits until the cluster is healthy with it leading. */
    private void moveLeader(ClusterHealth health, String leader, String target) {
        EndpointStatus to = health.statusOf(member(target).clientUrl()).orElseThrow(() -> new DcsprovException(ExitCode.UNSAFE,
                "no status for " + target, "", ""));
        progress.accept("moving leadership from " + leader + " to " + target);
        etcd.moveLeader(member(leader).clientUrl(), to.header().memberId());
        long deadline = waiting.nanoTime() + HealthGate.MEMBER_TIMEOUT.toNanos();
        while (true) {
            ClusterHealth now = gate.check();
            if (now.healthy() && leaderName(now).filter(target::equals).isPresent()) {
                return;
            }
            if (waiting.nanoTime() > deadline) {
                throw new DcsprovException(ExitCode.UNSAFE, "leadership did not move to " + target,
                        now.healthy() ? "the leader is still " + leaderName(now).orElse("unknown") : now.problem(), "");
            }
            waiting.pause(POLL_MILLIS);
        }
    }

    /** Healthy again, and the member has applied everything the leader had committed when the cluster was healthy again. */
    private void awaitCaughtUp(ClusterMember member) {
        ClusterHealth s = gate.await(HealthGate.MEMBER_TIMEOUT, "after restarting " + member.name());
        long target = s.leader().map(EndpointStatus::raftIndex).orElse(0L);
        long deadline = waiting.nanoTime() + HealthGate.MEMBER_TIMEOUT.toNanos();
        while (true) {
            Optional<EndpointStatus> m = s.statusOf(member.clientUrl());
            if (m.isPresent() && m.get().raftAppliedIndex() >= target) {
                return;
            }
            if (waiting.nanoTime() > deadline) {
                throw new DcsprovException(ExitCode.UNSAFE, member.name() + " did not catch up",
                        "applied index " + m.map(EndpointStatus::raftAppliedIndex).orElse(-1L) + ", leader's commit " + target, "");
            }
            waiting.pause(POLL_MILLIS);
            s = gate.await(HealthGate.MEMBER_TIMEOUT, "while " + member.name() + " catches up");
        }
    }

    private ClusterMember member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private Optional<String> leaderName(ClusterHealth health) {
        return health.leader().flatMap(l -> members.stream().filter(m -> m.clientUrl().equals(l.endpoint()))
                .map(ClusterMember::name).findFirst());
    }
}
