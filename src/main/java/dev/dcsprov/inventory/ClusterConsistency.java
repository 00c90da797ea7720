package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Cluster settings must be the same on every member: a member with its own etcd_client_port would
 * never find its peers. Compares each member's resolved settings with the first member's.
 */
final class ClusterConsistency {
    /** Variable name -> the setting it controls, in documentation order. */
    private static final Map<String, Function<ClusterSettings, Object>> SETTINGS = new LinkedHashMap<>();

    static {
        SETTINGS.put("etcd_cluster_name", ClusterSettings::name);
        SETTINGS.put("etcd_cluster_token", ClusterSettings::token);
        SETTINGS.put("etcd_data_dir", ClusterSettings::dataDir);
        SETTINGS.put("etcd_config_dir", ClusterSettings::configDir);
        SETTINGS.put("etcd_config_file", ClusterSettings::configFile);
        SETTINGS.put("etcd_cert_dir", ClusterSettings::certDir);
        SETTINGS.put("etcd_client_port", ClusterSettings::clientPort);
        SETTINGS.put("etcd_peer_port", ClusterSettings::peerPort);
        SETTINGS.put("etcd_heartbeat_interval", c -> c.tuning().heartbeatIntervalMs());
        SETTINGS.put("etcd_election_timeout", c -> c.tuning().electionTimeoutMs());
        SETTINGS.put("etcd_quota_backend_bytes", c -> c.tuning().quotaBackendBytes());
        SETTINGS.put("etcd_auto_compaction_mode", c -> c.tuning().autoCompactionMode());
        SETTINGS.put("etcd_auto_compaction_retention", c -> c.tuning().autoCompactionRetention());
        SETTINGS.put("etcd_snapshot_count", c -> c.tuning().snapshotCount());
        SETTINGS.put("etcd_metrics_port", c -> c.tuning().metricsPort().isPresent() ? c.tuning().metricsPort().getAsInt() : "none");
        SETTINGS.put("dcsprov_apt_proxy", c -> c.aptProxy().map(ProxyUrl::redacted).orElse("none"));
        SETTINGS.put("dcsprov_pki_dir", ClusterSettings::pkiDir);
        SETTINGS.put("dcsprov_key_algorithm", c -> c.keyAlgorithm().id());
        SETTINGS.put("dcsprov_cert_days", ClusterSettings::certDays);
        SETTINGS.put("dcsprov_ca_days", ClusterSettings::caDays);
        SETTINGS.put("dcsprov_cert_renew_before_days", ClusterSettings::renewBeforeDays);
        SETTINGS.put("dcsprov_known_hosts", ClusterSettings::knownHostsFiles);
        SETTINGS.put("dcsprov_template_dir", c -> c.templateDir().map(Object::toString).orElse("bundled"));
        SETTINGS.put("dcsprov_backup_dir", c -> c.backup().localDir());
        SETTINGS.put("dcsprov_backup_keep", c -> c.backup().keep());
        SETTINGS.put("dcsprov_backup_schedule", c -> c.backup().schedule().orElse("none"));
        SETTINGS.put("dcsprov_backup_host_dir", c -> c.backup().hostDir());
        SETTINGS.put("dcsprov_backup_host_keep", c -> c.backup().hostKeep());
        SETTINGS.put("dcsprov_backup_max_age", c -> c.backup().maxAge().map(Object::toString).orElse("none"));
        SETTINGS.put("etcd_node_exporter_port", c -> c.backup().nodeExporter().map(n -> (Object) n.port()).orElse("none"));
        SETTINGS.put("etcd_node_exporter_textfile_dir", c -> c.backup().nodeExporter().map(NodeExporter::textfileDir).orElse("none"));
        SETTINGS.put("etcd_package_release", c -> c.etcdSource().release().orElse("none"));
        SETTINGS.put("etcd_tarball", c -> c.etcdSource().tarball().map(Object::toString).orElse("none"));
        SETTINGS.put("etcd_tarball_sha256", c -> c.etcdSource().tarballSha256().orElse("none"));
    }

    /** One member as resolved: its host, merged vars and settings. */
    record Resolved(Host host, Map<String, Var> vars, ClusterSettings settings) {
    }

    private ClusterConsistency() {
    }

    /**
     * Reports every setting where a member differs from the first member. Only variables set explicitly by
     * one of the two are compared, so a derived default (data dir from cluster name) is not reported twice.
     * The error points at the definition that makes the member different.
     */
    static void check(List<Resolved> members, Problems problems) {
        if (members.isEmpty()) {
            return;
        }
        Resolved first = members.get(0);
        java.util.Set<String> reported = new java.util.HashSet<>();
        for (Resolved other : members.subList(1, members.size())) {
            SETTINGS.forEach((name, setting) -> {
                Object a = setting.apply(first.settings());
                Object b = setting.apply(other.settings());
                Var mine = other.vars().get(name);
                Var theirs = first.vars().get(name);
                if (a.equals(b) || (mine == null && theirs == null) || mine == theirs) {
                    return;
                }
                SourceLocation at = culprit(mine, theirs).location();
                if (!reported.add(name + "@" + at)) {
                    return; // one definition that differs from several members is one error
                }
                problems.error(at, name + " differs between " + first.host().name() + " (" + a + ") and "
                                + other.host().name() + " (" + b + "); cluster settings must be the same on every member",
                        "set " + name + " once in a group every member belongs to (e.g. all.vars), not per host");
            });
        }
    }

    /** The definition to blame: a host-level one over a group one, else the differing member's own. */
    private static Var culprit(Var mine, Var theirs) {
        if (mine == null) {
            return theirs;
        }
        if (theirs != null && theirs.isHostLevel() && !mine.isHostLevel()) {
            return theirs;
        }
        return mine;
    }

    /** Extra SANs that every member has: the ones set cluster-wide. */
    static List<String> commonExtraSans(List<Host> members) {
        if (members.isEmpty()) {
            return List.of();
        }
        List<String> common = new ArrayList<>(members.get(0).extraSans());
        members.forEach(h -> common.retainAll(h.extraSans()));
        return List.copyOf(common);
    }

    /** The cluster's known hosts files and then {@code more} (those ~/.ssh/config names), each once. */
    static ClusterSettings withKnownHosts(ClusterSettings c, List<Path> more) {
        java.util.LinkedHashSet<Path> files = new java.util.LinkedHashSet<>(c.knownHostsFiles());
        files.addAll(more);
        return new ClusterSettings(c.name(), c.token(), c.dataDir(), c.configDir(), c.configFile(),
                c.certDir(), c.clientPort(), c.peerPort(), c.tuning(), c.aptProxy(), c.pkiDir(), c.keyAlgorithm(),
                c.certDays(), c.caDays(), c.renewBeforeDays(), c.extraSans(), List.copyOf(files), c.templateDir(), c.backup(),
                c.etcdSource(), c.maintenanceSchedule());
    }

    static Optional<ClusterSettings> withExtraSans(Optional<ClusterSettings> settings, List<String> sans) {
        return settings.map(c -> new ClusterSettings(c.name(), c.token(), c.dataDir(), c.configDir(), c.configFile(),
                c.certDir(), c.clientPort(), c.peerPort(), c.tuning(), c.aptProxy(), c.pkiDir(), c.keyAlgorithm(),
                c.certDays(), c.caDays(), c.renewBeforeDays(), sans, c.knownHostsFiles(), c.templateDir(), c.backup(), c.etcdSource(),
                c.maintenanceSchedule()));
    }
}
