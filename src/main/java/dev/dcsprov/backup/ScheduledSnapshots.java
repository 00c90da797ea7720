package dev.dcsprov.backup;

import dev.dcsprov.etcd.EtcdctlInvocation;
import dev.dcsprov.etcd.SnapshotTool;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.BackupSettings;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.plan.Change;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.steps.DesiredFile;
import dev.dcsprov.steps.DirectoryStep;
import dev.dcsprov.steps.FileStep;
import dev.dcsprov.steps.Ownership;
import dev.dcsprov.steps.RootShell;
import dev.dcsprov.steps.Step;
import dev.dcsprov.steps.TimerUnit;

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
    private static final TimerUnit UNIT = new TimerUnit("dcsprov-snapshot.timer", TIMER);
    /** node_exporter textfile metrics (etcd_node_exporter_port): written after each successful snapshot. */
    public static final String METRICS_FILE = "dcsprov_snapshot.prom";
    /** Written after each failed run, so a success does not hide that the last run failed. */
    public static final String FAILURE_METRICS_FILE = "dcsprov_snapshot_failure.prom";
    public static final String LAST_SUCCESS = "dcsprov_snapshot_last_success_timestamp_seconds";
    public static final String LAST_SIZE = "dcsprov_snapshot_last_size_bytes";
    public static final String LAST_FAILURE = "dcsprov_snapshot_last_failure_timestamp_seconds";

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
            return List.of((host, facts) -> UNIT.removeLeftover(host, facts, "dcsprov_backup_schedule is no longer set; snapshots already taken stay", "no scheduled snapshots"));
        }
        List<DesiredFile> files = List.of(TimerUnit.file(SCRIPT, script(), Ownership.ROOT_EXECUTES), TimerUnit.file(SERVICE, service(), Ownership.ROOT_READS),
                TimerUnit.file(TIMER, timer(), Ownership.ROOT_READS));
        List<Step> steps = new ArrayList<>();
        steps.add(this::backupDir);
        files.forEach(f -> steps.add(new FileStep(f, Optional.empty())));
        steps.add((host, facts) -> UNIT.enable(host, facts, files, "the snapshot units changed"));
        return steps;
    }

    /**
     * The snapshots' directory is root's alone: etcd needs nothing there (etcdctl, run as root, fetches
     * the snapshot from etcd over TLS). An older dcsprov made it etcd's; converging it also makes the
     * snapshots found there root's 0600. Only regular files with one link: the directory is root's by
     * then, so nothing can be swapped in, and a hard link to a file elsewhere is left alone.
     */
    private Step.Outcome backupDir(String host, HostFacts facts) {
        String dir = cluster.backup().hostDir();
        Step.Outcome o = new DirectoryStep(dir, Ownership.ROOT_ONLY_DIR).plan(host, facts);
        if (o.changes().isEmpty() || !facts.file(dir).exists()) {
            return o;
        }
        Change c = o.changes().get(0);
        List<RemoteCommand> commands = new ArrayList<>(c.commands());
        commands.add(RemoteCommand.of("find " + quote(dir) + " -mindepth 1 -maxdepth 1 -type f -links 1 ! -user root"
                + " -exec chown root:root {} + -exec chmod 0600 {} +"));
        return Step.Outcome.changes(new Change(c.host(), c.step(), c.action(), c.subject(),
                c.reason() + "; snapshots in it become " + Ownership.ROOT_ONLY.chown() + " " + Ownership.ROOT_ONLY.mode(),
                c.diff(), false, false, commands));
    }

    /**
     * The snapshot script. It runs as root, so it trusts nothing it did not make: it refuses a backup
     * directory that is a link or not root's 0700, takes the snapshot into a private temp dir inside it
     * (mktemp -d, 0700), checks it there and renames it into place with {@code mv -T}, which replaces a
     * link of that name instead of following it. No chown: root's umask 077 made it 0600 root:root. The temp
     * dir of a killed run is removed by the next run once older than a run can take.
     */
    String script() {
        BackupSettings b = cluster.backup();
        String name = cluster.name();
        return "#!/bin/sh\n"
                + "# Managed by dcsprov: scheduled etcd snapshot of this member (dcsprov_backup_schedule).\n"
                + "# Snapshots: " + b.hostDir() + "/" + name + "-<UTC time>.db, 0600 root:root, newest "
                + b.hostKeep() + " kept.\n"
                + "set -eu\n"
                + "umask 077\n"
                + "dir=" + quote(b.hostDir()) + "\n"
                + "tmp=\n"
                + b.nodeExporter().map(n -> metricsFunctions(n.textfileDir())).orElse("")
                + "trap '" + (b.nodeExporter().isPresent() ? "rc=$?; " : "") + "[ -z \"$tmp\" ] || rm -rf -- \"$tmp\""
                + (b.nodeExporter().isPresent() ? "; [ $rc -eq 0 ] || failed_metric | publish " + FAILURE_METRICS_FILE + " || true" : "")
                + "' EXIT\n"
                + "if [ -L \"$dir\" ] || [ ! -d \"$dir\" ] || [ \"$(stat -c '%u %a' \"$dir\")\" != \"$(id -u) 700\" ]; then\n"
                + "  echo \"refusing to snapshot into $dir: it must be a directory of $(id -un) with mode 0700 (run dcsprov apply)\" >&2; exit 1\n"
                + "fi\n"
                + "# What a killed run left (SIGKILL, a crash): its temp dir, older than a run can take (etcdctl is bounded to 10 min).\n"
                + "find \"$dir\" -mindepth 1 -maxdepth 1 -name '.dcsprov-snapshot.*' -type d -user \"$(id -u)\" -mmin +11 -exec rm -rf -- {} + 2>/dev/null || :\n"
                + "tmp=$(mktemp -d \"$dir/.dcsprov-snapshot.XXXXXX\")\n"
                + "s=\"$tmp/snapshot.db\"\n"
                + "# etcdctl 3.4's snapshot save waits forever for a member that is down: bound it.\n"
                + EtcdctlInvocation.of("https://127.0.0.1:" + cluster.clientPort(), paths.caCert(), paths.adminCert(), paths.adminKey())
                        .bounded(600) + " --dial-timeout=5s snapshot save \"$s\" >/dev/null\n"
                + "# etcd appends the SHA-256 of the database; 'snapshot status' alone does not notice damage.\n"
                + "n=$(stat -c %s \"$s\")\n"
                + "if [ $((n % 512)) -ne 32 ] || [ \"$(head -c $((n - 32)) \"$s\" | sha256sum | cut -d' ' -f1)\" != "
                + "\"$(tail -c 32 \"$s\" | od -An -tx1 | tr -d ' \\n')\" ]; then echo \"the snapshot failed its SHA-256 check\" >&2; exit 1; fi\n"
                + SnapshotTool.DEFINE
                + "status=$(" + SnapshotTool.status("\"$s\"") + ")\n"
                + "chmod 0600 \"$s\"\n"
                + "now=$(date -u +%s)\n"
                + "f=\"$dir/" + name + "-$(date -u -d \"@$now\" +%Y%m%dT%H%M%SZ).db\"\n"
                + RootShell.install("\"$s\"", "\"$f\"")
                + "echo \"snapshot $f $status\"\n"
                + (b.nodeExporter().isPresent() ? "success_metrics \"$now\" \"$n\" | publish " + METRICS_FILE + "\n"
                        + "echo \"metrics in " + b.nodeExporter().get().textfileDir() + "/" + METRICS_FILE + "\"\n" : "")
                + "# Retention: the newest " + b.hostKeep() + " of this cluster's snapshots (regular files only).\n"
                + "ls -1 \"$dir\" | grep -E '^" + name + "-[0-9]{8}T[0-9]{6}Z\\.db$' | while read -r x; do "
                + "[ -f \"$dir/$x\" ] && [ ! -L \"$dir/$x\" ] && echo \"$x\"; done | sort | head -n -" + b.hostKeep()
                + " | while read -r old; do rm -f -- \"$dir/$old\"; echo \"removed $dir/$old\"; done\n";
    }

    /**
     * Shell functions that publish the snapshot metrics for node_exporter's textfile collector: each file is
     * written to a temp name (which the collector's *.prom glob does not match) and renamed into place, 0644.
     * Run as root in a directory other accounts may reach, so {@code publish} first enters the directory, then
     * checks that the directory it is in is the configured one ({@code pwd -P}: no link anywhere on the path)
     * and that no one but root may write it; from then on only root can change what it names.
     */
    private static String metricsFunctions(String textfileDir) {
        String help = "# HELP " + LAST_SUCCESS + " Unix time of the newest scheduled etcd snapshot of this member (dcsprov-snapshot).\\n"
                + "# TYPE " + LAST_SUCCESS + " gauge\\n" + LAST_SUCCESS + " %s\\n"
                + "# HELP " + LAST_SIZE + " Size in bytes of the newest scheduled etcd snapshot of this member.\\n"
                + "# TYPE " + LAST_SIZE + " gauge\\n" + LAST_SIZE + " %s\\n";
        return "textdir=" + quote(textfileDir) + "\n"
                + "publish() (\n"
                + "  if ! cd \"$textdir\" 2>/dev/null || [ \"$(pwd -P)\" != \"$textdir\" ] || [ \"$(stat -c %u .)\" != \"$(id -u)\" ] "
                + "|| [ $((0$(stat -c %a .) & 022)) -ne 0 ]; then\n"
                + "    echo \"cannot publish the snapshot metrics: $textdir must be a directory (no link on its path) that only $(id -un) "
                + "may write (is prometheus-node-exporter installed?)\" >&2; exit 1\n"
                + "  fi\n"
                + "  t=$(mktemp \".$1.XXXXXX\")\n"
                + "  cat > \"$t\" && chmod 0644 \"$t\" && mv -fT \"$t\" \"$1\" || { rm -f -- \"$t\"; exit 1; }\n"
                + ")\n"
                + "success_metrics() { printf '" + help + "' \"$1\" \"$2\"; }\n"
                + "failed_metric() { printf '# HELP " + LAST_FAILURE + " Unix time of the last failed run of dcsprov-snapshot on this member.\\n"
                + "# TYPE " + LAST_FAILURE + " gauge\\n" + LAST_FAILURE + " %s\\n' \"$(date -u +%s)\"; }\n";
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
