package dev.dcsprov.apply;

import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.maintain.MaintenanceOptions;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.steps.DesiredFile;
import dev.dcsprov.steps.FileStep;
import dev.dcsprov.steps.Ownership;
import dev.dcsprov.steps.Step;
import dev.dcsprov.steps.TimerUnit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.dcsprov.Shell.quote;

/**
 * Scheduled maintenance when dcsprov_maintenance_schedule is set: on every member a script, a oneshot
 * service and a timer that run the sequence of {@code dcsprov maintain} for that member alone. Each
 * member defragments only itself, and only while it holds etcd's own lock ({@code etcdctl lock}, on a
 * lease that dies with the holder): so two members never defragment at once, whatever their clocks,
 * and a member that crashes mid-run blocks nobody beyond the lease's TTL. Under the lock it checks that
 * every member is healthy, hands leadership away if it leads, compacts, checks reclaimable space and
 * free disk, defragments itself, waits for health, and disarms NOSPACE once every database is below the
 * quota. The outcome goes to the journal and to {@link #LAST} (one line), which {@code status} shows.
 */
public final class ScheduledMaintenance {
    public static final String SCRIPT = "/usr/local/sbin/dcsprov-maintain";
    public static final String SERVICE = "/etc/systemd/system/dcsprov-maintain.service";
    public static final String TIMER = "/etc/systemd/system/dcsprov-maintain.timer";
    private static final TimerUnit UNIT = new TimerUnit("dcsprov-maintain.timer", TIMER);
    /** The last run's outcome: "<UTC time> <outcome>". */
    public static final String LAST = "/var/lib/dcs/maintenance.last";
    static final String LOCK = "dcsprov-maintenance";

    private final ClusterSettings cluster;
    private final RemotePaths paths;

    public ScheduledMaintenance(ClusterSettings cluster, RemotePaths paths) {
        this.cluster = cluster;
        this.paths = paths;
    }

    public List<String> files() {
        return cluster.maintenanceSchedule().isPresent() ? List.of(SCRIPT, SERVICE, TIMER) : List.of(TIMER);
    }

    public List<Step> steps() {
        if (cluster.maintenanceSchedule().isEmpty()) {
            return List.of((host, facts) -> UNIT.removeLeftover(host, facts, "dcsprov_maintenance_schedule is no longer set", "no scheduled maintenance"));
        }
        List<DesiredFile> files = List.of(TimerUnit.file(SCRIPT, script(), Ownership.ROOT_EXECUTES), TimerUnit.file(SERVICE, service(), Ownership.ROOT_READS),
                TimerUnit.file(TIMER, timer(), Ownership.ROOT_READS));
        List<Step> steps = new ArrayList<>();
        files.forEach(f -> steps.add(new FileStep(f, Optional.empty())));
        steps.add((host, facts) -> UNIT.enable(host, facts, files, "the maintenance units changed"));
        return steps;
    }

    /** The script: POSIX sh, etcdctl and coreutils only (minimal Debian hosts have no jq or python). */
    String script() {
        MaintenanceOptions d = MaintenanceOptions.defaults();
        String self = "https://127.0.0.1:" + cluster.clientPort();
        return "#!/bin/sh\n"
                + "# Managed by dcsprov: scheduled maintenance of this member (dcsprov_maintenance_schedule).\n"
                + "# Under etcd's lock '" + LOCK + "': health, leadership handed away, compaction, defragmentation of this\n"
                + "# member only, NOSPACE disarmed once every database is below the quota. Outcome: " + LAST + "\n"
                + "set -eu\n"
                + "umask 022\n"
                + "export ETCDCTL_API=3\n"
                + "unset ETCDCTL_ENDPOINTS\n"
                + "self=" + quote(self) + "\n"
                + "quota=" + cluster.tuning().quotaBackendBytes() + "\n"
                + "margin=" + d.diskMarginBytes() + "\n"
                + "minpct=" + d.minReclaimablePercent() + "\n"
                + "data=" + quote(cluster.dataDir()) + "\n"
                + "e() { etcdctl --cacert=" + quote(paths.caCert()) + " --cert=" + quote(paths.adminCert()) + " --key="
                + quote(paths.adminKey()) + " --dial-timeout=5s \"$@\"; }\n"
                + "done_() { mkdir -p \"$(dirname " + LAST + ")\"; printf '%s %s\\n' \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" \"$1\" > "
                + LAST + ".tmp && mv -f " + LAST + ".tmp " + LAST + "; echo \"$1\"; }\n"
                + "num() { echo \"$1\" | grep -o \"\\\"$2\\\":[0-9]*\" | head -n 1 | cut -d: -f2; }\n"
                + "all=$(e --endpoints=\"$self\" member list | cut -d, -f5 | tr -d ' ' | paste -sd, -)\n"
                + "if [ \"${DCSPROV_MAINTAIN_LOCKED:-}\" != 1 ]; then\n"
                + "  echo \"waiting for etcd's lock " + LOCK + " (one member at a time)\"\n"
                + "  DCSPROV_MAINTAIN_LOCKED=1 exec timeout 3600 etcdctl --cacert=" + quote(paths.caCert()) + " --cert=" + quote(paths.adminCert()) + " --key="
                + quote(paths.adminKey()) + " --endpoints=\"$all\" lock --ttl=60 " + LOCK + " \"$0\"\n"
                + "fi\n"
                + "echo \"holding the lock; members: $all\"\n"
                + "healthy() { e --endpoints=\"$all\" --command-timeout=10s endpoint health >/dev/null 2>&1; }\n"
                + "if ! healthy; then done_ \"refused: not every member is healthy\"; exit 1; fi\n"
                + "if e --endpoints=\"$all\" alarm list | grep -v 'alarm:NOSPACE' | grep -q 'alarm:'; then\n"
                + "  done_ \"refused: an alarm other than NOSPACE is active\"; exit 1; fi\n"
                + "st=$(e --endpoints=\"$self\" endpoint status -w json)\n"
                + "me=$(num \"$st\" member_id); leader=$(num \"$st\" leader)\n"
                + "if [ \"$me\" = \"$leader\" ]; then\n"
                + "  myhex=$(e --endpoints=\"$self\" endpoint status | cut -d, -f2 | tr -d ' ')\n"
                + "  to=$(e --endpoints=\"$self\" member list | cut -d, -f1 | grep -vx \"$myhex\" | head -n 1)\n"
                + "  echo \"this member leads: moving leadership to $to first\"\n"
                + "  e --endpoints=\"$self\" move-leader \"$to\" >/dev/null\n"
                + "fi\n"
                + "rev=$(num \"$st\" revision)\n"
                + "e --endpoints=\"$all\" --command-timeout=600s compact --physical \"$rev\" >/dev/null 2>&1 || true\n"
                + "# etcd counts freed pages as free only after later backend commits: two short leases make two, without\n"
                + "# touching any key (they fail harmlessly under NOSPACE, where the figure is not used).\n"
                + "for i in 1 2; do e --endpoints=\"$self\" lease grant 1 >/dev/null 2>&1 || true; sleep 0.3; done\n"
                + "st=$(e --endpoints=\"$self\" endpoint status -w json)\n"
                + "db=$(num \"$st\" dbSize); use=$(num \"$st\" dbSizeInUse)\n"
                + "pct=$(( (db - use) * 100 / db ))\n"
                + "# Under NOSPACE etcd commits nothing, so its in-use figure still counts what the compaction freed: defragment anyway.\n"
                + "nospace=$(e --endpoints=\"$all\" alarm list | grep -c 'alarm:NOSPACE' || true)\n"
                + "if [ \"$nospace\" -eq 0 ] && [ \"$pct\" -le \"$minpct\" ]; then done_ \"skipped: $pct% of $db bytes reclaimable (compacted to $rev)\"; exit 0; fi\n"
                + "free=$(df -B1 --output=avail \"$data\" | tail -n 1 | tr -d ' ')\n"
                + "if [ \"$free\" -lt $((db + margin)) ]; then\n"
                + "  done_ \"refused: free disk $free bytes < database $db + margin $margin\"; exit 1; fi\n"
                + "echo \"defragmenting this member: $db bytes, $pct% reclaimable\"\n"
                + "e --endpoints=\"$self\" --command-timeout=600s defrag >/dev/null\n"
                + "i=0; until healthy; do i=$((i + 1)); [ $i -lt 60 ] || { done_ \"failed: not healthy after the defragmentation\"; exit 1; }; sleep 1; done\n"
                + "after=$(num \"$(e --endpoints=\"$self\" endpoint status -w json)\" dbSize)\n"
                + "if e --endpoints=\"$all\" alarm list | grep -q 'alarm:NOSPACE'; then\n"
                + "  if e --endpoints=\"$all\" endpoint status -w json | grep -o '\"dbSize\":[0-9]*' | cut -d: -f2 | "
                + "awk -v q=\"$quota\" '$1 >= q {f=1} END {exit f ? 1 : 0}'; then\n"
                + "    e --endpoints=\"$all\" alarm disarm >/dev/null; echo \"every database is below the quota: NOSPACE disarmed\"; fi\n"
                + "fi\n"
                + "done_ \"defragmented: $db -> $after bytes (compacted to $rev)\"\n";
    }

    String service() {
        return "# Managed by dcsprov\n[Unit]\nDescription=etcd maintenance of cluster " + cluster.name() + " (dcsprov)\n"
                + "After=etcd.service\n\n[Service]\nType=oneshot\nTimeoutStartSec=90min\nExecStart=" + SCRIPT + "\n";
    }

    String timer() {
        return "# Managed by dcsprov (dcsprov_maintenance_schedule)\n[Unit]\nDescription=scheduled etcd maintenance (dcsprov)\n\n"
                + "[Timer]\nOnCalendar=" + cluster.maintenanceSchedule().orElseThrow() + "\nPersistent=true\n"
                + "RandomizedDelaySec=300\n\n[Install]\nWantedBy=timers.target\n";
    }
}
