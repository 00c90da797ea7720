package dev.dcsprov.membership;

import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.EtcdCluster;
import dev.dcsprov.cluster.HealthGate;
import dev.dcsprov.cluster.Waiting;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.Member;
import dev.dcsprov.etcd.MemberList;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.dcsprov.Shell.quote;

/**
 * Removes one member without costing quorum: the voters that remain must have a healthy majority
 * among themselves; a leaving leader hands the leadership to a healthy voter first; then member
 * remove; then, when its host is reachable, etcd is stopped there and its data dir moved aside
 * (never deleted). Each step is recorded in the journal first ({@link MembershipResume}); a re-run
 * skips what is done (a member already gone is not removed again) and finishes the rest.
 */
public final class MemberRemoval {
    private final EtcdCluster etcd;
    private final Waiting waiting;
    private final List<String> endpoints;
    private final Reporter reporter;
    private final Journal journal;

    /**
     * @param etcd      etcd as asked from a member host that stays in the cluster
     * @param endpoints client URLs to read the member list from, e.g. the inventory's running members
     */
    public MemberRemoval(EtcdCluster etcd, List<String> endpoints, Reporter reporter, Journal journal) {
        this(etcd, Waiting.REAL, endpoints, reporter, journal);
    }

    public MemberRemoval(EtcdCluster etcd, Waiting waiting, List<String> endpoints, Reporter reporter, Journal journal) {
        this.etcd = etcd;
        this.waiting = waiting;
        this.endpoints = List.copyOf(endpoints);
        this.reporter = reporter;
        this.journal = journal;
    }

    /**
     * The steps of {@link #remove}, read from the cluster before anything changes: the leadership move when the
     * member leads, member remove, and on a reachable host stopping etcd and moving the data dir aside. Refuses as
     * the removal itself does (last voter, no healthy majority left), so {@code --check} stops where a run would.
     *
     * @param leavingHost the member's inventory host when it can be reached (etcd is stopped there, data moved aside)
     * @param downHost    the member's inventory host when it cannot be reached
     */
    public List<Change> plan(String name, Optional<String> leavingHost, Optional<String> downHost, String dataDir, List<String> notes) {
        MemberList list = readList();
        Optional<Member> target = list.members().stream().filter(m -> MembershipPlan.displayName(m).equals(name)).findFirst();
        String where = leavingHost.or(() -> downHost).orElse(name);
        List<Change> steps = new ArrayList<>();
        if (target.isEmpty()) {
            notes.add("member " + name + " is not in the cluster (already removed): no member remove");
        } else {
            Member m = target.get();
            Safety safety = checkSafe(list, m);
            nextLeader(list, m, safety).ifPresent(next -> steps.add(OperationPlan.step(where, "leader", Action.RUN,
                    "move leadership to " + next.name(), name + " leads: leadership goes to a healthy voter that stays, before the removal")));
            steps.add(OperationPlan.step(where, "member", Action.DELETE, name + " (" + m.idHex() + ")", "member remove; "
                    + (m.learner() ? "a learner has no vote, so quorum is not at risk"
                    : safety.healthy() + " of the " + safety.remainingVoters() + " voters that stay are healthy, " + safety.quorum()
                    + " are needed") + "; then wait until the cluster is healthy without it"));
        }
        if (leavingHost.isPresent()) {
            steps.add(OperationPlan.step(leavingHost.get(), "service", Action.RUN, "systemctl disable --now etcd",
                    "the removed member's etcd must not run again"));
            steps.add(OperationPlan.step(leavingHost.get(), "datadir", Action.UPDATE, dataDir + " -> " + dataDir + ".removed-<UTC time>",
                    "moved aside, never deleted"));
        } else if (downHost.isPresent()) {
            notes.add(downHost.get() + " is unreachable: etcd there will not be stopped and " + dataDir
                    + " not moved aside; do that when it is back (or run member replace)");
        }
        return steps;
    }

    /** What the quorum check found: the voters that stay, how many of them are healthy, how many are needed. */
    record Safety(List<Member> remaining, List<String> remainingUrls, List<String> healthyUrls, int quorum) {
        int remainingVoters() {
            return remaining.size();
        }

        long healthy() {
            return healthyUrls.size();
        }
    }

    /** Refuses to remove the last voter, or a voter whose removal leaves no healthy majority. Changes nothing. */
    private Safety checkSafe(MemberList list, Member target) {
        List<Member> remainingVoters = list.members().stream().filter(m -> !m.learner() && !m.id().equals(target.id())).toList();
        if (remainingVoters.isEmpty()) {
            throw new DcsprovException(ExitCode.UNSAFE, "refusing to remove " + MembershipPlan.displayName(target)
                    + ": it is the last voting member", "Removing it would end the cluster.", "");
        }
        List<String> remainingUrls = clientUrlsOfStarted(new MemberList(list.header(), remainingVoters));
        List<String> healthyUrls = remainingUrls.isEmpty() ? List.of()
                : etcd.health(remainingUrls).stream().filter(EndpointHealth::healthy).map(EndpointHealth::endpoint).toList();
        int quorum = remainingVoters.size() / 2 + 1;
        if (!target.learner() && healthyUrls.size() < quorum) {
            throw new DcsprovException(ExitCode.UNSAFE, "refusing to remove " + MembershipPlan.displayName(target)
                    + ": the remaining voters would have no healthy majority",
                    "After the removal " + remainingVoters.size() + " voters remain and " + healthyUrls.size() + " of them are healthy; "
                            + quorum + " are needed. Nothing was changed.",
                    "bring the unhealthy members back first (dcsprov member list INVENTORY shows them), then run again");
        }
        return new Safety(remainingVoters, remainingUrls, healthyUrls, quorum);
    }

    /** The healthy voter that takes over when {@code target} leads; empty when it does not lead. */
    private Optional<Member> nextLeader(MemberList list, Member target, Safety safety) {
        if (target.learner() || !target.started()) {
            return Optional.empty();
        }
        List<EndpointStatus> status = etcd.status(clientUrlsOfStarted(list));
        boolean leads = status.stream().anyMatch(s -> s.isLeader() && s.header().memberId().equals(target.id()));
        if (!leads) {
            return Optional.empty();
        }
        return Optional.of(safety.remaining().stream().filter(m -> m.clientUrls().stream().anyMatch(safety.healthyUrls()::contains))
                .findFirst().orElseThrow());
    }

    /** The outcome, for the caller's message. */
    public record Result(boolean removed, String memberId) {
    }

    /**
     * @param name      the member's name, or "unstarted-ID" for a member that never started
     * @param leaving   its host, when reachable: etcd is stopped there and the data dir moved aside
     * @param dataDir   the data dir on that host
     */
    public Result remove(String name, Optional<Connection> leaving, String dataDir) {
        MemberList list = readList();
        Optional<Member> target = list.members().stream().filter(m -> MembershipPlan.displayName(m).equals(name)).findFirst();
        // The journal names the host when there is one to take its copy of the record, the member otherwise.
        String who = leaving.map(Connection::hostName).orElse(name);
        if (target.isEmpty()) {
            reporter.progress("member " + name + " is not in the cluster (already removed)");
        } else {
            removeMember(list, target.get(), () -> record(who, leaving.isPresent(), MembershipResume.REMOVE_STEP));
        }
        leaving.ifPresent(c -> {
            record(who, true, MembershipResume.MOVE_ASIDE);
            String movedTo = stopAndMoveAside(c, dataDir);
            reporter.progress("stopped etcd on " + c.hostName() + (movedTo.isEmpty() ? "; it had no data dir"
                    : "; its data dir is now " + movedTo));
            journal.done(MembershipResume.REMOVE, who, MembershipResume.REMOVED);
        });
        if (leaving.isEmpty()) {
            // Not "removed": its host's data dir is still in place, for a later run to move aside.
            journal.doneLocally(MembershipResume.REMOVE, who, MembershipResume.REMOVE_STEP);
        }
        return new Result(target.isPresent(), target.map(Member::idHex).orElse(""));
    }

    private void record(String who, boolean onHost, String step) {
        if (onHost) {
            journal.begin(MembershipResume.REMOVE, who, step);
        } else {
            journal.beginLocally(MembershipResume.REMOVE, who, step);
        }
    }

    private MemberList readList() {
        List<String> all = clientUrlsOfStarted(etcd.memberList(endpoints));
        return etcd.memberList(all);
    }

    /** @param beforeChange records the step in the journal: after the checks (a refusal changes nothing), before the first change */
    private void removeMember(MemberList list, Member target, Runnable beforeChange) {
        Safety safety = checkSafe(list, target);
        List<String> allStarted = clientUrlsOfStarted(list);
        beforeChange.run();
        Optional<Member> next = nextLeader(list, target, safety);
        if (next.isPresent()) {
            reporter.progress(MembershipPlan.displayName(target) + " leads: moving the leadership to " + next.get().name());
            etcd.moveLeader(target.clientUrls().get(0), next.get().id());
        }
        reporter.progress("member remove " + target.idHex() + " (" + MembershipPlan.displayName(target) + ")");
        etcd.remove(safety.remainingUrls().isEmpty() ? allStarted : safety.remainingUrls(), target.id(), MembershipPlan.displayName(target));
        if (!safety.remainingUrls().isEmpty()) {
            new HealthGate(etcd, safety.remainingUrls(), waiting).await(HealthGate.MEMBER_TIMEOUT,
                    "after removing " + MembershipPlan.displayName(target));
        }
    }

    /** Stops etcd on the leaving host and moves its data dir aside, with the time in its name. */
    static String stopAndMoveAside(Connection c, String dataDir) {
        String script = "set -e\nif systemctl cat etcd >/dev/null 2>&1; then systemctl disable --quiet etcd; systemctl stop etcd; fi\n"
                + "d=" + quote(dataDir) + "\n"
                + "if [ -e \"$d\" ]; then to=\"$d.removed-$(date -u +%Y%m%dT%H%M%SZ)\"; mv \"$d\" \"$to\"; echo \"$to\"; fi\n";
        CommandResult r = c.run(RemoteCommand.of(script).withTimeout(Duration.ofSeconds(60)));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "could not stop etcd and move " + dataDir + " aside on " + c.hostName(),
                    r.describe(), "the member was removed from the cluster; on " + c.hostName()
                    + " run: systemctl stop etcd && mv " + quote(dataDir) + " " + quote(dataDir) + ".removed-$(date -u +%Y%m%dT%H%M%SZ)");
        }
        return r.stdout().strip();
    }

    static List<String> clientUrlsOfStarted(MemberList list) {
        return list.members().stream().filter(Member::started).flatMap(m -> m.clientUrls().stream()).toList();
    }
}
