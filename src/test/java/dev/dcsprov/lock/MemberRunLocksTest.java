package dev.dcsprov.lock;

import dev.dcsprov.ssh.RunMarker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The member lock's script, run here with sh as sshd runs it ({@code env DCSPROV_RUN=<run> sh -c SCRIPT}), on a lock
 * file of the test's own: a live holder refuses the next run at once; a holder whose session ended keeps the lock
 * while a command of its run still runs, and the next run waits for it instead of being refused.
 */
class MemberRunLocksTest {
    @TempDir
    Path dir;

    @Test
    void theNextRunWaitsForWhatAKilledRunStillRunsOnTheMemberAndIsRefusedByALiveRun() throws Exception {
        String lock = dir.resolve("run.lock").toString();
        Process a = lock("run-a", lock, "holder: run a");
        BufferedReader aSays = lines(a);
        assertEquals(MemberRunLocks.READY, aSays.readLine());

        // A step of run a (a shell and the command it waits for), and a long command of another run.
        Path after = dir.resolve("after");
        Process step = marked("run-a", "sleep 1.5; echo done > " + after);
        Process other = marked("run-b", "sleep 60");

        // While run a lives, another run is refused at once and told who holds the lock.
        long t0 = System.nanoTime();
        Process c = lock("run-c", lock, "holder: run c");
        c.getOutputStream().close();
        assertTrue(c.waitFor(10, TimeUnit.SECONDS));
        assertEquals(75, c.exitValue());
        String said = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(said.startsWith(MemberRunLocks.BUSY) && said.contains("holder: run a"), said);
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "refused without waiting");

        a.getOutputStream().close(); // run a's session ends, as when the run was killed and its connection went
        Thread.sleep(200);
        assertTrue(a.isAlive(), "the lock is kept while run a's step runs");
        assertTrue(Files.readString(Path.of(lock)).startsWith(MemberRunLocks.DRAINING + ": what this run left running here: holder: run a"),
                Files.readString(Path.of(lock)));
        Process d = lock("run-d", lock, "holder: run d");
        assertEquals(MemberRunLocks.READY, lines(d).readLine(), "the next run waited, and got the lock");
        assertTrue(Files.exists(after), "the step the killed run was in had finished before the next run got in");
        assertTrue(step.waitFor(1, TimeUnit.SECONDS) && step.exitValue() == 0, "the step ran to its end");
        assertTrue(a.waitFor(5, TimeUnit.SECONDS));
        assertEquals(0, a.exitValue());
        assertEquals("holder: run d\n", Files.readString(Path.of(lock)));
        assertTrue(other.isAlive(), "another run's command does not hold the lock up and is left alone");
        other.destroyForcibly();
        d.getOutputStream().close();
        assertTrue(d.waitFor(5, TimeUnit.SECONDS), "a run with nothing left running lets go at once");
        assertFalse(d.isAlive());
    }

    private static Process lock(String run, String lock, String holder) throws Exception {
        Process p = marked(run, MemberRunLocks.script(lock));
        p.getOutputStream().write((holder + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        return p;
    }

    private static BufferedReader lines(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private static Process marked(String run, String script) throws Exception {
        return new ProcessBuilder("env", RunMarker.NAME + "=" + run, "sh", "-c", script).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
