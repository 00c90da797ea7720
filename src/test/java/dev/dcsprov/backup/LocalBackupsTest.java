package dev.dcsprov.backup;

import dev.dcsprov.DcsprovException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LocalBackupsTest {
    @TempDir
    Path dir;

    private Path store(LocalBackups b, String time, String content) throws Exception {
        Path part = b.newPartFile();
        Files.writeString(part, content);
        return b.keep(part, Instant.parse(time), SnapshotFile.sha256(part));
    }

    @Test
    void namesByClusterAndUtcTimeWithPrivateModesAndAChecksum() throws Exception {
        LocalBackups b = new LocalBackups(dir.resolve("backups/dcs"), "dcs");
        Path f = store(b, "2026-03-04T05:06:07Z", "x");
        assertEquals("dcs-20260304T050607Z.db", f.getFileName().toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(SnapshotFile.sha256(f) + "  dcs-20260304T050607Z.db\n", Files.readString(dir.resolve("backups/dcs/dcs-20260304T050607Z.db.sha256")));
        assertEquals(Optional.of(SnapshotFile.sha256(f)), LocalBackups.recordedSha256(f));
        // The same second twice never overwrites.
        assertEquals("dcs-20260304T050607Z-1.db", store(b, "2026-03-04T05:06:07Z", "y").getFileName().toString());
        try (var s = Files.list(f.getParent())) {
            assertEquals(4, s.count(), "no .part files left behind");
        }
    }

    @Test
    void whatAKilledRunLeftIsRemovedByTheNextDownloadButNotAnotherRunsFreshDownloadOrAnyBackup() throws Exception {
        LocalBackups b = new LocalBackups(dir, "dcs");
        Path kept = store(b, "2026-03-04T05:06:07Z", "x");
        Path oldPart = Files.createFile(dir.resolve(".download-1.part"));
        Files.setLastModifiedTime(oldPart, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(3600)));
        Path freshPart = Files.createFile(dir.resolve(".download-2.part"));
        Path orphanSum = Files.writeString(dir.resolve("dcs-20260305T000000Z.db.sha256"), "ab  dcs-20260305T000000Z.db\n");
        Path otherClusters = Files.writeString(dir.resolve("pg-20260305T000000Z.db.sha256"), "ab  pg-20260305T000000Z.db\n");
        Path part = b.newPartFile(java.time.Duration.ofMinutes(31));
        assertEquals(false, Files.exists(oldPart), "a download older than any backup can take");
        assertEquals(false, Files.exists(orphanSum), "a checksum whose snapshot never got its name");
        assertEquals(true, Files.exists(freshPart), "maybe another backup's download, still running");
        assertEquals(true, Files.exists(otherClusters));
        assertEquals(true, Files.exists(kept) && Files.exists(dir.resolve(kept.getFileName() + ".sha256")));
        assertEquals(true, Files.exists(part));
    }

    @Test
    void pruneKeepsTheNewestAndOnlyThisClustersFiles() throws Exception {
        LocalBackups b = new LocalBackups(dir, "dcs");
        for (int d = 1; d <= 5; d++) {
            store(b, "2026-01-0" + d + "T00:00:00Z", "v" + d);
        }
        Files.writeString(dir.resolve("dcs-other.db"), "mine");
        Files.writeString(dir.resolve("dcs2-20250101T000000Z.db"), "another cluster");
        List<Path> removed = b.prune(2);
        assertEquals(List.of("dcs-20260101T000000Z.db", "dcs-20260102T000000Z.db", "dcs-20260103T000000Z.db"),
                removed.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(List.of("dcs-20260104T000000Z.db", "dcs-20260105T000000Z.db"), b.list().stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(false, Files.exists(dir.resolve("dcs-20260101T000000Z.db.sha256")));
        assertEquals(true, Files.exists(dir.resolve("dcs-other.db")) && Files.exists(dir.resolve("dcs2-20250101T000000Z.db")));
    }

    @Test
    void aBrokenChecksumFileIsAnError() throws Exception {
        Path f = dir.resolve("x.db");
        Files.writeString(f, "x");
        assertEquals(Optional.empty(), LocalBackups.recordedSha256(f));
        Files.writeString(dir.resolve("x.db.sha256"), "not a hash  x.db\n");
        assertThrows(DcsprovException.class, () -> LocalBackups.recordedSha256(f));
    }
}
