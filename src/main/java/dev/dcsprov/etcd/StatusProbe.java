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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
        Answers a = ask(urls);
        Set<String> answered = new HashSet<>(a.health().stream().map(EndpointHealth::endpoint).toList());
        List<EndpointHealth> allHealth = new ArrayList<>(a.health());
        urls.stream().filter(u -> !answered.contains(u))
                .forEach(u -> allHealth.add(new EndpointHealth(u, false, "", Optional.of("no answer"))));
        List<ClusterStatus.CertificateExpiry> certs = new ArrayList<>();
        for (String member : endpoints.keySet()) {
            Connection c = reachable.get(member);
            certs.add(c == null ? new ClusterStatus.CertificateExpiry(member, Optional.empty(), 0, "host unreachable")
                    : certificate(member, c, serverCert, now));
        }
        return new ClusterStatus(etcdctl.host(), a.members(), allHealth, a.status(), a.errors(), certs, unreachable);
    }

    /** What etcd said: member list, endpoint health, and the status of each endpoint that answered (errors for the rest). */
    private record Answers(List<ClusterStatus.MemberRow> members, List<EndpointHealth> health, List<EndpointStatus> status,
                           List<ClusterStatus.StatusError> errors) {
    }

    /**
     * Asks everything at once, each question in its own SSH session: a member that is down costs one
     * etcdctl timeout in total, not one per question. Endpoint status is asked per endpoint because
     * etcdctl stops listing at the first one that does not answer.
     */
    private Answers ask(List<String> urls) {
        ExecutorService pool = Executors.newFixedThreadPool(urls.size() + 2, r -> {
            Thread t = new Thread(r, "status-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletableFuture<CommandResult> list = CompletableFuture.supplyAsync(() -> etcdctl.run(urls, "member list -w json"), pool);
            CompletableFuture<List<EndpointHealth>> health = CompletableFuture.supplyAsync(() -> etcdctl.health(urls), pool);
            Map<String, CompletableFuture<CommandResult>> statusOf = new LinkedHashMap<>();
            urls.forEach(url -> statusOf.put(url, CompletableFuture.supplyAsync(() -> etcdctl.run(List.of(url), "endpoint status -w json"), pool)));

            List<ClusterStatus.MemberRow> members = new ArrayList<>();
            CommandResult listed = list.join();
            if (listed.ok() && !listed.stdout().isBlank()) {
                for (Member m : EtcdctlJson.members(listed.stdout().strip())) {
                    members.add(new ClusterStatus.MemberRow(m.idHex(), m.started() ? "started" : "unstarted", m.name(),
                            m.peerUrls(), m.clientUrls(), m.learner()));
                }
            }
            List<EndpointStatus> status = new ArrayList<>();
            List<ClusterStatus.StatusError> errors = new ArrayList<>();
            statusOf.forEach((url, f) -> {
                CommandResult r = f.join();
                if (r.ok() && !r.stdout().isBlank()) {
                    status.addAll(EtcdctlJson.endpointStatus(r.stdout().strip()));
                } else {
                    errors.add(new ClusterStatus.StatusError(url, lastLine(r.stderr())));
                }
            });
            return new Answers(members, health.join(), status, errors);
        } finally {
            pool.shutdownNow();
        }
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
