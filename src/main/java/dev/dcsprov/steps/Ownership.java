package dev.dcsprov.steps;

/**
 * Owner, group and mode of what dcsprov puts on a host. Root owns every file and directory, so
 * the etcd account can never change what root later reads, sources or executes; the etcd group
 * gets read access only to what etcd itself opens (its certificates, its key, the directories on
 * the way). Nothing dcsprov installs is writable by etcd except etcd's own data directory.
 */
public record Ownership(String owner, String group, String mode) {
    /** {@code /etc/dcs}, {@code /etc/dcs/cert}: etcd may enter and read, never add, rename or remove. */
    public static final Ownership ETCD_READS_DIR = new Ownership("root", "etcd", "0750");
    /** Certificates, the member key, the config, etcdctl.env: etcd reads them, cannot write them. */
    public static final Ownership ETCD_READS = new Ownership("root", "etcd", "0640");
    /** dcsprov's admin key (CN root) and scheduled snapshots: root's alone. */
    public static final Ownership ROOT_ONLY = new Ownership("root", "root", "0600");
    /** The scheduled snapshots' directory: etcd needs nothing there (etcdctl, run as root, fetches the snapshot). */
    public static final Ownership ROOT_ONLY_DIR = new Ownership("root", "root", "0700");
    /** Scripts root runs. */
    public static final Ownership ROOT_EXECUTES = new Ownership("root", "root", "0750");
    /** Units and other files root reads that hold nothing secret. */
    public static final Ownership ROOT_READS = new Ownership("root", "root", "0644");

    /** {@code owner:group}, as chown takes it. */
    public String chown() {
        return owner + ":" + group;
    }
}
