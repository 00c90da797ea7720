package dev.dcsprov.monitoring;

/**
 * One member's /metrics for Prometheus.
 *
 * @param member  etcd member name (label {@code member})
 * @param address host:port (IPv6 in brackets)
 */
public record ScrapeTarget(String member, String address) {
}
