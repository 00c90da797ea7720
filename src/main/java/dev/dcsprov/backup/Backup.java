package dev.dcsprov.backup;

import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.etcd.EtcdctlInvocation;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.RemoteEtcdctl;
import dev.dcsprov.etcd.SnapshotTool;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static dev.dcsprov.Shell.quote;

/**
 * dcsprov backup: a snapshot from one healthy member, verified on the host and again here, stored in the
 * local backups directory with its SHA-256; the oldest beyond dcsprov_backup_keep are removed.
 */
public final class Backup {
    static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);

    private final Inventory inventory;
    private final ClusterSettings cluster;
    private final RemotePaths paths;
    private final ConnectedHosts hosts;
    private final Consumer<String> progress;
    private Journal journal = Journal.none();
    /** backup's journal: local records only (the member's temp copy is all it changes there); see {@link #run(Planned)}. */
    public static final String OPERATION = "backup";

    /** What was taken and kept. */
    public record Result(String member, Path file, String sha256, SnapshotStatus status, List<Path> removed) {
    }

    public Backup(Inventory inventory, ConnectedHosts hosts, Consumer<String> progress) {
        this.inventory = inventory;
        this.cluster = inventory.cluster();
        this.paths = RemotePaths.of(cluster);
        this.hosts = hosts;
        this.progress = progress;
    }

    /**
     * Records each step locally in {@code journal} (operation {@value #OPERATION}: {@code snapshot} on the member,
     * {@code copy} to this machine, {@code keep}, then {@code finished}), so {@code status} shows a backup that did not
     * end and the command that takes it again. A re-run is a new backup either way (and removes what a killed one left).
     */
    public Backup journaled(Journal journal) {
        this.journal = journal;
        return this;
    }

    /** The plan and the member it takes the snapshot from: made before anything is written, here or on a host. */
    public record Planned(OperationPlan plan, Host source) {
    }

    /** The member to take the snapshot from and what happens to the local backups dir; refuses when no member is healthy. */
    public Planned plan() {
        List<EndpointHealth> health = health();
        Host source = healthyMember(health);
        LocalBackups store = new LocalBackups(cluster.backup().localDir(), cluster.name());
        return new Planned(BackupPlan.of(new BackupPlan.Facts(cluster.name(), inventory.members().stream().map(Host::name).toList(),
                source.name(), unhealthy(health), store.dir().toString(), cluster.name(), store.list(), cluster.backup().keep())), source);
    }

    public Result run() {
        return run(plan());
    }

    public Result run(Planned planned) {
        Host source = planned.source();
        Connection c = hosts.connection(source.name());
        progress.accept("taking a snapshot on " + source.name());
        Instant taken = Instant.now();
        journal.beginLocally(OPERATION, source.name(), "snapshot");
        String dir = save(c);
        try {
            SnapshotStatus onHost = SnapshotStatus.parse(mustRun(c, SnapshotTool.DEFINE + SnapshotTool.status(quote(dir + "/snapshot.db")),
                    "snapshot status").stdout());
            LocalBackups store = new LocalBackups(cluster.backup().localDir(), cluster.name());
            Path part = store.newPartFile(TRANSFER_TIMEOUT.plusMinutes(1));
            try {
                journal.beginLocally(OPERATION, source.name(), "copy");
                download(c, dir + "/snapshot.db", part);
                SnapshotFile.verifyIntegrity(part);
                String sha = SnapshotFile.sha256(part);
                String remoteSha = mustRun(c, "sha256sum " + quote(dir + "/snapshot.db") + " | cut -d' ' -f1", "sha256sum").stdout().strip();
                if (!sha.equals(remoteSha)) {
                    throw new DcsprovException(ExitCode.HOST_FAILED, "the snapshot changed in transfer from " + source.name(),
                            "SHA-256 on the host " + remoteSha + ", here " + sha + ".", "run backup again");
                }
                journal.starting(OPERATION, "keep");
                Path file = store.keep(part, taken, sha);
                List<Path> removed = store.prune(cluster.backup().keep());
                journal.finished(OPERATION);
                return new Result(source.name(), file, sha, onHost, removed);
            } finally {
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.FAILED, "local file error: " + e.getMessage(), e.toString(), "", e);
        } finally {
            // Our own temporary copy on the host; the backup now lives on this machine.
            c.run(RemoteCommand.of("rm -rf " + quote(dir)));
        }
    }

    /** The first member, in inventory order, whose endpoint is healthy: a backup is most needed when some are not. */
    private List<EndpointHealth> health() {
        List<String> endpoints = inventory.members().stream().map(h -> h.clientUrl(cluster)).toList();
        RemoteEtcdctl etcdctl = new RemoteEtcdctl(hosts.connection(inventory.members().get(0).name()), paths.caCert(),
                paths.adminCert(), paths.adminKey());
        return etcdctl.health(endpoints);
    }

    /** Members whose endpoint did not answer healthy, with why: a note in the plan. */
    private List<String> unhealthy(List<EndpointHealth> health) {
        return inventory.members().stream().filter(h -> health.stream().noneMatch(x -> x.endpoint().equals(h.clientUrl(cluster)) && x.healthy()))
                .map(h -> h.name() + " (" + health.stream().filter(x -> x.endpoint().equals(h.clientUrl(cluster))).findFirst()
                        .flatMap(EndpointHealth::error).orElse("no answer") + ")").toList();
    }

    private Host healthyMember(List<EndpointHealth> health) {
        for (Host h : inventory.members()) {
            Optional<EndpointHealth> e = health.stream().filter(x -> x.endpoint().equals(h.clientUrl(cluster))).findFirst();
            if (e.isPresent() && e.get().healthy()) {
                return h;
            }
        }
        throw new DcsprovException(ExitCode.UNHEALTHY, "no member of cluster '" + cluster.name() + "' is healthy: nothing to back up from",
                health.stream().map(h -> h.endpoint() + ": " + (h.healthy() ? "healthy" : h.error().orElse("unhealthy")))
                        .reduce((a, b) -> a + "\n" + b).orElse("no endpoint answered"),
                "look at 'journalctl -u etcd' on the members; to rebuild from an earlier backup use 'dcsprov restore'");
    }

    /**
     * The copies of killed runs: our own (root's, real directories: /var/tmp is world-writable) older than any backup
     * can take, so a backup running meanwhile from elsewhere keeps its copy.
     */
    static final String REMOVE_STALE = "find /var/tmp -maxdepth 1 -name 'dcsprov-backup.*' -type d -user 0 -mmin +"
            + (TRANSFER_TIMEOUT.toMinutes() + 1) + " -exec rm -rf -- {} + 2>/dev/null || :";

    /** Saves a snapshot into a new private directory on the host and returns that directory. */
    private String save(Connection c) {
        String script = "set -eu\numask 077\n" + REMOVE_STALE + "\nd=$(mktemp -d /var/tmp/dcsprov-backup.XXXXXX)\n"
                // etcdctl 3.4's snapshot save waits forever for a member that went down meanwhile.
                + "if ! " + EtcdctlInvocation.of("https://127.0.0.1:" + cluster.clientPort(), paths.caCert(), paths.adminCert(), paths.adminKey())
                        .bounded(TRANSFER_TIMEOUT.toSeconds()) + " --dial-timeout=5s snapshot save \"$d/snapshot.db\" >\"$d/save.log\" 2>&1; then\n"
                + "  tail -n 5 \"$d/save.log\" >&2; rm -rf \"$d\"; exit 1\nfi\n"
                + "printf '%s\\n' \"$d\"\n";
        return mustRun(c, script, "etcdctl snapshot save").stdout().strip();
    }

    private void download(Connection c, String remote, Path local) throws IOException {
        progress.accept("copying the snapshot from " + c.hostName() + " to " + local.getParent());
        try (OutputStream out = Files.newOutputStream(local)) {
            CommandResult r = c.run(RemoteCommand.of("cat " + quote(remote)).withTimeout(TRANSFER_TIMEOUT), out);
            if (!r.ok()) {
                throw new DcsprovException(ExitCode.HOST_FAILED, "could not copy the snapshot from " + c.hostName(),
                        r.stderr().strip(), "run backup again");
            }
        }
    }

    static CommandResult mustRun(Connection c, String script, String what) {
        CommandResult r = c.run(RemoteCommand.of(script).withTimeout(TRANSFER_TIMEOUT));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, what + " failed on " + c.hostName(),
                    "exit status " + r.exitStatus() + ": " + ConnectedHosts.lastLines(r.stderr(), 5),
                    "look at the message above; nothing was changed on the cluster");
        }
        return r;
    }
}
