package dev.dcsprov.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.ClusterStatus;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.RemoteEtcdctl;
import dev.dcsprov.etcd.StatusProbe;
import dev.dcsprov.apply.ScheduledMaintenance;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.maintain.Bytes;
import dev.dcsprov.maintain.MemberSpace;
import dev.dcsprov.maintain.SpaceReport;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.PatroniHost;
import dev.dcsprov.patroni.PatroniFacts;
import dev.dcsprov.patroni.PatroniProbe;
import dev.dcsprov.patroni.PatroniStatus;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.Connections;
import dev.dcsprov.ssh.HostKeyPolicy;
import dev.dcsprov.ssh.SshConnector;
import picocli.CommandLine.Command;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** dcsprov status: the cluster as etcdctl sees it, through any member that can be reached. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the member list, endpoint health, endpoint status and certificate expiry of every member.",
                "Space per member: database size, size in use, quota (etcd_quota_backend_bytes) and the share used, and the alarms each member raised.",
                "Exit code 0 only when every member answers, with one cluster ID, one agreed leader and no alarms (as apply requires), else 7; "
                        + "11 when healthy but a member's database is above --quota-warn percent of the quota. Changes nothing."})
final class StatusCommand extends InventoryCommand {
    @picocli.CommandLine.Option(names = "--quota-warn", paramLabel = "PCT", description = "Exit 11 when a member's database file is above "
            + "PCT percent of the quota (default ${DEFAULT-VALUE}; etcd refuses writes with a NOSPACE alarm at 100)")
    int quotaWarn = 80;

    @Override
    public Integer call() throws JsonProcessingException {
        if (quotaWarn < 1 || quotaWarn > 100) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--quota-warn takes a percentage from 1 to 100");
        }
        Inventory inventory = loadInventory();
        RemotePaths paths = RemotePaths.of(inventory.cluster());
        HostKeyPolicy policy = options.acceptNewHostKeys
                ? HostKeyPolicy.acceptNew(inventory.cluster().knownHostsFiles())
                : HostKeyPolicy.strict(inventory.cluster().knownHostsFiles());
        // Tolerant: a member that cannot be reached is part of the answer, not a reason to give none.
        Connections connections = Connections.open(new SshConnector(),
                inventory.allHosts().stream().map(InventoryCommand::target).toList(), policy, Math.max(1, options.forks));
        try {
            Map<String, Connection> open = connections.open();
            if (open.isEmpty()) {
                // Each failure's summary names its host; the first one's fix is the likeliest for all.
                throw new DcsprovException(ExitCode.UNREACHABLE, "no member could be reached over SSH",
                        String.join("\n", connections.failed().values().stream().map(e -> "- " + e.summary()).toList()),
                        connections.failed().values().stream().map(e -> e.fix().orElse("")).filter(f -> !f.isEmpty()).findFirst()
                                .orElse("check the hosts and the network, then run status again"));
            }
            Map<String, String> endpoints = new LinkedHashMap<>();
            for (Host h : inventory.members()) {
                endpoints.put(h.name(), h.clientUrl(inventory.cluster()));
            }
            Connection via = inventory.members().stream().map(Host::name).filter(open::containsKey).map(open::get).findFirst()
                    .orElseThrow(() -> new DcsprovException(ExitCode.UNREACHABLE, "no member could be reached over SSH",
                            String.join("\n", connections.failed().values().stream().map(e -> "- " + e.summary()).toList()),
                            "check the hosts and the network, then run status again"));
            List<String> unreachable = connections.failed().entrySet().stream()
                    .map(e -> e.getValue().summary()).toList();
            ClusterStatus status = new StatusProbe(new RemoteEtcdctl(via, paths.caCert(), paths.adminCert(), paths.adminKey()))
                    .gather(endpoints, open, paths.serverCert(), unreachable, Instant.now());
            boolean healthy = status.healthy(inventory.members().size());
            long quota = inventory.cluster().tuning().quotaBackendBytes();
            List<SpaceReport.Row> space = SpaceReport.rows(status.status(), ClusterMember.of(inventory.members(), inventory.cluster()), quota);
            List<MemberSpace> overQuota = SpaceReport.above(space, quotaWarn);
            List<String> patroniUnanswered = new ArrayList<>();
            List<PatroniStatus> patroni = patroni(inventory, open, patroniUnanswered);
            List<dev.dcsprov.journal.InterruptedOperation> interrupted = interrupted(inventory, open);
            Map<String, String> lastMaintenance = lastMaintenance(open);
            if (options.output == RunOptions.OutputFormat.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("cluster", inventory.cluster().name());
                doc.put("healthy", healthy);
                doc.put("problems", problems(status, inventory));
                // "interrupted" is the newest; "interrupted_operations" every one (each operation keeps its own record).
                doc.put("interrupted", interrupted.isEmpty() ? null : interrupted.get(0).json());
                doc.put("interrupted_operations", interrupted.stream().map(dev.dcsprov.journal.InterruptedOperation::json).toList());
                doc.put("via", status.via());
                doc.put("unreachable", status.unreachable());
                doc.put("members", status.members());
                doc.put("endpoint_health", status.health().stream().map(h -> Map.of("endpoint", h.endpoint(),
                        "health", h.healthy(), "took", h.took(), "error", h.error().orElse(""))).toList());
                List<Map<String, Object>> st = new ArrayList<>();
                for (EndpointStatus e : status.status()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("endpoint", e.endpoint());
                    m.put("id", e.header().memberId().hex());
                    m.put("version", e.version());
                    m.put("db_size", e.dbSize());
                    m.put("is_leader", e.isLeader());
                    m.put("is_learner", e.learner());
                    m.put("raft_term", e.raftTerm());
                    m.put("raft_index", e.raftIndex());
                    m.put("raft_applied_index", e.raftAppliedIndex());
                    m.put("errors", e.errors());
                    st.add(m);
                }
                status.statusErrors().forEach(e -> st.add(Map.of("endpoint", e.endpoint(), "errors", List.of(e.error()))));
                doc.put("endpoint_status", st);
                doc.put("quota_warn_percent", quotaWarn);
                doc.put("scheduled_maintenance", lastMaintenance);
                doc.put("space", space.stream().map(r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("member", r.space().member());
                    m.put("db_size", r.space().dbSize());
                    m.put("db_size_in_use", r.space().inUse());
                    m.put("quota", r.space().quota());
                    m.put("quota_percent", r.space().quotaPercent());
                    m.put("reclaimable_percent", r.space().reclaimablePercent());
                    m.put("above_quota_warn", overQuota.contains(r.space()));
                    m.put("alarms", r.alarms());
                    return m;
                }).toList());
                doc.put("certificates", status.certificates().stream().map(c -> Map.of("member", c.member(),
                        "not_after", c.notAfter().map(Instant::toString).orElse(""), "days_left", c.daysLeft(), "error", c.error())).toList());
                if (!inventory.patroni().isEmpty()) {
                    doc.put("patroni", patroni.stream().map(p -> Map.of("scope", p.scope(), "leader", p.leader(),
                            "members", p.members(), "asked_on", p.askedOn())).toList());
                    doc.put("patroni_unanswered", patroniUnanswered);
                }
                printJson(doc);
            } else {
                text(status, healthy, inventory, space, overQuota, lastMaintenance);
                patroniText(inventory, patroni, patroniUnanswered);
                interrupted.forEach(i -> i.lines().forEach(out()::println));
            }
            out().flush();
            return !healthy ? ExitCode.UNHEALTHY.code() : !overQuota.isEmpty() ? ExitCode.QUOTA.code() : ExitCode.OK.code();
        } finally {
            connections.close();
        }
    }

    private void text(ClusterStatus s, boolean healthy, Inventory inventory, List<SpaceReport.Row> space, List<MemberSpace> overQuota,
                      Map<String, String> lastMaintenance) {
        out().println("Cluster '" + inventory.cluster().name() + "' (etcdctl on " + s.via() + ")");
        s.unreachable().forEach(u -> out().println("  unreachable over SSH: " + u));
        out().println();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"));
        s.members().forEach(m -> rows.add(List.of(m.id(), m.status(), m.name(), String.join(",", m.peerUrls()),
                String.join(",", m.clientUrls()), String.valueOf(m.learner()))));
        table("Members", rows);
        rows.clear();
        rows.add(List.of("ENDPOINT", "HEALTH", "TOOK", "ERROR"));
        for (EndpointHealth h : s.health()) {
            rows.add(List.of(h.endpoint(), String.valueOf(h.healthy()), h.took(), h.error().orElse("")));
        }
        table("Endpoint health", rows);
        rows.clear();
        rows.add(List.of("ENDPOINT", "ID", "VERSION", "DB SIZE", "IS LEADER", "IS LEARNER", "RAFT TERM", "RAFT INDEX",
                "RAFT APPLIED INDEX", "ERRORS"));
        for (EndpointStatus e : s.status()) {
            rows.add(List.of(e.endpoint(), e.header().memberId().hex(), e.version(), bytes(e.dbSize()),
                    String.valueOf(e.isLeader()), String.valueOf(e.learner()), String.valueOf(e.raftTerm()),
                    String.valueOf(e.raftIndex()), String.valueOf(e.raftAppliedIndex()), String.join("; ", e.errors())));
        }
        s.statusErrors().forEach(e -> rows.add(List.of(e.endpoint(), "", "", "", "", "", "", "", "", e.error())));
        table("Endpoint status", rows);
        rows.clear();
        rows.add(List.of("MEMBER", "NOT AFTER", "DAYS LEFT", "ERROR"));
        s.certificates().forEach(c -> rows.add(List.of(c.member(), c.notAfter().map(Instant::toString).orElse(""),
                c.notAfter().isPresent() ? String.valueOf(c.daysLeft()) : "", c.error())));
        table("Certificates", rows);
        spaceTable(space);
        if (!lastMaintenance.isEmpty()) {
            rows.clear();
            rows.add(List.of("MEMBER", "LAST SCHEDULED MAINTENANCE"));
            lastMaintenance.forEach((m, line) -> rows.add(List.of(m, line)));
            table("Scheduled maintenance", rows);
        }
        out().println(healthy ? "healthy: every member answers, with one cluster ID, one leader and no alarms"
                : "NOT HEALTHY: " + String.join("; ", problems(s, inventory)));
        if (!overQuota.isEmpty()) {
            out().println((healthy ? "QUOTA: " : "also: ") + String.join(", ", overQuota.stream().map(m -> m.member() + " at "
                    + m.quotaPercent() + "%").toList()) + " of the quota, above --quota-warn " + quotaWarn
                    + "%: run 'dcsprov maintain' (compaction and defragmentation), or raise etcd_quota_backend_bytes");
        }
    }

    /** The outcome line each member's scheduled maintenance left (dcsprov_maintenance_schedule), for members that have one. */
    private static Map<String, String> lastMaintenance(Map<String, Connection> open) {
        Map<String, String> last = new java.util.TreeMap<>();
        open.forEach((member, c) -> {
            var r = c.run(dev.dcsprov.ssh.RemoteCommand.of("cat " + ScheduledMaintenance.LAST + " 2>/dev/null || true")
                    .withTimeout(java.time.Duration.ofSeconds(20)));
            String line = r.stdout().strip();
            if (!line.isEmpty()) {
                last.put(member, line.lines().findFirst().orElse(""));
            }
        });
        return last;
    }

    /** Space per member, after the verdict on health: the figures to act on with 'dcsprov maintain'. */
    private void spaceTable(List<SpaceReport.Row> space) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("MEMBER", "DB SIZE", "IN USE", "RECLAIMABLE", "QUOTA", "USED", "ALARMS"));
        for (SpaceReport.Row r : space) {
            MemberSpace m = r.space();
            rows.add(List.of(m.member(), Bytes.show(m.dbSize()), Bytes.show(m.inUse()), m.reclaimablePercent() + "%",
                    Bytes.show(m.quota()), m.quotaPercent() + "%", String.join(",", r.alarms())));
        }
        table("Space", rows);
    }

    /** Patroni's own view of each of its clusters, asked on the Patroni hosts (their REST API on the host itself). */
    private static List<PatroniStatus> patroni(Inventory inventory, Map<String, Connection> open, List<String> unanswered) {
        Map<String, PatroniFacts> facts = new LinkedHashMap<>();
        for (PatroniHost p : inventory.patroni()) {
            if (!open.containsKey(p.name())) {
                unanswered.add(p.name() + ": unreachable over SSH");
                continue;
            }
            try {
                facts.put(p.name(), PatroniProbe.read(open.get(p.name()), p));
            } catch (DcsprovException e) {
                unanswered.add(p.name() + ": " + e.summary());
            }
        }
        return PatroniStatus.of(facts, unanswered);
    }

    private void patroniText(Inventory inventory, List<PatroniStatus> clusters, List<String> unanswered) {
        if (inventory.patroni().isEmpty()) {
            return;
        }
        out().println();
        for (PatroniStatus c : clusters) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("MEMBER", "HOST", "ROLE", "STATE", "TIMELINE", "LAG"));
            c.members().forEach(m -> rows.add(List.of(String.valueOf(m.get("name")), String.valueOf(m.get("host")),
                    String.valueOf(m.get("role")), String.valueOf(m.get("state")), String.valueOf(m.get("timeline")),
                    String.valueOf(m.get("lag")))));
            table("Patroni cluster '" + c.scope() + "': leader " + (c.leader().isEmpty() ? "NONE" : c.leader())
                    + " (as Patroni on " + c.askedOn() + " reports it)", rows);
        }
        unanswered.forEach(u -> out().println("Patroni on " + u));
    }

    /** A run that did not end, from the local journal and the members' (read with cat; a member that cannot say is skipped). */
    private static List<dev.dcsprov.journal.InterruptedOperation> interrupted(Inventory inventory, Map<String, Connection> open) {
        Map<String, dev.dcsprov.journal.JournalEntry> members = new LinkedHashMap<>();
        for (Host h : inventory.members()) {
            Connection c = open.get(h.name());
            if (c != null) {
                try {
                    dev.dcsprov.journal.HostJournals.read(c).ifPresent(e -> members.put(h.name(), e));
                } catch (RuntimeException e) {
                    // status reports what it can: this member's journal is simply not shown
                }
            }
        }
        return dev.dcsprov.journal.InterruptedOperation.all(dev.dcsprov.journal.Journal.readAll(inventory.cluster().pkiDir()), members);
    }

    /** Why not healthy, as the gates of apply and rotate-certs would say it. */
    private static List<String> problems(ClusterStatus s, Inventory inventory) {
        List<String> problems = new ArrayList<>(s.unreachable().stream().map(u -> "unreachable over SSH: " + u).toList());
        if (s.health().size() != inventory.members().size()) {
            problems.add("endpoint health answered for " + s.health().size() + " of " + inventory.members().size() + " members");
        }
        problems.addAll(s.judge().problems());
        return problems;
    }

    private void table(String title, List<List<String>> rows) {
        out().println(title);
        int[] width = new int[rows.get(0).size()];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < r.size(); i++) {
                line.append(String.format("%-" + width[i] + "s", r.get(i))).append(i < r.size() - 1 ? "  " : "");
            }
            out().println(line.toString().stripTrailing());
        }
        out().println();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        String[] units = {"kB", "MB", "GB", "TB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
