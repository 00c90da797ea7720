package dev.dcsprov.plan;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * What the plan shows of a certificate a change installs, in place of its PEM: who it is for,
 * the names it is valid for, who signed it, until when, and the fingerprint to compare it by
 * ({@code openssl x509 -noout -fingerprint -sha256} prints the same).
 *
 * @param sans     DNS names, then IP addresses
 * @param notAfter ISO-8601 UTC, e.g. 2027-12-01T20:52:57Z
 * @param sha256   uppercase hex, colon separated
 */
public record CertificateSummary(String subject, List<String> sans, String issuer,
                                 @JsonProperty("not_after") String notAfter, String sha256) {

    public CertificateSummary {
        sans = List.copyOf(sans);
    }
}
