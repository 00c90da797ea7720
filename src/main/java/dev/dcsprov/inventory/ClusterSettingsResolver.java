package dev.dcsprov.inventory;

import dev.dcsprov.pki.KeyAlgorithm;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Builds {@link ClusterSettings} from one member's merged variables. Each member is resolved on its own;
 * {@link ClusterConsistency} then checks that they all agree.
 */
final class ClusterSettingsResolver {
    static final String NAME_PATTERN = "[a-z0-9][a-z0-9-]*";

    private final LocalPaths paths;

    ClusterSettingsResolver(LocalPaths paths) {
        this.paths = paths;
    }

    /** The settings, or empty if a value was unusable (already reported). */
    Optional<ClusterSettings> resolve(VarReader vars) {
        String name = vars.string("etcd_cluster_name", "dcs");
        if (!name.matches(NAME_PATTERN)) {
            vars.error(vars.var("etcd_cluster_name").orElseThrow(), "etcd_cluster_name '" + name
                            + "' must be lowercase letters, digits and '-', starting with a letter or digit",
                    "for example: " + name.toLowerCase().replaceAll("[^a-z0-9-]", "-").replaceFirst("^-+", ""));
        }
        String token = vars.string("etcd_cluster_token", name + "-token");
        String configDir = hostDir(vars, "etcd_config_dir", "/etc/dcs");
        String dataDir = hostDir(vars, "etcd_data_dir", "/var/lib/etcd/" + name);
        String configFile = hostFile(vars, "etcd_config_file", configDir + "/etcd");
        String certDir = hostDir(vars, "etcd_cert_dir", configDir + "/cert");

        int clientPort = vars.integer("etcd_client_port", 2379, 1, 65535);
        int peerPort = vars.integer("etcd_peer_port", 2380, 1, 65535);
        if (clientPort == peerPort) {
            Var at = vars.var("etcd_peer_port").or(() -> vars.var("etcd_client_port")).orElseThrow();
            vars.error(at, "etcd_client_port and etcd_peer_port are both " + clientPort + "; etcd needs two ports",
                    "use different ports, by default 2379 for clients and 2380 for peers");
        }

        EtcdTuning tuning = tuning(vars);
        tuning.metricsPort().ifPresent(m -> {
            if (m == clientPort || m == peerPort) {
                vars.error(vars.var("etcd_metrics_port").orElseThrow(), "etcd_metrics_port " + m + " is also the "
                        + (m == clientPort ? "client" : "peer") + " port; etcd would fail to bind it twice",
                        "use a port of its own, e.g. 2381, or remove etcd_metrics_port to serve /metrics on the client port");
            }
        });
        Optional<String> aptProxy = vars.string("dcsprov_apt_proxy");
        aptProxy.ifPresent(url -> checkProxy(vars, url));
        Path pkiDir = vars.string("dcsprov_pki_dir").map(paths::resolve)
                .orElse(paths.inventoryDir().resolve("pki").resolve(name));
        KeyAlgorithm algorithm = keyAlgorithm(vars);
        int certDays = vars.integer("dcsprov_cert_days", 365, 1, 36500);
        int caDays = vars.integer("dcsprov_ca_days", 3650, 1, 36500);
        int renewBefore = vars.integer("dcsprov_cert_renew_before_days", 30, 0, 36500);
        if (renewBefore >= certDays) {
            Var at = vars.var("dcsprov_cert_renew_before_days").or(() -> vars.var("dcsprov_cert_days")).orElseThrow();
            vars.error(at, "dcsprov_cert_renew_before_days (" + renewBefore + ") must be less than dcsprov_cert_days ("
                    + certDays + "), or every run would renew the certificates", "");
        }
        List<Path> knownHosts = vars.stringList("dcsprov_known_hosts", true).orElse(List.of())
                .stream().map(paths::resolve).toList();
        Optional<Path> templateDir = vars.string("dcsprov_template_dir").map(paths::resolve);
        BackupSettings backup = backup(vars, name);
        backup.nodeExporter().ifPresent(n -> {
            int m = tuning.metricsPort().orElse(-1);
            if (n.port() == clientPort || n.port() == peerPort || n.port() == m) {
                vars.error(vars.var("etcd_node_exporter_port").orElseThrow(), "etcd_node_exporter_port " + n.port()
                        + " is also etcd's " + (n.port() == clientPort ? "client" : n.port() == peerPort ? "peer" : "metrics")
                        + " port; node_exporter and etcd cannot both listen on it", "node_exporter's own port, Debian's default 9100");
            }
        });
        EtcdSource source = etcdSource(vars);
        Optional<String> maintenance = calendar(vars, "dcsprov_maintenance_schedule");

        if (vars.failed()) {
            return Optional.empty();
        }
        return Optional.of(new ClusterSettings(name, token, dataDir, configDir, configFile, certDir, clientPort, peerPort,
                tuning, aptProxy, pkiDir, algorithm, certDays, caDays, renewBefore, List.of(), knownHosts, templateDir, backup, source,
                maintenance));
    }

    private EtcdSource etcdSource(VarReader vars) {
        Optional<String> release = vars.string("etcd_package_release").map(String::strip);
        release.ifPresent(r -> {
            // A codename goes into an apt source line and a pin: letters only.
            if (!r.matches("[a-z]+")) {
                vars.error(vars.var("etcd_package_release").orElseThrow(), "etcd_package_release '" + r
                        + "' is not a Debian release codename", "for example: trixie");
            }
        });
        Optional<Path> tarball = vars.string("etcd_tarball").map(paths::resolve);
        Optional<String> sha = vars.string("etcd_tarball_sha256").map(s -> s.strip().toLowerCase(java.util.Locale.ROOT));
        if (tarball.isPresent() && release.isPresent()) {
            vars.error(vars.var("etcd_tarball").orElseThrow(), "etcd_tarball and etcd_package_release are both set; etcd comes from one place",
                    "keep one of them");
        }
        if (tarball.isPresent() && sha.isEmpty()) {
            vars.error(vars.var("etcd_tarball").orElseThrow(), "etcd_tarball needs etcd_tarball_sha256",
                    "add etcd_tarball_sha256: the output of 'sha256sum " + tarball.get() + "'");
        }
        sha.ifPresent(s -> {
            if (!s.matches("[0-9a-f]{64}")) {
                vars.error(vars.var("etcd_tarball_sha256").orElseThrow(), "etcd_tarball_sha256 is not a SHA-256 (64 hex digits)",
                        "the first field of 'sha256sum FILE'");
            } else if (tarball.isEmpty()) {
                vars.error(vars.var("etcd_tarball_sha256").orElseThrow(), "etcd_tarball_sha256 without etcd_tarball", "add etcd_tarball or remove it");
            }
        });
        return new EtcdSource(release, tarball, sha);
    }

    private BackupSettings backup(VarReader vars, String cluster) {
        Path dir = vars.string("dcsprov_backup_dir").map(paths::resolve)
                .orElse(paths.inventoryDir().resolve("backups").resolve(cluster));
        int keep = vars.integer("dcsprov_backup_keep", BackupSettings.DEFAULT_KEEP, 1, 100_000);
        Optional<String> schedule = calendar(vars, "dcsprov_backup_schedule");
        String hostDir = hostDir(vars, "dcsprov_backup_host_dir", BackupSettings.DEFAULT_HOST_DIR);
        int hostKeep = vars.integer("dcsprov_backup_host_keep", BackupSettings.DEFAULT_KEEP, 1, 100_000);
        Optional<NodeExporter> nodeExporter = Optional.empty();
        if (vars.isSet("etcd_node_exporter_port")) {
            nodeExporter = Optional.of(new NodeExporter(vars.integer("etcd_node_exporter_port", 9100, 1, 65535),
                    hostDir(vars, "etcd_node_exporter_textfile_dir", NodeExporter.DEFAULT_TEXTFILE_DIR)));
        } else if (vars.isSet("etcd_node_exporter_textfile_dir")) {
            vars.error(vars.var("etcd_node_exporter_textfile_dir").orElseThrow(),
                    "etcd_node_exporter_textfile_dir without etcd_node_exporter_port",
                    "add etcd_node_exporter_port (the members' node_exporter, e.g. 9100) or remove it");
        }
        Optional<Duration> maxAge = vars.string("dcsprov_backup_max_age").map(String::strip).flatMap(s -> {
            Optional<Duration> d = PromDuration.parse(s);
            if (d.isEmpty() || d.get().isZero()) {
                vars.error(vars.var("dcsprov_backup_max_age").orElseThrow(), "dcsprov_backup_max_age '" + s
                        + "' is not a duration", "a number with a unit s, m, h or d, e.g. 26h or 1d12h");
            }
            return d;
        });
        if (maxAge.isPresent() && schedule.isEmpty()) {
            vars.error(vars.var("dcsprov_backup_max_age").orElseThrow(), "dcsprov_backup_max_age without dcsprov_backup_schedule",
                    "add dcsprov_backup_schedule or remove it");
        }
        BackupSettings settings = new BackupSettings(dir, keep, schedule, hostDir, hostKeep, nodeExporter, maxAge);
        if (nodeExporter.isPresent() && schedule.isPresent() && settings.snapshotMaxAge().isEmpty()) {
            vars.error(vars.var("dcsprov_backup_schedule").orElseThrow(), "dcsprov_backup_schedule '" + schedule.get()
                            + "' has no period dcsprov knows, so the snapshot age alert has no threshold",
                    "set dcsprov_backup_max_age (e.g. 26h for a run every day), or use a shorthand: hourly, daily, weekly ...");
        }
        return settings;
    }

    private static Optional<String> calendar(VarReader vars, String variable) {
        Optional<String> schedule = vars.string(variable).map(String::strip);
        schedule.ifPresent(s -> {
            // An OnCalendar value goes into a unit file: one line of calendar characters, nothing that starts a new line.
            if (!s.matches("[A-Za-z0-9 *:,./~+-]+")) {
                vars.error(vars.var(variable).orElseThrow(), variable + " '" + s
                        + "' is not a systemd calendar expression", "for example: daily, hourly, or '*-*-* 02:30:00' "
                        + "(see 'systemd-analyze calendar' and man systemd.time)");
            }
        });
        return schedule;
    }

    private static EtcdTuning tuning(VarReader vars) {
        EtcdTuning d = EtcdTuning.defaults();
        int heartbeat = vars.integer("etcd_heartbeat_interval", d.heartbeatIntervalMs(), 1, 60_000);
        int election = vars.integer("etcd_election_timeout", d.electionTimeoutMs(), 1, 600_000);
        if (election < 5 * heartbeat) {
            Var at = vars.var("etcd_election_timeout").or(() -> vars.var("etcd_heartbeat_interval")).orElseThrow();
            vars.error(at, "etcd_election_timeout (" + election + " ms) must be at least 5 x etcd_heartbeat_interval ("
                    + heartbeat + " ms)", "etcd recommends about 10 x the heartbeat, e.g. " + 10 * heartbeat);
        }
        long quota = vars.integer("etcd_quota_backend_bytes", d.quotaBackendBytes(), 0, Long.MAX_VALUE);
        String mode = vars.string("etcd_auto_compaction_mode", d.autoCompactionMode());
        if (!mode.equals("periodic") && !mode.equals("revision")) {
            vars.error(vars.var("etcd_auto_compaction_mode").orElseThrow(),
                    "etcd_auto_compaction_mode must be periodic or revision, not '" + mode + "'"
                            + Suggestions.hint(mode, List.of("periodic", "revision")), "");
        }
        String retention = vars.string("etcd_auto_compaction_retention", d.autoCompactionRetention());
        long snapshotCount = vars.integer("etcd_snapshot_count", d.snapshotCount(), 1, Long.MAX_VALUE);
        OptionalInt metricsPort = vars.isSet("etcd_metrics_port")
                ? OptionalInt.of(vars.integer("etcd_metrics_port", 2381, 1, 65535)) : OptionalInt.empty();
        return new EtcdTuning(heartbeat, election, quota, mode, retention, snapshotCount, metricsPort);
    }

    /** A directory on the hosts, normalised; a relative, '..' or system path is an error at its value. */
    private static String hostDir(VarReader vars, String name, String defaultValue) {
        return hostPath(vars, name, defaultValue, HostPathCheck.directory(vars.string(name).orElse(defaultValue), defaultValue));
    }

    /** A file on the hosts, normalised; it must lie in a directory {@link #hostDir} would accept. */
    private static String hostFile(VarReader vars, String name, String defaultValue) {
        return hostPath(vars, name, defaultValue, HostPathCheck.file(vars.string(name).orElse(defaultValue), defaultValue));
    }

    private static String hostPath(VarReader vars, String name, String defaultValue, HostPathCheck.Verdict verdict) {
        Optional<Var> var = vars.var(name);
        if (verdict.ok()) {
            return verdict.path();
        }
        // A default built from another bad path (etcd_cert_dir from etcd_config_dir) is reported there, not here.
        var.ifPresent(v -> vars.error(v, name + " " + verdict.problem().orElseThrow(), verdict.fix()));
        return defaultValue;
    }

    private static void checkProxy(VarReader vars, String url) {
        Var var = vars.var("dcsprov_apt_proxy").orElseThrow();
        try {
            URI uri = new URI(url);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (http && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        vars.error(var, "dcsprov_apt_proxy '" + ProxyUrl.redacted(url) + "' is not an http:// or https:// URL with a host",
                "for example: http://192.168.56.1:3142");
    }

    private static KeyAlgorithm keyAlgorithm(VarReader vars) {
        String id = vars.string("dcsprov_key_algorithm", KeyAlgorithm.ECDSA_P256.id());
        Optional<KeyAlgorithm> algorithm = KeyAlgorithm.fromId(id);
        if (algorithm.isEmpty()) {
            List<String> ids = Arrays.stream(KeyAlgorithm.values()).map(KeyAlgorithm::id).toList();
            vars.error(vars.var("dcsprov_key_algorithm").orElseThrow(), "dcsprov_key_algorithm '" + id + "' is not supported"
                    + Suggestions.hint(id, ids), "use one of " + String.join(", ", ids));
        }
        return algorithm.orElse(KeyAlgorithm.ECDSA_P256);
    }
}
