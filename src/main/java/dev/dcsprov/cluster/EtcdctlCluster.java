package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.EtcdId;
import dev.dcsprov.etcd.MemberList;
import dev.dcsprov.etcd.EtcdctlMembership;
import dev.dcsprov.etcd.RemoteEtcdctl;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        return new EtcdctlMembership(etcdctl, endpoints).list();
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
        return new EtcdctlMembership(etcdctl, endpoints).addLearner(name, peerUrl);
    }

    @Override
    public Optional<String> tryPromote(List<String> endpoints, EtcdId id) {
        CommandResult r = new EtcdctlMembership(etcdctl, endpoints).tryPromote(id);
        return r.ok() ? Optional.empty() : Optional.of(r.stderr().strip());
    }

    @Override
    public void remove(List<String> endpoints, EtcdId id, String name) {
        new EtcdctlMembership(etcdctl, endpoints).remove(id, name);
    }

    /** {@code etcdctl alarm list} prints one "memberID:<decimal> alarm:<TYPE>" per line. */
    private static final Pattern ALARM = Pattern.compile("memberID:(\\d+)\\s+alarm:([A-Z_]+)");
    /** Long enough for a 8 GiB database on a slow disk; etcd answers once the member is done. */
    static final Duration DEFRAG_TIMEOUT = Duration.ofMinutes(10);

    @Override
    public List<Alarm> alarms(List<String> endpoints) {
        CommandResult r = etcdctl.run(endpoints, "alarm list");
        if (!r.ok()) {
            throw failed("alarm list", endpoints, r);
        }
        return parseAlarms(r.stdout());
    }

    /** The alarms in etcdctl's text, also as etcd lists them in endpoint status {@code errors}. */
    public static List<Alarm> parseAlarms(String text) {
        List<Alarm> alarms = new ArrayList<>();
        Matcher m = ALARM.matcher(text);
        while (m.find()) {
            alarms.add(new Alarm(EtcdId.fromDecimal(m.group(1)), m.group(2)));
        }
        return alarms;
    }

    @Override
    public void disarmAlarms(List<String> endpoints) {
        CommandResult r = etcdctl.run(endpoints, "alarm disarm");
        if (!r.ok()) {
            throw failed("alarm disarm", endpoints, r);
        }
    }

    @Override
    public void compact(List<String> endpoints, long revision) {
        CommandResult r = etcdctl.run(endpoints, "compact --physical " + revision, DEFRAG_TIMEOUT);
        if (!r.ok() && !r.stderr().contains("required revision has been compacted")) {
            throw failed("compact " + revision, endpoints, r);
        }
    }

    @Override
    public void forceBackendCommit(List<String> endpoints) {
        CommandResult r = etcdctl.run(endpoints, "lease grant 1");
        if (!r.ok()) {
            throw failed("lease grant 1", endpoints, r);
        }
    }

    @Override
    public void defragment(String endpoint) {
        CommandResult r = etcdctl.run(List.of(endpoint), "defrag", DEFRAG_TIMEOUT);
        if (!r.ok()) {
            throw failed("defrag", List.of(endpoint), r);
        }
    }

    private DcsprovException failed(String what, List<String> endpoints, CommandResult r) {
        return new DcsprovException(ExitCode.HOST_FAILED, "etcdctl " + what + " failed",
                "etcdctl via " + etcdctl.host() + " against " + String.join(",", endpoints) + ": " + r.stderr().strip(), "");
    }
}
