package dev.dcsprov.inventory;

import dev.dcsprov.pki.KeyAlgorithm;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Settings that must be the same on every member. They may be set in any group or host vars,
 * but a member that disagrees is an inventory error.
 */
public record ClusterSettings(
        String name,               // etcd_cluster_name, default "dcs"
        String token,              // etcd_cluster_token, default "<name>-token"
        String dataDir,            // etcd_data_dir, default /var/lib/etcd/<name>
        String configDir,          // etcd_config_dir, default /etc/dcs
        String configFile,         // etcd_config_file, default <configDir>/etcd
        String certDir,            // etcd_cert_dir, default <configDir>/cert
        int clientPort,            // etcd_client_port, default 2379
        int peerPort,              // etcd_peer_port, default 2380
        EtcdTuning tuning,
        Optional<String> aptProxy, // dcsprov_apt_proxy, e.g. http://192.168.56.1:3142
        Path pkiDir,               // dcsprov_pki_dir, default <inventory dir>/pki/<name>
        KeyAlgorithm keyAlgorithm, // dcsprov_key_algorithm: ecdsa-p256 (default), rsa-2048, rsa-4096
        int certDays,              // dcsprov_cert_days, default 365
        int caDays,                // dcsprov_ca_days, default 3650
        int renewBeforeDays,       // dcsprov_cert_renew_before_days, default 30
        List<String> extraSans,    // etcd_extra_sans set for all members
        List<Path> knownHostsFiles,// dcsprov_known_hosts: file or list, in addition to ~/.ssh/known_hosts
        Optional<Path> templateDir, // dcsprov_template_dir: users' own templates, default the bundled ones
        BackupSettings backup,     // dcsprov_backup_*: local backups and scheduled snapshots on the hosts
        EtcdSource etcdSource,     // etcd_package_release / etcd_tarball(_sha256): where etcd comes from
        Optional<String> maintenanceSchedule // dcsprov_maintenance_schedule: systemd OnCalendar of scheduled maintenance, none if unset
) {
    /** Settings with etcd from the distribution and without scheduled maintenance (as before either existed). */
    public ClusterSettings(String name, String token, String dataDir, String configDir, String configFile, String certDir,
                           int clientPort, int peerPort, EtcdTuning tuning, Optional<String> aptProxy, Path pkiDir,
                           KeyAlgorithm keyAlgorithm, int certDays, int caDays, int renewBeforeDays, List<String> extraSans,
                           List<Path> knownHostsFiles, Optional<Path> templateDir, BackupSettings backup) {
        this(name, token, dataDir, configDir, configFile, certDir, clientPort, peerPort, tuning, aptProxy, pkiDir, keyAlgorithm,
                certDays, caDays, renewBeforeDays, extraSans, knownHostsFiles, templateDir, backup, EtcdSource.distribution(),
                Optional.empty());
    }
}
