package dev.dcsprov.lock;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PKI dir's run lock between real processes: a second JVM holds it, is refused, is killed with SIGKILL. */
class LocalRunLockTest {
    static final RunHolder ME = new RunHolder("alice", "laptop", 4242, "dcsprov apply inv.yml", Instant.parse("2026-12-01T21:00:00Z"));

    /** Run by the test in a child JVM: takes the lock, says so, and holds it until killed or stdin ends. */
    public static void main(String[] args) throws IOException {
        try (LocalRunLock lock = LocalRunLock.acquire(Path.of(args[0]), "dcs",
                RunHolder.current(List.of("apply", "child.yml")))) {
            System.out.println("locked");
            System.out.flush();
            System.in.read();
        }
    }

    private static Process holder(Path pki) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LocalRunLockTest.class.getName(), pki.toString())
                .redirectErrorStream(true).start();
    }

    private static void awaitLocked(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", r.readLine(), "the child JVM did not take the lock");
    }

    @Test
    void aSecondProcessIsRefusedWithTheHolderAndAKilledHolderBlocksNothing(@TempDir Path dir) throws Exception {
        Path pki = dir.resolve("pki/dcs");
        Process child = holder(pki);
        try {
            awaitLocked(child);
            DcsprovException e = assertThrows(DcsprovException.class, () -> LocalRunLock.acquire(pki, "dcs", ME));
            assertEquals(ExitCode.LOCKED, e.exitCode());
            assertEquals(10, e.exitCode().code());
            String detail = e.detail().orElseThrow();
            assertTrue(e.summary().contains("cluster 'dcs'"), e.summary());
            assertTrue(detail.contains("pid " + child.pid()), detail);
            assertTrue(detail.contains("dcsprov apply child.yml"), detail);
            assertTrue(detail.contains(System.getProperty("user.name") + "@"), detail);
            assertTrue(detail.contains(pki.resolve("run.lock").toString()), detail);
            assertTrue(e.fix().orElseThrow().contains("run again"), e.fix().orElseThrow());
        } finally {
            child.destroyForcibly(); // SIGKILL: no finally, no shutdown hook runs in the child
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, child.exitValue());
        try (LocalRunLock lock = LocalRunLock.acquire(pki, "dcs", ME)) {
            assertTrue(Files.readString(pki.resolve("run.lock")).contains("alice@laptop, pid 4242"));
        }
    }

    @Test
    void releasedLockCanBeTakenAgainAndTheSameProcessCannotTakeItTwice(@TempDir Path dir) {
        Path pki = dir.resolve("pki");
        try (LocalRunLock first = LocalRunLock.acquire(pki, "dcs", ME)) {
            DcsprovException e = assertThrows(DcsprovException.class, () -> LocalRunLock.acquire(pki, "dcs", ME));
            assertTrue(e.detail().orElseThrow().contains("alice@laptop, pid 4242, since 2026-12-01T21:00:00Z: dcsprov apply inv.yml"),
                    e.detail().orElseThrow());
        }
        LocalRunLock.acquire(pki, "dcs", ME).close();
    }

    @Test
    void missingPkiDirIsCreatedPrivate(@TempDir Path dir) throws IOException {
        Path pki = dir.resolve("new/pki");
        LocalRunLock.acquire(pki, "dcs", ME).close();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(pki)));
    }
}
