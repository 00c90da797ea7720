package dev.dcsprov.etcd;

import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.time.Duration;
import java.util.List;
import java.util.Optional;


/**
 * Debian's etcdctl, run on a member host over SSH with dcsprov's admin client certificate
 * (CN=root, so it is the root user once auth is on). Only paths go on the command line.
 */
public final class RemoteEtcdctl {
    private final Connection via;
    private final String caCert;
    private final String cert;
    private final String key;

    public RemoteEtcdctl(Connection via, String caCert, String cert, String key) {
        this.via = via;
        this.caCert = caCert;
        this.cert = cert;
        this.key = key;
    }

    public String host() {
        return via.hostName();
    }

    public CommandResult run(List<String> endpoints, String args) {
        return run(endpoints, args, Duration.ofSeconds(5));
    }

    /** With a longer command timeout, for work that takes as long as the data (defragmentation, compaction). */
    public CommandResult run(List<String> endpoints, String args, Duration commandTimeout) {
        String script = new EtcdctlInvocation(endpoints, caCert, cert, key).exec()
                + " --dial-timeout=2s --command-timeout=" + commandTimeout.toSeconds() + "s " + args;
        return via.run(RemoteCommand.of(script).withTimeout(commandTimeout.plusSeconds(25)));
    }

    /** Health of each endpoint; an unreachable endpoint is reported unhealthy, not thrown. */
    public List<EndpointHealth> health(List<String> endpoints) {
        CommandResult r = run(endpoints, "endpoint health -w json");
        String out = r.stdout().strip();
        if (out.isEmpty()) {
            return endpoints.stream().map(e -> new EndpointHealth(e, false, "", Optional.of(r.stderr().strip()))).toList();
        }
        return EtcdctlJson.endpointHealth(out);
    }

    public List<EndpointStatus> status(List<String> endpoints) {
        CommandResult r = run(endpoints, "endpoint status -w json");
        String out = r.stdout().strip();
        return out.isEmpty() ? List.of() : EtcdctlJson.endpointStatus(out);
    }
}
