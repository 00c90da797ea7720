package dev.dcsprov.membership;

import dev.dcsprov.apply.HostPlanner;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.EtcdctlCluster;
import dev.dcsprov.cluster.HealthGate;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.Member;
import dev.dcsprov.etcd.MemberList;
import dev.dcsprov.etcd.EtcdctlMembership;
import dev.dcsprov.etcd.RemoteEtcdctl;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.steps.FileStep;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Joins one host to a running cluster, one membership change at a time: healthy cluster ->
 * member add as learner (or reuse the unstarted member an interrupted run left) -> config with
 * state existing and the current membership -> start -> wait until it caught up -> promote ->
 * healthy cluster. Every step re-reads the member list, so a second run finishes what a killed
 * one started; each step is recorded in the journal first ({@link MembershipResume} names them).
 */
public final class MemberJoin {
    static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(120);
    /** etcd itself promotes only a learner whose log reaches 90 % of the leader's; wait for a little more. */
    static final double IN_SYNC = 0.95;

    private final ConnectedHosts hosts;
    private final ClusterSettings cluster;
    private final RemotePaths paths;
    private final MembershipPlanner planner;
    private final BiFunction<Host, String, String> existingConfig;
    private final Reporter reporter;
    private final Journal journal;

    /** @param existingConfig renders a host's config with state existing and the given ETCD_INITIAL_CLUSTER */
    public MemberJoin(ConnectedHosts hosts, ClusterSettings cluster, RemotePaths paths, MembershipPlanner planner,
                      BiFunction<Host, String, String> existingConfig, Reporter reporter, Journal journal) {
        this.hosts = hosts;
        this.cluster = cluster;
        this.paths = paths;
        this.planner = planner;
        this.existingConfig = existingConfig;
        this.reporter = reporter;
        this.journal = journal;
    }

    /**
     * A join as plan steps, in the order {@link #join} takes them (the host's packages, certificates and files are
     * apply's per-host changes, planned and shown when the join runs).
     */
    public static List<Change> planned(Host host, ClusterSettings cluster) {
        String peer = host.peerUrl(cluster);
        return List.of(
                OperationPlan.step(host.name(), "apply", Action.RUN, "packages, certificates and files",
                        "as apply plans them for a new member (its plan is shown when the join runs)"),
                OperationPlan.step(host.name(), "member", Action.CREATE, host.memberName(),
                        "member add --learner " + peer + " once the cluster is healthy (an unstarted member with that peer URL is reused)"),
                OperationPlan.step(host.name(), "service", Action.START, "etcd",
                        "with ETCD_INITIAL_CLUSTER_STATE=existing and the membership of that moment; a learner has no vote"),
                OperationPlan.step(host.name(), "member", Action.UPDATE, host.memberName(),
                        "promote to voter once it caught up with the leader; then wait until the cluster is healthy"));
    }

    /**
     * @param host    the joining host; its packages, certificates and files are in place already
     * @param voters  inventory members that are started voters right now; etcdctl runs on the first
     * @param moveAsideFirst the data dir holds what an interrupted start left: moved aside (kept) before etcd starts
     */
    public void join(Host host, List<Host> voters, Change shown, boolean moveAsideFirst) {
        reporter.started(shown);
        String peer = host.peerUrl(cluster);
        HealthGate gate = gate(voters);
        reporter.progress("checking cluster health before " + host.name() + " joins");
        gate.await(HealthGate.MEMBER_TIMEOUT, "before " + host.name() + " joins");
        EtcdctlMembership membership = membership(voters);
        MemberList list = membership.list();
        Optional<Member> existing = list.byPeerUrl(peer);
        if (existing.isPresent() && existing.get().started() && !existing.get().name().equals(host.memberName())) {
            throw new DcsprovException(ExitCode.UNSAFE, "peer URL " + peer + " belongs to member " + existing.get().name(),
                    "It appeared after the plan was made. Nothing was changed on " + host.name() + ".", "run plan again");
        }
        if (existing.isEmpty()) {
            journal.begin(MembershipResume.JOIN, host.name(), MembershipResume.ADD);
            reporter.progress("member add " + host.memberName() + " --peer-urls=" + peer + " --learner");
            list = membership.addLearner(host.memberName(), peer);
        } else {
            reporter.progress("reusing member " + existing.get().idHex() + " with peer URL " + peer + " (added earlier)");
        }
        Member member = list.byPeerUrl(peer).orElseThrow(() -> new DcsprovException(ExitCode.FAILED,
                "member " + host.memberName() + " is missing from the member list after member add", "", "run apply again"));

        journal.begin(MembershipResume.JOIN, host.name(), MembershipResume.START);
        if (moveAsideFirst) {
            String movedTo = MemberRemoval.stopAndMoveAside(hosts.connection(host.name()), cluster.dataDir());
            reporter.progress("moved aside the data dir an interrupted start left on " + host.name() + ": " + movedTo);
        }
        if (!member.started()) {
            String config = existingConfig.apply(host, planner.initialCluster(list));
            run(host, FileStep.writeCommand(HostPlanner.configFile(paths, config, false)),
                    "write " + paths.configFile());
        }
        reporter.progress("starting etcd on " + host.name());
        run(host, RemoteCommand.of("systemctl enable --quiet etcd && systemctl start etcd").withTimeout(CATCH_UP_TIMEOUT),
                "start etcd");
        if (member.learner()) {
            awaitCaughtUp(host, voters);
            journal.begin(MembershipResume.JOIN, host.name(), MembershipResume.PROMOTE);
            promote(membership, host, member);
        }
        List<Host> after = new ArrayList<>(voters);
        after.add(host);
        reporter.progress("waiting for the cluster to be healthy with " + host.name());
        gate(after).await(HealthGate.MEMBER_TIMEOUT, "after " + host.name() + " joined");
        journal.done(MembershipResume.JOIN, host.name(), MembershipResume.DONE);
        reporter.finished(shown, "");
    }

    /**
     * Promotes a learner that a killed run left started. Its etcd is started first when it is not running (the
     * interrupted run, or a crash, may have left it down): a learner has no vote, so this never costs quorum.
     */
    public void promoteStartedLearner(Host host, List<Host> voters, Change shown) {
        reporter.started(shown);
        EtcdctlMembership membership = membership(voters);
        Member member = membership.list().byName(host.memberName()).orElseThrow();
        if (member.learner()) {
            run(host, RemoteCommand.of("systemctl enable --quiet etcd && systemctl start etcd").withTimeout(CATCH_UP_TIMEOUT),
                    "start etcd");
            awaitCaughtUp(host, voters);
            journal.begin(MembershipResume.JOIN, host.name(), MembershipResume.PROMOTE);
            promote(membership, host, member);
            journal.done(MembershipResume.JOIN, host.name(), MembershipResume.DONE);
        }
        reporter.finished(shown, "");
    }

    private void awaitCaughtUp(Host host, List<Host> voters) {
        RemoteEtcdctl etcdctl = etcdctl(voters);
        List<String> endpoints = new ArrayList<>(voters.stream().map(h -> h.clientUrl(cluster)).toList());
        String learnerUrl = host.clientUrl(cluster);
        endpoints.add(learnerUrl);
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        String last = "no status yet";
        reporter.progress("waiting for learner " + host.memberName() + " to catch up with the leader");
        while (System.nanoTime() < deadline) {
            List<EndpointStatus> status = etcdctl.status(endpoints);
            Optional<EndpointStatus> leader = status.stream().filter(EndpointStatus::isLeader).findFirst();
            Optional<EndpointStatus> learner = status.stream().filter(s -> s.endpoint().equals(learnerUrl)).findFirst();
            if (leader.isPresent() && learner.isPresent()) {
                long target = leader.get().raftIndex();
                long have = learner.get().raftAppliedIndex() > 0 ? learner.get().raftAppliedIndex() : learner.get().raftIndex();
                last = "learner at raft index " + have + ", leader at " + target;
                if (have >= (long) (target * IN_SYNC)) {
                    reporter.progress(host.memberName() + " caught up (" + last + ")");
                    return;
                }
            }
            dev.dcsprov.Shell.pause(500);
        }
        throw new DcsprovException(ExitCode.UNSAFE, "learner " + host.memberName() + " did not catch up within "
                + CATCH_UP_TIMEOUT.toSeconds() + " s", last + ". It stays a learner: it has no vote, so quorum is not at risk.",
                "see 'journalctl -u etcd' on " + host.name() + ", then run apply again: it resumes with the promotion");
    }

    private void promote(EtcdctlMembership membership, Host host, Member member) {
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        CommandResult last;
        do {
            last = membership.tryPromote(member.id());
            if (last.ok()) {
                reporter.progress("promoted " + host.memberName() + " (" + member.idHex() + ") to voter");
                return;
            }
            // "can only promote a learner member which is in sync with leader": wait and retry.
            dev.dcsprov.Shell.pause(1000);
        } while (System.nanoTime() < deadline);
        throw new DcsprovException(ExitCode.UNSAFE, "could not promote learner " + host.memberName(), last.stderr().strip()
                + ". It stays a learner without a vote; quorum is not at risk.",
                "see 'journalctl -u etcd' on " + host.name() + ", then run apply again: it resumes with the promotion");
    }

    private void run(Host host, RemoteCommand command, String what) {
        CommandResult r = hosts.connection(host.name()).run(command);
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "could not " + what + " on " + host.name(),
                    r.describe(), "see 'journalctl -u etcd' on " + host.name()
                    + "; the member stays a learner (no vote), so quorum is not at risk. Fix the cause and run apply again");
        }
    }

    private RemoteEtcdctl etcdctl(List<Host> voters) {
        return new RemoteEtcdctl(hosts.connection(voters.get(0).name()), paths.caCert(), paths.adminCert(), paths.adminKey());
    }

    private EtcdctlMembership membership(List<Host> voters) {
        return new EtcdctlMembership(etcdctl(voters), voters.stream().map(h -> h.clientUrl(cluster)).toList());
    }

    HealthGate gate(List<Host> members) {
        return new HealthGate(new EtcdctlCluster(etcdctl(members)), members.stream().map(h -> h.clientUrl(cluster)).toList());
    }
}
