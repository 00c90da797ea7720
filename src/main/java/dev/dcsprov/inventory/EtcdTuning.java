package dev.dcsprov.inventory;

import java.util.OptionalInt;

/** etcd server tuning; defaults are etcd's own except auto-compaction, which operators expect on. */
public record EtcdTuning(
        int heartbeatIntervalMs,        // etcd_heartbeat_interval, default 100
        int electionTimeoutMs,          // etcd_election_timeout, default 1000
        long quotaBackendBytes,         // etcd_quota_backend_bytes, default 2147483648 (2 GiB)
        String autoCompactionMode,      // etcd_auto_compaction_mode: periodic (default) or revision
        String autoCompactionRetention, // etcd_auto_compaction_retention, default "1h"
        long snapshotCount,             // etcd_snapshot_count, default 100000
        OptionalInt metricsPort         // etcd_metrics_port: plain-HTTP /metrics (ETCD_LISTEN_METRICS_URLS); unset = on the client port only
) {
    /** Without a separate metrics port (etcd's default: /metrics on the client port, behind client-certificate TLS). */
    public EtcdTuning(int heartbeatIntervalMs, int electionTimeoutMs, long quotaBackendBytes, String autoCompactionMode,
                      String autoCompactionRetention, long snapshotCount) {
        this(heartbeatIntervalMs, electionTimeoutMs, quotaBackendBytes, autoCompactionMode, autoCompactionRetention, snapshotCount,
                OptionalInt.empty());
    }

    public static EtcdTuning defaults() {
        return new EtcdTuning(100, 1000, 2L * 1024 * 1024 * 1024, "periodic", "1h", 100_000);
    }
}
