package dev.dcsprov.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {
    @ParameterizedTest
    @CsvSource({
            "10.0.0.1, 10.0.0.1",
            "255.255.255.255, 255.255.255.255",
            "::1, ::1",
            "0:0:0:0:0:0:0:1, ::1",
            "FD00::10, fd00::10",
            "fd00:0:0:1:0:0:0:1, fd00:0:0:1::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "::, ::",
            "::ffff:10.0.0.1, 10.0.0.1",
    })
    void normalizesToCanonicalText(String input, String expected) {
        assertEquals(expected, IpLiteral.normalize(input));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0", "10.1", "256.0.0.1", "01.2.3.4", "1.2.3.4.5", "localhost", "example.org",
            "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "::g", "10.0.0.1 ", "[::1]"})
    void rejectsWhatIsNotAStrictLiteral(String input) {
        assertFalse(IpLiteral.isValid(input), input);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "192.168.1.254", "fe80::1", "1:2:3:4:5:6:7:8"})
    void acceptsLiterals(String input) {
        assertTrue(IpLiteral.isValid(input), input);
    }

    @org.junit.jupiter.api.Test
    void bytesAreFourForIpv4AndSixteenForIpv6() {
        assertArrayEquals(new byte[] {10, 0, 0, (byte) 200}, IpLiteral.toBytes("10.0.0.200").orElseThrow());
        assertEquals(16, IpLiteral.toBytes("fd00::1").orElseThrow().length);
    }
}
