package dev.dcsprov.inventory;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every inventory variable dcsprov understands, as data, so documentation and the loader agree.
 * Variables starting with {@code etcd_} or {@code dcsprov_} that are not listed here (or reserved) are errors,
 * which catches typos that would otherwise silently fall back to a default.
 */
public final class Variables {
    private static final List<Variable> ALL = List.of(
            new Variable("ansible_host", "the host name", "address dcsprov connects to over SSH"),
            new Variable("ansible_port", "22", "SSH port"),
            new Variable("ansible_user", "root", "SSH user"),
            new Variable("ansible_ssh_private_key_file", "", "SSH private key; ~ expanded, relative to the inventory"),
            new Variable("ansible_become", "false", "run remote commands through sudo -n"),
            new Variable("etcd_name", "the host name", "etcd member name"),
            new Variable("etcd_advertise_address", "ansible_host", "address advertised to clients and peers"),
            new Variable("etcd_listen_addresses", "[etcd_advertise_address]", "addresses etcd listens on (loopback is added for clients)"),
            new Variable("etcd_extra_sans", "[]", "extra DNS names or IPs in the host certificate"),
            new Variable("etcd_cluster_name", "dcs", "cluster name: lowercase letters, digits and '-'"),
            new Variable("etcd_cluster_token", "<etcd_cluster_name>-token", "initial cluster token"),
            new Variable("etcd_data_dir", "/var/lib/etcd/<etcd_cluster_name>", "etcd data directory on the hosts"),
            new Variable("etcd_config_dir", "/etc/dcs", "configuration directory on the hosts"),
            new Variable("etcd_config_file", "<etcd_config_dir>/etcd", "etcd environment file on the hosts"),
            new Variable("etcd_cert_dir", "<etcd_config_dir>/cert", "certificate directory on the hosts"),
            new Variable("etcd_client_port", "2379", "client port"),
            new Variable("etcd_peer_port", "2380", "peer port"),
            new Variable("etcd_heartbeat_interval", "100", "heartbeat interval in milliseconds"),
            new Variable("etcd_election_timeout", "1000", "election timeout in milliseconds; at least 5 x heartbeat"),
            new Variable("etcd_quota_backend_bytes", "2147483648", "backend size quota in bytes"),
            new Variable("etcd_auto_compaction_mode", "periodic", "auto-compaction mode: periodic or revision"),
            new Variable("etcd_auto_compaction_retention", "1h", "auto-compaction retention"),
            new Variable("etcd_snapshot_count", "100000", "committed transactions before a snapshot"),
            new Variable("etcd_metrics_port", "", "a port for plain-HTTP /metrics and /health on the listen addresses (ETCD_LISTEN_METRICS_URLS); unset: only on the client port, with TLS"),
            new Variable("etcd_package_release", "", "a newer Debian release (e.g. trixie) to take etcd-server/etcd-client from, pinned; dcsprov upgrade moves to it"),
            new Variable("etcd_tarball", "", "an etcd release tarball on this machine (etcd-vX.Y.Z-linux-ARCH.tar.gz) to run instead of the package"),
            new Variable("etcd_tarball_sha256", "", "the SHA-256 of etcd_tarball (required with it)"),
            new Variable("etcd_auth_enabled", "not managed", "turn etcd authentication on (true) or off (false); unset leaves it alone"),
            new Variable("etcd_auth_root_password", "", "source of the root password: {env: NAME}, {file: path} or {prompt: true}"),
            new Variable("etcd_auth_remove_unmanaged", "false", "delete etcd users and roles that are not in the inventory"),
            new Variable("etcd_roles", "{}", "roles: name -> list of {key: K | prefix: P, permission: read|write|readwrite}"),
            new Variable("etcd_users", "{}", "users: name -> {password: <source>, roles: [role, ...]}"),
            new Variable("dcsprov_group", "etcd", "inventory group whose hosts are the members (all.vars only)"),
            new Variable("dcsprov_apt_proxy", "", "http(s) proxy for apt on the hosts"),
            new Variable("dcsprov_pki_dir", "<inventory dir>/pki/<etcd_cluster_name>", "local CA and certificates; relative to the inventory"),
            new Variable("dcsprov_key_algorithm", "ecdsa-p256", "key type: ecdsa-p256, rsa-2048 or rsa-4096"),
            new Variable("dcsprov_cert_days", "365", "host certificate validity in days"),
            new Variable("dcsprov_ca_days", "3650", "CA certificate validity in days"),
            new Variable("dcsprov_cert_renew_before_days", "30", "renew host certificates this many days before expiry"),
            new Variable("dcsprov_known_hosts", "", "known_hosts file or list of files, in addition to ~/.ssh/known_hosts"),
            new Variable("dcsprov_template_dir", "the bundled templates", "directory of your own templates"),
            new Variable("dcsprov_backup_dir", "<inventory dir>/backups/<etcd_cluster_name>", "where dcsprov backup keeps snapshots; relative to the inventory"),
            new Variable("dcsprov_backup_keep", "7", "snapshots dcsprov backup keeps locally; older ones are removed"),
            new Variable("dcsprov_maintenance_schedule", "", "systemd OnCalendar for scheduled maintenance on every member (weekly ...): compaction and defragmentation, one member at a time under an etcd lock; none if unset"),
            new Variable("dcsprov_backup_schedule", "", "systemd OnCalendar for scheduled snapshots on every member (daily, hourly ...); none if unset"),
            new Variable("dcsprov_backup_host_dir", "/var/lib/dcs/backup", "directory of scheduled snapshots on the members"),
            new Variable("dcsprov_backup_host_keep", "7", "scheduled snapshots kept on each member"),
            new Variable("dcsprov_backup_max_age", "one period of dcsprov_backup_schedule + 16m", "age of the newest scheduled snapshot at which dcsprov monitoring's EtcdSnapshotTooOld fires (e.g. 26h); required with etcd_node_exporter_port for a calendar other than hourly, daily, weekly ..."),
            new Variable("etcd_node_exporter_port", "", "the members run Prometheus's node_exporter on this port (Debian's: 9100): dcsprov monitoring scrapes it and the scheduled snapshots publish their metrics through its textfile collector; none if unset"),
            new Variable("etcd_node_exporter_textfile_dir", "/var/lib/prometheus/node-exporter", "the directory node_exporter's textfile collector reads *.prom from (with etcd_node_exporter_port)"),
            new Variable("dcsprov_patroni_group", "patroni", "inventory group whose hosts run Patroni (all.vars only); none is fine"),
            new Variable("dcsprov_patroni_etcd_user", "", "the etcd user (with a password, in etcd_users) Patroni logs in as; required on Patroni hosts"),
            new Variable("dcsprov_patroni_os_user", "postgres", "the account Patroni runs as: owns its client key"),
            new Variable("dcsprov_patroni_unit", "patroni", "Patroni's systemd unit, reloaded after its etcd material changed"),
            new Variable("dcsprov_patroni_rest_port", "8008", "Patroni's REST API port, asked on the Patroni host itself"),
            new Variable("dcsprov_patroni_config", "/etc/patroni/config.yml", "Patroni's config file: only read, it must have no DCS section"),
            new Variable("dcsprov_patroni_tls_dir", "/etc/patroni/dcs", "where Patroni's CA, client certificate and key go (generations and a current link)"),
            new Variable("dcsprov_patroni_env_file", "/etc/patroni_env.conf", "the unit's EnvironmentFile with the PATRONI_ETCD3_* settings"));

    /** Accepted without being modelled yet: later features will read them. */
    private static final List<String> RESERVED_PREFIXES =
            List.of();

    private static final Set<String> NAMES = ALL.stream().map(Variable::name).collect(Collectors.toUnmodifiableSet());

    private Variables() {
    }

    /** Every known variable, host connection first, then member, cluster and dcsprov settings. */
    public static List<Variable> all() {
        return ALL;
    }

    static List<String> names() {
        return ALL.stream().map(Variable::name).toList();
    }

    /** True if the name is ours to check: it starts with etcd_ or dcsprov_. */
    static boolean isOurs(String name) {
        return name.startsWith("etcd_") || name.startsWith("dcsprov_");
    }

    /** True if dcsprov knows the name or reserves it for a later feature. */
    static boolean isKnownOrReserved(String name) {
        return NAMES.contains(name) || RESERVED_PREFIXES.stream().anyMatch(name::startsWith);
    }
}
