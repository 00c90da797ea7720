package dev.dcsprov.etcd;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EtcdIdTest {
    @Test
    void roundTripsUnsignedValues() {
        EtcdId id = EtcdId.fromDecimal("10276657743932975437");
        assertEquals("8e9e05c52164694d", id.hex());
        assertEquals(new BigInteger("10276657743932975437"), id.value());
        assertEquals(id, EtcdId.fromHex("8e9e05c52164694d"));
        assertEquals("ffffffffffffffff", EtcdId.fromDecimal("18446744073709551615").hex());
        assertEquals("1", new EtcdId(1).toString());
    }

    @Test
    void parsesGoDurations() {
        assertEquals(Optional.of(Duration.ofMillis(1500)), GoDuration.parse("1.5s"));
        assertEquals(Optional.of(Duration.ofMinutes(62).plusMillis(3500)), GoDuration.parse("1h2m3.5s"));
        assertEquals(Optional.of(Duration.ofNanos(850_000)), GoDuration.parse("850µs"));
        assertEquals(Optional.of(Duration.ZERO), GoDuration.parse("0s"));
        assertEquals(Optional.empty(), GoDuration.parse(""));
        assertEquals(Optional.empty(), GoDuration.parse("5 parsecs"));
    }
}
