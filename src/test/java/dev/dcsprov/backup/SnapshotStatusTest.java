package dev.dcsprov.backup;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SnapshotStatusTest {
    @Test
    void parsesEtcdctlJsonAndPrintsEtcdctlsTable() {
        // Output of etcdctl 3.4.23 and etcdutl 3.5.16 for the same file (identical).
        SnapshotStatus s = SnapshotStatus.parse("{\"hash\":2430809320,\"revision\":2,\"totalKey\":7,\"totalSize\":20480}\n");
        assertEquals(new SnapshotStatus(2430809320L, 2, 7, 20480), s);
        // etcdctl snapshot status -w table of that file, verbatim.
        assertEquals("""
                +----------+----------+------------+------------+
                |   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |
                +----------+----------+------------+------------+
                | 90e334e8 |        2 |          7 |      20 kB |
                +----------+----------+------------+------------+
                """, s.table());
    }

    @Test
    void sizesLikeEtcd() {
        assertEquals("5 B", SnapshotStatus.humanSize(5));
        assertEquals("20 kB", SnapshotStatus.humanSize(20480));
        assertEquals("2.1 MB", SnapshotStatus.humanSize(2_097_152));
        assertEquals("2.1 GB", SnapshotStatus.humanSize(2_147_483_648L));
    }
}
