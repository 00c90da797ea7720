package dev.dcsprov.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostCertificateRequestTest {
    @Test
    void ofSortsMixedSansIntoDnsAndIp() {
        HostCertificateRequest request = HostCertificateRequest.of("dcs-00",
                List.of("dcs-00.example.org", "10.0.0.10", "::1", "*.dcs.example.org"), 365, KeyAlgorithm.ECDSA_P256);

        assertEquals(List.of("dcs-00.example.org", "*.dcs.example.org"), request.dnsNames());
        assertEquals(List.of("10.0.0.10", "::1"), request.ipAddresses());
        assertEquals(new TreeSet<>(Set.of("dns:dcs-00.example.org", "dns:*.dcs.example.org", "ip:10.0.0.10", "ip:::1")),
                request.sanSet());
    }

    @Test
    void invalidIpIsRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HostCertificateRequest("dcs-00", List.of(), List.of("10.0.0.256"), 365, KeyAlgorithm.ECDSA_P256));
        assertEquals("not an IPv4 or IPv6 address: '10.0.0.256'", e.getMessage());
    }

    @Test
    void invalidDnsNameIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new HostCertificateRequest("dcs-00", List.of("bad name"), List.of(), 365, KeyAlgorithm.ECDSA_P256));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../etc", "a/b", "-x", ".hidden", "dcs 00"})
    void memberNamesThatCannotBeFileNamesAreRejected(String name) {
        assertThrows(IllegalArgumentException.class,
                () -> new HostCertificateRequest(name, List.of(), List.of(), 365, KeyAlgorithm.ECDSA_P256));
    }

    @Test
    void validityMustBePositive() {
        assertThrows(IllegalArgumentException.class,
                () -> new HostCertificateRequest("dcs-00", List.of(), List.of(), 0, KeyAlgorithm.ECDSA_P256));
    }
}
