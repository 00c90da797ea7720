package dev.dcsprov.lock;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.HeldCommand;
import dev.dcsprov.ssh.RemoteCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The run lock on the members: on each, a shell holds {@code flock} on {@value #PATH} for as long as its
 * SSH session lives. A run from another machine (with its own copy of the PKI) is refused there; a run
 * killed in any way loses its connections and with them its locks. Taken in inventory order and
 * never waited for, so two runs cannot deadlock: the later one is refused.
 * <p>
 * Except for one wait: sshd leaves the commands of a client that died running (a restore's etcdutl, an apt-get), so
 * when the session ends the shell keeps the lock until nothing on the member carries its run's
 * {@link dev.dcsprov.ssh.RunMarker} (at most {@value #DRAIN_SECONDS} s), marked {@value #DRAINING} in the lock file;
 * the next run waits for that instead of being refused, and then finds the step the killed run was in finished as
 * that step would have finished, never half done under it. At a run's normal end there is nothing to wait for.
 */
public final class MemberRunLocks implements AutoCloseable {
    public static final String PATH = "/run/dcsprov/run.lock";
    static final String READY = "DCSPROV-LOCKED";
    static final String BUSY = "DCSPROV-LOCK-BUSY";
    static final String DRAINING = "DCSPROV-DRAINING";
    static final int DRAIN_SECONDS = 300;
    /** The holder line comes on stdin, not in argv; the shell keeps fd 9 (the lock) until stdin ends. */
    static final String SCRIPT = script(PATH);

    static String script(String path) {
        return """
            umask 077
            mkdir -p "$(dirname %1$s)" || exit 1
            IFS= read -r holder || exit 1
            exec 9<>%1$s || exit 1
            if ! flock -n 9; then
              if ! head -c 32 %1$s | grep -q '^%4$s' || ! flock -w %6$d 9; then echo %2$s; cat %1$s; exit 75; fi
            fi
            printf '%%s\\n' "$holder" >%1$s
            echo %3$s
            cat >/dev/null
            [ -n "${%5$s:-}" ] || exit 0
            m="%5$s=$%5$s"; unset %5$s
            left() { grep -lzxsF "$m" /proc/[0-9]*/environ | grep -qvxF "/proc/$$/environ"; }
            if left; then
              printf '%4$s: what this run left running here: %%s\\n' "$holder" >%1$s
              n=0; while left && [ $n -lt %7$d ]; do sleep 0.2; n=$((n + 1)); done
            fi
            exit 0
            """.formatted(path, BUSY, READY, DRAINING, dev.dcsprov.ssh.RunMarker.NAME, DRAIN_SECONDS + 30, DRAIN_SECONDS * 5);
    }

    private final List<HeldCommand> held = new ArrayList<>();

    private MemberRunLocks() {
    }

    /** Locks every given member in order, or releases what it took and refuses (exit 10) naming the holder. */
    public static MemberRunLocks acquire(List<Connection> members, String cluster, RunHolder holder) {
        MemberRunLocks locks = new MemberRunLocks();
        try {
            for (Connection c : members) {
                HeldCommand h = c.hold(RemoteCommand.of(SCRIPT).withStdin(holder.line() + "\n")
                        .withTimeout(Duration.ofSeconds(DRAIN_SECONDS + 60)), READY);
                if (h.held()) {
                    locks.held.add(h);
                    continue;
                }
                CommandResult r = h.result();
                if (r.exitStatus() == 75 && r.stdout().startsWith(BUSY)) {
                    throw LocalRunLock.busy(cluster, "on " + c.hostName() + " (" + PATH + ")",
                            r.stdout().substring(BUSY.length()).strip());
                }
                throw new DcsprovException(ExitCode.HOST_FAILED, "cannot take the run lock on " + c.hostName(),
                        "exit status " + r.exitStatus() + ": " + r.stderr().strip() + " Nothing was changed.",
                        "check that flock (util-linux) is installed there and /run is writable by root, then run again");
            }
            return locks;
        } catch (RuntimeException e) {
            locks.close();
            throw e;
        }
    }

    @Override
    public void close() {
        for (int i = held.size() - 1; i >= 0; i--) {
            held.get(i).close();
        }
        held.clear();
    }
}
