package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressesTest {
    @Test
    void ipv4() {
        assertTrue(Addresses.isIpv4("192.168.56.10"));
        assertTrue(Addresses.isIpv4("0.0.0.0"));
        assertFalse(Addresses.isIpv4("10.0.0.300"));
        assertFalse(Addresses.isIpv4("10.0.0"));
        assertFalse(Addresses.isIpv4("010.0.0.1"));
    }

    @Test
    void ipv6() {
        assertTrue(Addresses.isIpv6("::1"));
        assertTrue(Addresses.isIpv6("fd00::10"));
        assertTrue(Addresses.isIpv6("2001:db8:0:0:0:0:0:1"));
        assertTrue(Addresses.isIpv6("::ffff:192.168.1.1"));
        assertFalse(Addresses.isIpv6("2001:db8::1::2"));
        assertFalse(Addresses.isIpv6("2001:db8:0:0:0:0:0:0:1"));
        assertFalse(Addresses.isIpv6("fd00::g"));
        assertFalse(Addresses.isIpv6("dcs-00"));
    }

    @Test
    void dnsNames() {
        assertTrue(Addresses.isDnsName("dcs-00"));
        assertTrue(Addresses.isDnsName("db-1.example.com."));
        assertFalse(Addresses.isDnsName("dcs_00"), "underscores are not allowed in host names");
        assertFalse(Addresses.isDnsName("-dcs"));
        assertFalse(Addresses.isDnsName("10.0.0.300"), "an all-numeric name is a mistyped IP");
        assertFalse(Addresses.isDnsName(""));
    }
}
