package dev.dcsprov.inventory;

import java.nio.file.Path;
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
 */
public record BackupSettings(Path localDir, int keep, Optional<String> schedule, String hostDir, int hostKeep) {
    public static final String DEFAULT_HOST_DIR = "/var/lib/dcs/backup";
    public static final int DEFAULT_KEEP = 7;
}
