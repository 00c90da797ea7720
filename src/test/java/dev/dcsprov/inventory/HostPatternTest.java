package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostPatternTest {
    @Test
    void aNameWithoutARangeIsItself() {
        assertEquals(List.of("dcs-00"), HostPattern.expand("dcs-00"));
    }

    @Test
    void leadingZerosPadEveryNumberToTheStartsWidth() {
        assertEquals(List.of("dcs-08", "dcs-09", "dcs-10"), HostPattern.expand("dcs-[08:10]"));
        assertEquals(List.of("n8", "n9", "n10"), HostPattern.expand("n[8:10]"));
    }

    @Test
    void lettersStepsAndSeveralRanges() {
        assertEquals(List.of("db-a.lab", "db-b.lab", "db-c.lab"), HostPattern.expand("db-[a:c].lab"));
        assertEquals(List.of("node1", "node3", "node5"), HostPattern.expand("node[1:5:2]"));
        assertEquals(List.of("r1-a", "r1-b", "r2-a", "r2-b"), HostPattern.expand("r[1:2]-[a:b]"));
    }

    @Test
    void rangesThatAreNotOneAreRefusedWithTheReason() {
        assertTrue(assertThrows(HostPattern.BadRange.class, () -> HostPattern.expand("dcs-[02:00]")).getMessage().contains("ends before it starts"));
        assertTrue(assertThrows(HostPattern.BadRange.class, () -> HostPattern.expand("dcs-[0:a]")).getMessage().contains("from a number to a number"));
        assertTrue(assertThrows(HostPattern.BadRange.class, () -> HostPattern.expand("dcs-[0:4:0]")).getMessage().contains("positive number"));
        assertTrue(assertThrows(HostPattern.BadRange.class, () -> HostPattern.expand("dcs-[03]")).getMessage().contains("looks like a host range"));
    }
}
