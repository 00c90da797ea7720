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
 */
public final class MemberRunLocks implements AutoCloseable {
    public static final String PATH = "/run/dcsprov/run.lock";
    static final String READY = "DCSPROV-LOCKED";
    static final String BUSY = "DCSPROV-LOCK-BUSY";
    /** The holder line comes on stdin, not in argv; the shell keeps fd 9 (the lock) until stdin ends. */
    static final String SCRIPT = """
            umask 077
            mkdir -p /run/dcsprov || exit 1
            IFS= read -r holder || exit 1
            exec 9<>%1$s || exit 1
            if ! flock -n 9; then echo %2$s; cat %1$s; exit 75; fi
            printf '%%s\\n' "$holder" >%1$s
            echo %3$s
            cat >/dev/null
            """.formatted(PATH, BUSY, READY);

    private final List<HeldCommand> held = new ArrayList<>();

    private MemberRunLocks() {
    }

    /** Locks every given member in order, or releases what it took and refuses (exit 10) naming the holder. */
    public static MemberRunLocks acquire(List<Connection> members, String cluster, RunHolder holder) {
        MemberRunLocks locks = new MemberRunLocks();
        try {
            for (Connection c : members) {
                HeldCommand h = c.hold(RemoteCommand.of(SCRIPT).withStdin(holder.line() + "\n")
                        .withTimeout(Duration.ofSeconds(30)), READY);
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
