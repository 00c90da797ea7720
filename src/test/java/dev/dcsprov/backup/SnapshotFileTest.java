package dev.dcsprov.backup;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real snapshot saved by etcdctl 3.4.23 in the lab (one key /a=1). */
class SnapshotFileTest {
    static final Path REAL = Path.of("src/test/resources/etcd/snapshot-3.4.23.db");

    @TempDir
    Path dir;

    @Test
    void aSnapshotFromEtcdPasses() {
        SnapshotFile.verifyIntegrity(REAL);
    }

    @Test
    void truncatedIsRefused() throws Exception {
        byte[] all = Files.readAllBytes(REAL);
        for (int len : new int[]{0, 10, 10_000, 512 + 32 - 1, all.length - 1}) {
            Path f = dir.resolve("t" + len + ".db");
            Files.write(f, Arrays.copyOf(all, len));
            DcsprovException e = assertThrows(DcsprovException.class, () -> SnapshotFile.verifyIntegrity(f), "length " + len);
            assertEquals(ExitCode.USAGE, e.exitCode());
            assertTrue(e.summary().contains("truncated"), e.summary());
        }
    }

    @Test
    void truncatedToABlockBoundaryIsRefusedByTheHash() throws Exception {
        byte[] all = Files.readAllBytes(REAL);
        Path f = dir.resolve("cut.db");
        Files.write(f, Arrays.copyOf(all, 4096 + 32)); // the right shape, the wrong content
        DcsprovException e = assertThrows(DcsprovException.class, () -> SnapshotFile.verifyIntegrity(f));
        assertTrue(e.summary().contains("corrupt"), e.summary());
    }

    @Test
    void oneChangedByteIsRefused() throws Exception {
        byte[] all = Files.readAllBytes(REAL);
        all[5000] ^= 1;
        Path f = dir.resolve("c.db");
        Files.write(f, all);
        DcsprovException e = assertThrows(DcsprovException.class, () -> SnapshotFile.verifyIntegrity(f));
        assertTrue(e.summary().contains("corrupt") && e.detail().orElseThrow().contains("Nothing was stopped"), e.summary());
    }

    @Test
    void sha256IsWhatSha256sumPrints() throws Exception {
        Path f = dir.resolve("abc");
        Files.writeString(f, "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SnapshotFile.sha256(f));
    }
}
