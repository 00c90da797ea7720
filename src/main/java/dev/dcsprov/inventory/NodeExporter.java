package dev.dcsprov.inventory;

/**
 * Prometheus's node_exporter on the members (installed by the operator, e.g. Debian's prometheus-node-exporter),
 * declared with etcd_node_exporter_port: {@code dcsprov monitoring} scrapes it, and the scheduled snapshot
 * script publishes its metrics through node_exporter's textfile collector.
 *
 * @param port        etcd_node_exporter_port: where node_exporter listens on every member (Debian's default 9100)
 * @param textfileDir etcd_node_exporter_textfile_dir: the directory its textfile collector reads {@code *.prom}
 *                    from (Debian's default {@value #DEFAULT_TEXTFILE_DIR})
 */
public record NodeExporter(int port, String textfileDir) {
    public static final String DEFAULT_TEXTFILE_DIR = "/var/lib/prometheus/node-exporter";
}
