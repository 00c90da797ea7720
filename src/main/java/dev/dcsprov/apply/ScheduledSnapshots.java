package dev.dcsprov.apply;

import dev.dcsprov.etcd.SnapshotTool;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.BackupSettings;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.steps.DesiredFile;
import dev.dcsprov.steps.DirectoryStep;
import dev.dcsprov.steps.FileStep;
import dev.dcsprov.steps.Step;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.dcsprov.Shell.quote;

/**
 * Scheduled snapshots on every member when dcsprov_backup_schedule is set: a script, a oneshot service that
 * runs it (a failure shows as a failed unit and in 'journalctl -u dcsprov-snapshot'), and a timer. Each member
 * snapshots its own endpoint, so a cluster that lost members still gets snapshots from the rest.
 */
public final class ScheduledSnapshots {
    public static final String SCRIPT = "/usr/local/sbin/dcsprov-snapshot";
    public static final String SERVICE = "/etc/systemd/system/dcsprov-snapshot.service";
    public static final String TIMER = "/etc/systemd/system/dcsprov-snapshot.timer";

    private final ClusterSettings cluster;
    private final RemotePaths paths;

    public ScheduledSnapshots(ClusterSettings cluster, RemotePaths paths) {
        this.cluster = cluster;
        this.paths = paths;
    }

    /** Paths the facts probe must look at (the timer also without a schedule: one left by an earlier run is disabled). */
    public List<String> files() {
        return cluster.backup().schedule().isPresent() ? List.of(cluster.backup().hostDir(), SCRIPT, SERVICE, TIMER) : List.of(TIMER);
    }

    /**
     * With a schedule: the files, then reload and enable when any of them changes. Without one: a
     * timer an earlier run installed is stopped, disabled and its unit removed, so taking
     * dcsprov_backup_schedule out of the inventory turns scheduled snapshots off. The snapshots
     * already taken, the script and the service stay (a manual 'systemctl start dcsprov-snapshot' works).
     */
    public List<Step> steps() {
        if (cluster.backup().schedule().isEmpty()) {
            return List.of(ScheduledSnapshots::disableLeftover);
        }
        List<DesiredFile> files = List.of(file(SCRIPT, script(), "0750"), file(SERVICE, service(), "0644"), file(TIMER, timer(), "0644"));
        List<Step> steps = new ArrayList<>();
        steps.add(new DirectoryStep(cluster.backup().hostDir(), "0750", "etcd", "etcd"));
        files.forEach(f -> steps.add(new FileStep(f, Optional.empty())));
        steps.add((host, facts) -> enable(host, facts, files));
        return steps;
    }

    private static Step.Outcome enable(String host, HostFacts facts, List<DesiredFile> files) {
        boolean changed = files.stream().anyMatch(f -> !facts.file(f.path()).exists() || !facts.file(f.path()).sha256().equals(f.sha256()));
        if (!changed) {
            return Step.Outcome.unchanged("dcsprov-snapshot.timer is set up");
        }
        return Step.Outcome.changes(new Change(host, "service", Action.START, "dcsprov-snapshot.timer", "the snapshot units changed",
                "", false, false, List.of(RemoteCommand.of("systemctl daemon-reload && systemctl enable --quiet dcsprov-snapshot.timer"
                + " && systemctl restart dcsprov-snapshot.timer"))));
    }

    private static Step.Outcome disableLeftover(String host, HostFacts facts) {
        if (!facts.file(TIMER).exists()) {
            return Step.Outcome.unchanged("no scheduled snapshots");
        }
        return Step.Outcome.changes(new Change(host, "service", Action.DELETE, "dcsprov-snapshot.timer",
                "dcsprov_backup_schedule is no longer set; snapshots already taken stay", "", false, false,
                List.of(RemoteCommand.of("systemctl disable --now --quiet dcsprov-snapshot.timer && rm -f " + quote(TIMER)
                        + " && systemctl daemon-reload"))));
    }

    private static DesiredFile file(String path, String text, String mode) {
        return new DesiredFile(path, text.getBytes(StandardCharsets.UTF_8), mode, "root", "root", false, false, false);
    }

    String script() {
        BackupSettings b = cluster.backup();
        return "#!/bin/sh\n"
                + "# Managed by dcsprov: scheduled etcd snapshot of this member (dcsprov_backup_schedule).\n"
                + "# Snapshots: " + b.hostDir() + "/" + cluster.name() + "-<UTC time>.db, 0640 etcd:etcd, newest "
                + b.hostKeep() + " kept.\n"
                + "set -eu\n"
                + "dir=" + quote(b.hostDir()) + "\n"
                + "f=\"$dir/" + cluster.name() + "-$(date -u +%Y%m%dT%H%M%SZ).db\"\n"
                + "trap 'rm -f \"$f.part\"' EXIT\n"
                + "umask 077\n"
                + "# etcdctl 3.4's snapshot save waits forever for a member that is down: bound it.\n"
                + "ETCDCTL_API=3 timeout 600 etcdctl --endpoints=" + quote("https://127.0.0.1:" + cluster.clientPort())
                + " --cacert=" + quote(paths.caCert()) + " --cert=" + quote(paths.adminCert()) + " --key=" + quote(paths.adminKey())
                + " --dial-timeout=5s snapshot save \"$f.part\" >/dev/null\n"
                + "# etcd appends the SHA-256 of the database; 'snapshot status' alone does not notice damage.\n"
                + "n=$(stat -c %s \"$f.part\")\n"
                + "if [ $((n % 512)) -ne 32 ] || [ \"$(head -c $((n - 32)) \"$f.part\" | sha256sum | cut -d' ' -f1)\" != "
                + "\"$(tail -c 32 \"$f.part\" | od -An -tx1 | tr -d ' \\n')\" ]; then echo \"snapshot $f.part failed its SHA-256 check\" >&2; exit 1; fi\n"
                + SnapshotTool.DEFINE
                + "status=$(" + SnapshotTool.status("\"$f.part\"") + ")\n"
                + "chown etcd:etcd \"$f.part\"\nchmod 0640 \"$f.part\"\nmv \"$f.part\" \"$f\"\n"
                + "trap - EXIT\n"
                + "echo \"snapshot $f $status\"\n"
                + "# Retention: the newest " + b.hostKeep() + " of this cluster's snapshots.\n"
                + "ls -1 \"$dir\" | grep -E '^" + cluster.name() + "-[0-9]{8}T[0-9]{6}Z\\.db$' | sort | head -n -" + b.hostKeep()
                + " | while read -r old; do rm -f -- \"$dir/$old\"; echo \"removed $dir/$old\"; done\n";
    }

    String service() {
        return "# Managed by dcsprov\n[Unit]\nDescription=etcd snapshot of cluster " + cluster.name() + " (dcsprov)\n"
                + "After=etcd.service\n\n[Service]\nType=oneshot\nTimeoutStartSec=15min\nExecStart=" + SCRIPT + "\n";
    }

    String timer() {
        return "# Managed by dcsprov (dcsprov_backup_schedule)\n[Unit]\nDescription=scheduled etcd snapshots (dcsprov)\n\n"
                + "[Timer]\nOnCalendar=" + cluster.backup().schedule().orElseThrow() + "\nPersistent=true\n"
                + "RandomizedDelaySec=60\n\n[Install]\nWantedBy=timers.target\n";
    }
}
