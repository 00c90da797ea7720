package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Backups: where {@code dcsprov backup} keeps snapshots on this machine, and the optional scheduled
 * snapshots that {@code apply} sets up on every member.
 *
 * @param localDir     dcsprov_backup_dir, default {@code <inventory dir>/backups/<cluster>}
 * @param keep         dcsprov_backup_keep: snapshots kept in localDir, oldest removed first (default 7)
 * @param schedule     dcsprov_backup_schedule: a systemd OnCalendar expression ("daily", "hourly",
 *                     "*-*-* 02:30:00"); empty means no scheduled snapshots on the hosts
 * @param hostDir      dcsprov_backup_host_dir: snapshot directory on the members (default /var/lib/dcs/backup)
 * @param hostKeep     dcsprov_backup_host_keep: scheduled snapshots kept on each member (default 7)
 * @param nodeExporter etcd_node_exporter_port (+ _textfile_dir): where the scheduled snapshots publish their metrics
 * @param maxAge       dcsprov_backup_max_age: the age of the newest scheduled snapshot that alerts; empty: derived
 *                     from the schedule ({@link #snapshotMaxAge()})
 */
public record BackupSettings(Path localDir, int keep, Optional<String> schedule, String hostDir, int hostKeep,
                             Optional<NodeExporter> nodeExporter, Optional<Duration> maxAge) {
    public static final String DEFAULT_HOST_DIR = "/var/lib/dcs/backup";
    public static final int DEFAULT_KEEP = 7;
    /**
     * Added to one period of the schedule: the timer's RandomizedDelaySec (1 min) and the service's
     * TimeoutStartSec (15 min), so the age alert means "the last scheduled run did not succeed in time".
     */
    public static final Duration RUN_ALLOWANCE = Duration.ofMinutes(16);

    /** systemd's shorthand calendars (man systemd.time) and their longest period. */
    private static final Map<String, Duration> PERIODS = Map.of(
            "minutely", Duration.ofMinutes(1), "hourly", Duration.ofHours(1), "daily", Duration.ofDays(1),
            "weekly", Duration.ofDays(7), "monthly", Duration.ofDays(31), "quarterly", Duration.ofDays(92),
            "semiannually", Duration.ofDays(184), "yearly", Duration.ofDays(366), "annually", Duration.ofDays(366));

    /** Without node_exporter and an explicit maximum age (as before either existed). */
    public BackupSettings(Path localDir, int keep, Optional<String> schedule, String hostDir, int hostKeep) {
        this(localDir, keep, schedule, hostDir, hostKeep, Optional.empty(), Optional.empty());
    }

    /** The longest time between two runs of a shorthand calendar ("daily"); empty for any other expression. */
    public static Optional<Duration> period(String calendar) {
        return Optional.ofNullable(PERIODS.get(calendar.strip().toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * How old the newest scheduled snapshot may get before it alerts: dcsprov_backup_max_age, else one period
     * of the schedule plus {@link #RUN_ALLOWANCE}; empty without a schedule or for a calendar with no known period.
     */
    public Optional<Duration> snapshotMaxAge() {
        if (schedule.isEmpty()) {
            return Optional.empty();
        }
        return maxAge.or(() -> period(schedule.get()).map(p -> p.plus(RUN_ALLOWANCE)));
    }
}
