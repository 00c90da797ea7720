package dev.dcsprov.etcd;

import dev.dcsprov.pki.CertificateInfo;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.dcsprov.Shell.quote;

/**
 * Gathers {@link ClusterStatus} through one reachable member. A member that is down shows up as
 * unhealthy and without status; nothing about it makes the probe fail.
 */
public final class StatusProbe {
    private final RemoteEtcdctl etcdctl;

    public StatusProbe(RemoteEtcdctl etcdctl) {
        this.etcdctl = etcdctl;
    }

    /**
     * @param endpoints  member name -> client URL, for every member in the inventory
     * @param reachable  member name -> SSH connection, for the members that could be reached
     * @param serverCert path of each member's deployed certificate
     */
    public ClusterStatus gather(Map<String, String> endpoints, Map<String, Connection> reachable, String serverCert,
                                List<String> unreachable, Instant now) {
        List<String> urls = List.copyOf(endpoints.values());
        List<ClusterStatus.MemberRow> members = new ArrayList<>();
        CommandResult list = etcdctl.run(urls, "member list -w json");
        if (list.ok() && !list.stdout().isBlank()) {
            for (Member m : EtcdctlJson.members(list.stdout().strip())) {
                members.add(new ClusterStatus.MemberRow(m.idHex(), m.started() ? "started" : "unstarted", m.name(),
                        m.peerUrls(), m.clientUrls(), m.learner()));
            }
        }
        List<EndpointHealth> health = etcdctl.health(urls);
        List<EndpointStatus> status = new ArrayList<>();
        List<ClusterStatus.StatusError> errors = new ArrayList<>();
        // One endpoint at a time: etcdctl stops listing at the first one that does not answer.
        for (String url : urls) {
            CommandResult r = etcdctl.run(List.of(url), "endpoint status -w json");
            if (r.ok() && !r.stdout().isBlank()) {
                status.addAll(EtcdctlJson.endpointStatus(r.stdout().strip()));
            } else {
                errors.add(new ClusterStatus.StatusError(url, lastLine(r.stderr())));
            }
        }
        Set<String> answered = new HashSet<>(health.stream().map(EndpointHealth::endpoint).toList());
        List<EndpointHealth> allHealth = new ArrayList<>(health);
        urls.stream().filter(u -> !answered.contains(u))
                .forEach(u -> allHealth.add(new EndpointHealth(u, false, "", Optional.of("no answer"))));
        List<ClusterStatus.CertificateExpiry> certs = new ArrayList<>();
        for (String member : endpoints.keySet()) {
            Connection c = reachable.get(member);
            certs.add(c == null ? new ClusterStatus.CertificateExpiry(member, Optional.empty(), 0, "host unreachable")
                    : certificate(member, c, serverCert, now));
        }
        return new ClusterStatus(etcdctl.host(), members, allHealth, status, errors, certs, unreachable);
    }

    private static ClusterStatus.CertificateExpiry certificate(String member, Connection c, String path, Instant now) {
        CommandResult r = c.run(RemoteCommand.of("cat " + quote(path)).withTimeout(Duration.ofSeconds(20)));
        if (!r.ok()) {
            return new ClusterStatus.CertificateExpiry(member, Optional.empty(), 0, lastLine(r.stderr()));
        }
        try {
            CertificateInfo info = CertificateInfo.parse(r.stdout().getBytes(StandardCharsets.US_ASCII));
            return new ClusterStatus.CertificateExpiry(member, Optional.of(info.notAfter()), info.daysLeft(now), "");
        } catch (IOException | RuntimeException e) {
            return new ClusterStatus.CertificateExpiry(member, Optional.empty(), 0, "not a certificate: " + e.getMessage());
        }
    }

    private static String lastLine(String text) {
        List<String> lines = text.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

}
