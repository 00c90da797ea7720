package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.NodeExporter;
import dev.dcsprov.inventory.PromDuration;
import dev.dcsprov.monitoring.AlertRules;
import dev.dcsprov.monitoring.ClientTls;
import dev.dcsprov.monitoring.ExpiringCertificate;
import dev.dcsprov.monitoring.PackFiles;
import dev.dcsprov.monitoring.ScrapeConfig;
import dev.dcsprov.monitoring.ScrapeTarget;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.pki.StoredCertificate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** dcsprov monitoring: a Prometheus scrape config and alert rules for the cluster, from the inventory and the local PKI. No SSH. */
@Command(name = "monitoring", mixinStandardHelpOptions = true,
        description = {"Writes prometheus-etcd.yml (a scrape job for every member) and etcd-alerts.yml (alert rules).",
                "Without etcd_metrics_port the job scrapes https on the client port with the client certificate "
                        + "clients/prometheus of the local PKI (issued here if missing).",
                "Connects to no host. Run it again after a membership change or a certificate renewal."})
final class MonitoringCommand extends InventoryCommand implements ConnectsToNoHost {
    static final String CLIENT = "prometheus";
    private static final String DURATION = "([0-9]+(ms|s|m|h|d|w|y))+";

    @Option(names = "--out", paramLabel = "DIR", description = "Directory for the two files (default: the current directory).")
    Path out = Path.of(".");

    @Option(names = "--interval", paramLabel = "DURATION", description = "Scrape and rule evaluation interval (default: ${DEFAULT-VALUE}).")
    String interval = "15s";

    @Option(names = "--alert-for", paramLabel = "DURATION",
            description = "How long a condition must hold before its alert fires (default: ${DEFAULT-VALUE}; the learner rule keeps 15m).")
    String alertFor = "1m";

    @Override
    public Integer call() {
        checkDuration("--interval", interval);
        checkDuration("--alert-for", alertFor);
        Inventory inventory = loadInventory();
        ClusterSettings cluster = inventory.cluster();
        PkiStore pki = new PkiStore(cluster.pkiDir());
        if (!Files.exists(pki.caCertificateFile())) {
            throw new DcsprovException(ExitCode.PKI, "no local CA in " + pki.directory(),
                    "dcsprov monitoring writes certificate expiry rules from the local PKI and, without etcd_metrics_port, "
                            + "a client certificate for Prometheus; dcsprov apply creates the PKI.",
                    "run 'dcsprov apply " + options.inventory + "' first, or set dcsprov_pki_dir to where the PKI is");
        }
        Optional<ClientTls> tls = Optional.empty();
        if (cluster.tuning().metricsPort().isEmpty()) {
            pki.ensureClientCertificate(CLIENT, cluster.keyAlgorithm(), cluster.certDays(), cluster.renewBeforeDays());
            tls = Optional.of(new ClientTls(pki.clientTrustFile().toAbsolutePath(),
                    pki.clientCertificateFile(CLIENT).toAbsolutePath(), pki.clientKeyFile(CLIENT).toAbsolutePath()));
        }
        List<ScrapeTarget> targets = inventory.members().stream().map(h -> target(h, cluster)).toList();
        Optional<NodeExporter> node = cluster.backup().nodeExporter();
        List<ScrapeTarget> nodeTargets = node.map(n -> inventory.members().stream().map(h -> nodeTarget(h, cluster, n)).toList())
                .orElse(List.of());
        ScrapeConfig scrape = new ScrapeConfig(cluster.name(), targets, tls, interval, PackFiles.RULES_FILE, nodeTargets);
        // The snapshot rules need node_exporter (where the metrics are) and a schedule (what makes them due).
        Optional<AlertRules.SnapshotAlerts> snapshots = node.flatMap(n -> cluster.backup().snapshotMaxAge())
                .map(age -> new AlertRules.SnapshotAlerts(scrape.nodeJobName(), age));
        AlertRules rules = new AlertRules(scrape.jobName(), alertFor, certificates(pki, cluster), snapshots);

        Map<String, String> files = new LinkedHashMap<>();
        files.put(PackFiles.SCRAPE_FILE, scrape.render());
        files.put(PackFiles.RULES_FILE, rules.render());
        List<Path> written = PackFiles.write(out, files);
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("files", written.stream().map(Path::toString).toList());
            doc.put("job", scrape.jobName());
            doc.put("targets", targets.stream().map(ScrapeTarget::address).toList());
            doc.put("scheme", tls.isPresent() ? "https" : "http");
            tls.ifPresent(t -> doc.put("client_certificate", t.certFile().toString()));
            if (!nodeTargets.isEmpty()) {
                doc.put("node_exporter_job", scrape.nodeJobName());
                doc.put("node_exporter_targets", nodeTargets.stream().map(ScrapeTarget::address).toList());
            }
            snapshots.ifPresent(a -> doc.put("snapshot_max_age_seconds", a.maxAge().getSeconds()));
            doc.put("rules", rules.rules().size());
            printJson(doc);
            return ExitCode.OK.code();
        }
        written.forEach(p -> out().println("wrote " + p));
        out().println(targets.size() + " targets (" + (tls.isPresent() ? "https, client certificate " + CLIENT : "http, etcd_metrics_port")
                + ")" + (nodeTargets.isEmpty() ? "" : ", " + nodeTargets.size() + " node_exporter targets")
                + snapshots.map(a -> " (snapshot age alert above " + PromDuration.format(a.maxAge()) + ")").orElse("")
                + ", " + rules.rules().size() + " rules; start Prometheus with --config.file=" + written.get(0));
        out().flush();
        return ExitCode.OK.code();
    }

    /** The advertise address, on the metrics port when there is one (it listens on the same addresses as the client port). */
    static ScrapeTarget target(Host h, ClusterSettings c) {
        return onPort(h, c, c.tuning().metricsPort().orElse(c.clientPort()));
    }

    /** The member's advertise address on node_exporter's port. */
    static ScrapeTarget nodeTarget(Host h, ClusterSettings c, NodeExporter n) {
        return onPort(h, c, n.port());
    }

    /** The member's advertise address (the host part of its client URL) on {@code port}. */
    private static ScrapeTarget onPort(Host h, ClusterSettings c, int port) {
        String hostPort = URI.create(h.clientUrl(c)).getRawAuthority();
        return new ScrapeTarget(h.memberName(), hostPort.substring(0, hostPort.lastIndexOf(':') + 1) + port);
    }

    private static List<ExpiringCertificate> certificates(PkiStore pki, ClusterSettings c) {
        Duration before = Duration.ofDays(c.renewBeforeDays());
        return pki.list().stream().filter(s -> s.info().isPresent()).map(s -> certificate(s, before)).toList();
    }

    private static ExpiringCertificate certificate(StoredCertificate s, Duration renewBefore) {
        String name = s.kind().equals("ca") ? "ca" : s.kind() + " " + s.name();
        var notAfter = s.info().orElseThrow().notAfter();
        // The CA has no renewal threshold of its own (rotate-certs --ca replaces it): warned as early as a leaf.
        return new ExpiringCertificate(name, notAfter, notAfter.minus(renewBefore));
    }

    private static void checkDuration(String option, String value) {
        if (!value.matches(DURATION)) {
            throw new DcsprovException(ExitCode.USAGE, option + " '" + value + "' is not a Prometheus duration",
                    "Prometheus takes a number with a unit: ms, s, m, h, d, w or y.", "for example: " + option + " 30s");
        }
    }
}
