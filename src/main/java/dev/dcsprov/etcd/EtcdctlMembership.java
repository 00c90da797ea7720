package dev.dcsprov.etcd;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.ssh.CommandResult;

import java.util.List;

import static dev.dcsprov.Shell.quote;

/**
 * etcd's membership API through Debian's etcdctl on a member host: list, add a learner, promote,
 * remove (leader moves: {@link dev.dcsprov.cluster.EtcdCluster#moveLeader}). Each call is one change; the callers decide when one is safe.
 */
public final class EtcdctlMembership {
    static final java.time.Duration ADD_RETRY = java.time.Duration.ofSeconds(30);
    private final RemoteEtcdctl etcdctl;
    private final List<String> endpoints;

    /** @param endpoints client URLs of started members; etcdctl uses whichever answers */
    public EtcdctlMembership(RemoteEtcdctl etcdctl, List<String> endpoints) {
        this.etcdctl = etcdctl;
        this.endpoints = List.copyOf(endpoints);
    }

    public RemoteEtcdctl etcdctl() {
        return etcdctl;
    }

    public MemberList list() {
        return EtcdctlJson.memberList(ok("member list -w json", "read the member list").stdout());
    }

    /** Adds a learner: it gets the log without a vote, so a slow or broken newcomer cannot cost quorum. */
    public MemberList addLearner(String name, String peerUrl) {
        String args = "member add " + quote(name) + " --peer-urls=" + quote(peerUrl) + " --learner -w json";
        // etcd refuses a member add with "unhealthy cluster" until every member has been connected to
        // the leader for 5 s, so right after an earlier change it must be retried for a little while.
        long deadline = System.nanoTime() + ADD_RETRY.toNanos();
        CommandResult r = etcdctl.run(endpoints, args);
        while (!r.ok() && r.stderr().contains("unhealthy cluster") && System.nanoTime() < deadline) {
            dev.dcsprov.Shell.pause(1000);
            r = etcdctl.run(endpoints, args);
        }
        check(r, args, "add member " + name);
        return list();
    }


    /** Returns etcdctl's result; "learner not in sync" is an expected failure the caller retries. */
    public CommandResult tryPromote(EtcdId id) {
        return etcdctl.run(endpoints, "member promote " + id.hex());
    }

    public void remove(EtcdId id, String name) {
        ok("member remove " + id.hex(), "remove member " + name + " (" + id.hex() + ")");
    }

    private CommandResult ok(String args, String what) {
        return check(etcdctl.run(endpoints, args), args, what);
    }

    private CommandResult check(CommandResult r, String args, String what) {
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "could not " + what,
                    "etcdctl " + args.split(" ")[0] + " via " + etcdctl.host() + " ended with exit status " + r.exitStatus()
                            + ": " + r.stderr().strip(),
                    "check the cluster with 'dcsprov member list INVENTORY', fix the cause and run the command again");
        }
        return r;
    }
}
