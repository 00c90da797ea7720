package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.EtcdId;
import dev.dcsprov.etcd.MemberList;
import dev.dcsprov.etcd.Membership;
import dev.dcsprov.etcd.RemoteEtcdctl;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;

import java.util.List;
import java.util.Optional;

/** {@link EtcdCluster} through Debian's etcdctl on one member host, with dcsprov's admin certificate. */
public final class EtcdctlCluster implements EtcdCluster {
    private final RemoteEtcdctl etcdctl;
    private final Optional<VersionEndpoint> versions;

    public EtcdctlCluster(RemoteEtcdctl etcdctl) {
        this(etcdctl, Optional.empty());
    }

    public EtcdctlCluster(RemoteEtcdctl etcdctl, Optional<VersionEndpoint> versions) {
        this.etcdctl = etcdctl;
        this.versions = versions;
    }

    /** The same, asking the cluster version through {@code versions} (etcdctl cannot). */
    public EtcdctlCluster withVersions(VersionEndpoint versions) {
        return new EtcdctlCluster(etcdctl, Optional.of(versions));
    }

    @Override
    public Optional<String> clusterVersion(List<String> endpoints) {
        return versions.flatMap(v -> v.clusterVersion(endpoints));
    }

    /** etcdctl on {@code host} with the admin certificate where apply put it. */
    public static EtcdctlCluster via(Connection host, RemotePaths paths) {
        return new EtcdctlCluster(new RemoteEtcdctl(host, paths.caCert(), paths.adminCert(), paths.adminKey()));
    }

    public RemoteEtcdctl etcdctl() {
        return etcdctl;
    }

    @Override
    public String via() {
        return etcdctl.host();
    }

    @Override
    public MemberList memberList(List<String> endpoints) {
        return new Membership(etcdctl, endpoints).list();
    }

    @Override
    public List<EndpointHealth> health(List<String> endpoints) {
        return etcdctl.health(endpoints);
    }

    @Override
    public List<EndpointStatus> status(List<String> endpoints) {
        return etcdctl.status(endpoints);
    }

    @Override
    public void moveLeader(String leaderEndpoint, EtcdId to) {
        CommandResult r = etcdctl.run(List.of(leaderEndpoint), "move-leader " + to.hex());
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "etcdctl move-leader to " + to.hex() + " failed",
                    "etcdctl via " + etcdctl.host() + " against " + leaderEndpoint + ": " + r.stderr().strip(), "");
        }
    }

    @Override
    public MemberList addLearner(List<String> endpoints, String name, String peerUrl) {
        return new Membership(etcdctl, endpoints).addLearner(name, peerUrl);
    }

    @Override
    public Optional<String> tryPromote(List<String> endpoints, EtcdId id) {
        CommandResult r = new Membership(etcdctl, endpoints).tryPromote(id);
        return r.ok() ? Optional.empty() : Optional.of(r.stderr().strip());
    }

    @Override
    public void remove(List<String> endpoints, EtcdId id, String name) {
        new Membership(etcdctl, endpoints).remove(id, name);
    }
}
