package dev.dcsprov.maintain;

/**
 * How {@code dcsprov maintain} runs.
 *
 * @param keepRevisions         revisions of history kept by the compaction (0: compact to the current revision)
 * @param minReclaimablePercent a member is defragmented only when more than this share of its database file is free space
 * @param diskMarginBytes       free disk a member needs beyond its database size before it is defragmented
 */
public record MaintenanceOptions(long keepRevisions, int minReclaimablePercent, long diskMarginBytes) {
    public static final int DEFAULT_MIN_RECLAIMABLE_PERCENT = 10;
    public static final long DEFAULT_DISK_MARGIN_BYTES = 64L * 1024 * 1024;

    public MaintenanceOptions {
        if (keepRevisions < 0 || minReclaimablePercent < 0 || minReclaimablePercent > 99 || diskMarginBytes < 0) {
            throw new IllegalArgumentException("keepRevisions >= 0, 0 <= minReclaimablePercent <= 99, diskMarginBytes >= 0");
        }
    }

    public static MaintenanceOptions defaults() {
        return new MaintenanceOptions(0, DEFAULT_MIN_RECLAIMABLE_PERCENT, DEFAULT_DISK_MARGIN_BYTES);
    }
}
