package dev.dcsprov.monitoring;

import java.time.Instant;

/**
 * A certificate of the local PKI, read when the pack is generated.
 *
 * @param name  e.g. "ca", "host dcs-00", "client root" (label {@code certificate})
 * @param renew the time from which dcsprov would renew it (not-after minus dcsprov_cert_renew_before_days)
 */
public record ExpiringCertificate(String name, Instant notAfter, Instant renew) {
}
