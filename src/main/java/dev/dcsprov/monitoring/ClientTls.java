package dev.dcsprov.monitoring;

import java.nio.file.Path;

/** Paths (never contents) of the CA bundle and the client certificate Prometheus presents on the client port. */
public record ClientTls(Path caFile, Path certFile, Path keyFile) {
}
