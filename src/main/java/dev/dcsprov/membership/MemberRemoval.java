package dev.dcsprov.membership;

import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.EtcdctlCluster;
import dev.dcsprov.cluster.HealthGate;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.Member;
import dev.dcsprov.etcd.MemberList;
import dev.dcsprov.etcd.Membership;
import dev.dcsprov.etcd.RemoteEtcdctl;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.time.Duration;
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
    private final RemoteEtcdctl etcdctl;
    private final List<String> endpoints;
    private final Reporter reporter;
    private final Journal journal;

    /**
     * @param etcdctl   runs on a member host that stays in the cluster
     * @param endpoints client URLs to read the member list from, e.g. the inventory's running members
     */
    public MemberRemoval(RemoteEtcdctl etcdctl, List<String> endpoints, Reporter reporter, Journal journal) {
        this.etcdctl = etcdctl;
        this.endpoints = List.copyOf(endpoints);
        this.reporter = reporter;
        this.journal = journal;
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
        List<String> all = clientUrlsOfStarted(new Membership(etcdctl, endpoints).list());
        return new Membership(etcdctl, all).list();
    }

    /** @param beforeChange records the step in the journal: after the checks (a refusal changes nothing), before the first change */
    private void removeMember(MemberList list, Member target, Runnable beforeChange) {
        List<Member> remainingVoters = list.members().stream().filter(m -> !m.learner() && !m.id().equals(target.id())).toList();
        if (remainingVoters.isEmpty()) {
            throw new DcsprovException(ExitCode.UNSAFE, "refusing to remove " + MembershipPlan.displayName(target)
                    + ": it is the last voting member", "Removing it would end the cluster.", "");
        }
        List<String> remainingUrls = clientUrlsOfStarted(new MemberList(list.header(), remainingVoters));
        long healthy = remainingUrls.isEmpty() ? 0 : etcdctl.health(remainingUrls).stream().filter(EndpointHealth::healthy).count();
        int quorum = remainingVoters.size() / 2 + 1;
        if (!target.learner() && healthy < quorum) {
            throw new DcsprovException(ExitCode.UNSAFE, "refusing to remove " + MembershipPlan.displayName(target)
                    + ": the remaining voters would have no healthy majority",
                    "After the removal " + remainingVoters.size() + " voters remain and " + healthy + " of them are healthy; "
                            + quorum + " are needed. Nothing was changed.",
                    "bring the unhealthy members back first (dcsprov member list INVENTORY shows them), then run again");
        }
        List<String> allStarted = clientUrlsOfStarted(list);
        beforeChange.run();
        if (!target.learner() && target.started()) {
            List<EndpointStatus> status = etcdctl.status(allStarted);
            boolean leads = status.stream().anyMatch(s -> s.isLeader() && s.header().memberId().equals(target.id()));
            if (leads) {
                List<String> healthyUrls = etcdctl.health(remainingUrls).stream().filter(EndpointHealth::healthy)
                        .map(EndpointHealth::endpoint).toList();
                Member next = remainingVoters.stream().filter(m -> m.clientUrls().stream().anyMatch(healthyUrls::contains))
                        .findFirst().orElseThrow();
                reporter.progress(MembershipPlan.displayName(target) + " leads: moving the leadership to " + next.name());
                new EtcdctlCluster(etcdctl).moveLeader(target.clientUrls().get(0), next.id());
            }
        }
        reporter.progress("member remove " + target.idHex() + " (" + MembershipPlan.displayName(target) + ")");
        new Membership(etcdctl, remainingUrls.isEmpty() ? allStarted : remainingUrls).remove(target.id(), MembershipPlan.displayName(target));
        if (!remainingUrls.isEmpty()) {
            new HealthGate(new EtcdctlCluster(etcdctl), remainingUrls).await(HealthGate.MEMBER_TIMEOUT, "after removing " + MembershipPlan.displayName(target));
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
