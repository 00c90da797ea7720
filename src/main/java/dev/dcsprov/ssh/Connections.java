package dev.dcsprov.ssh;

import dev.dcsprov.ExitCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The connections of one run: opened in parallel (at most {@code forks} at a time), each host's outcome
 * kept separately so one unreachable host does not stop the others. Closing closes them all.
 */
public final class Connections implements AutoCloseable {
    private final Map<String, Connection> open;
    private final Map<String, RemoteException> failed;

    private Connections(Map<String, Connection> open, Map<String, RemoteException> failed) {
        this.open = Collections.unmodifiableMap(open);
        this.failed = Collections.unmodifiableMap(failed);
    }

    /** Connects to every target; never throws for a single host's failure. Maps keep the targets' order. */
    public static Connections open(SshConnector connector, List<SshTarget> targets, HostKeyPolicy policy, int forks) {
        if (forks < 1) {
            throw new IllegalArgumentException("forks must be at least 1: " + forks);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(forks, Math.max(1, targets.size())));
        try {
            List<Future<Connection>> futures = new ArrayList<>();
            for (SshTarget t : targets) {
                futures.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    Connection c = connector.connect(t, policy);
                    dev.dcsprov.Verbosity.log(2, "[" + t.hostName() + "] connected to " + t.user() + "@" + t.address() + ":" + t.port()
                            + (t.become() ? " (sudo)" : "") + t.privateKey().map(k -> " with key " + k).orElse("")
                            + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
                    return c;
                }));
            }
            Map<String, Connection> open = new LinkedHashMap<>();
            Map<String, RemoteException> failed = new LinkedHashMap<>();
            for (int i = 0; i < targets.size(); i++) {
                SshTarget t = targets.get(i);
                try {
                    open.put(t.hostName(), futures.get(i).get());
                } catch (ExecutionException e) {
                    failed.put(t.hostName(), asRemote(t, e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    open.values().forEach(Connection::close);
                    throw new RemoteException(ExitCode.FAILED, t.hostName(), "interrupted while connecting",
                            null, null, e);
                }
            }
            return new Connections(open, failed);
        } finally {
            pool.shutdown();
        }
    }

    private static RemoteException asRemote(SshTarget t, Throwable cause) {
        if (cause instanceof RemoteException re) {
            return re;
        }
        return new RemoteException(ExitCode.UNREACHABLE, t.hostName(), "could not connect: " + cause,
                null, null, cause);
    }

    /** Hosts connected, by inventory name. */
    public Map<String, Connection> open() {
        return open;
    }

    /** Hosts that could not be connected, by inventory name, with the reason. */
    public Map<String, RemoteException> failed() {
        return failed;
    }

    public boolean allOpen() {
        return failed.isEmpty();
    }

    @Override
    public void close() {
        open.values().forEach(Connection::close);
    }
}
