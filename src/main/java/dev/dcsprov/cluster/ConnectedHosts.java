package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.HostPlan;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * The open connections of a run and the executor that works hosts in parallel (at most
 * {@code forks} at once). Changes on one host run in order and stop at its first failure.
 */
public final class ConnectedHosts implements AutoCloseable {
    private final Map<String, Connection> connections;
    private final ExecutorService pool;

    public ConnectedHosts(Map<String, Connection> connections, int forks) {
        this.connections = new LinkedHashMap<>(connections);
        this.pool = Executors.newFixedThreadPool(Math.max(1, forks), r -> {
            Thread t = new Thread(r, "dcsprov-host");
            t.setDaemon(true);
            return t;
        });
    }

    public Connection connection(String host) {
        Connection c = connections.get(host);
        if (c == null) {
            throw new IllegalStateException("no connection to " + host);
        }
        return c;
    }

    /** Whether this run has a connection to the host (member commands go on without unreachable ones). */
    public boolean connected(String host) {
        return connections.containsKey(host);
    }

    /** Reads something from every host; the first failure (in inventory order) is thrown. */
    public <T> Map<String, T> eachInParallel(List<Host> hosts, BiFunction<Host, Connection, T> work) {
        Map<String, Future<T>> futures = new LinkedHashMap<>();
        for (Host h : hosts) {
            futures.put(h.name(), pool.submit(() -> work.apply(h, connection(h.name()))));
        }
        Map<String, T> results = new LinkedHashMap<>();
        RuntimeException first = null;
        // Every host's work ends before the first failure is thrown, so cleanup after it sees what each host did.
        for (Map.Entry<String, Future<T>> e : futures.entrySet()) {
            try {
                results.put(e.getKey(), await(e.getValue()));
            } catch (RuntimeException ex) {
                first = first == null ? ex : first;
            }
        }
        if (first != null) {
            throw first;
        }
        return results;
    }

    /** Applies each host's planned changes; returns host -> error for the hosts that failed. */
    public Map<String, String> applyInParallel(List<HostPlan> plans, Reporter reporter) {
        Map<String, List<Change>> byHost = new LinkedHashMap<>();
        for (HostPlan p : plans) {
            byHost.put(p.host(), p.changes());
        }
        return runByHost(byHost, reporter);
    }

    /** Runs changes, hosts in parallel, each host's in order; returns host -> error for failures. */
    public Map<String, String> runInParallel(List<Change> changes, Reporter reporter) {
        Map<String, List<Change>> byHost = new LinkedHashMap<>();
        for (Change c : changes) {
            byHost.computeIfAbsent(c.host(), k -> new ArrayList<>()).add(c);
        }
        return runByHost(byHost, reporter);
    }

    private Map<String, String> runByHost(Map<String, List<Change>> byHost, Reporter reporter) {
        Map<String, Future<String>> futures = new LinkedHashMap<>();
        for (Map.Entry<String, List<Change>> e : byHost.entrySet()) {
            futures.put(e.getKey(), pool.submit(() -> runInOrder(e.getKey(), e.getValue(), reporter)));
        }
        Map<String, String> failures = new LinkedHashMap<>();
        for (Map.Entry<String, Future<String>> e : futures.entrySet()) {
            String error = await(e.getValue());
            if (!error.isEmpty()) {
                failures.put(e.getKey(), error);
            }
        }
        return failures;
    }

    private String runInOrder(String host, List<Change> changes, Reporter reporter) {
        Connection c = connection(host);
        for (Change change : changes) {
            reporter.started(change);
            String error = "";
            try {
                for (RemoteCommand command : change.commands()) {
                    CommandResult r = c.run(command);
                    if (!r.ok()) {
                        error = change.subject() + ": exit status " + r.exitStatus()
                                + (r.stderr().isBlank() ? "" : ": " + lastLines(r.stderr(), 5));
                        break;
                    }
                }
            } catch (DcsprovException e) {
                error = e.summary();
            }
            reporter.finished(change, error);
            if (!error.isEmpty()) {
                return error;
            }
        }
        return "";
    }

    public static String lastLines(String text, int n) {
        List<String> lines = text.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DcsprovException(ExitCode.FAILED, "interrupted", "", "");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof DcsprovException d) {
                throw d;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        connections.values().forEach(Connection::close);
    }
}
