package dev.dcsprov.it;

import dev.dcsprov.Shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application's traffic while a test changes the cluster: write a key, read it back, next key,
 * through Debian's etcdctl with every endpoint. Like an application (Patroni, the Kubernetes API
 * server) it retries a request that failed, across the endpoints, a few times: a write or read
 * fails only when every try failed. Each failed try is kept, so a test can tell the transient errors
 * of a member going away from refusals. Bounded in count and time; it stops by itself.
 *
 * <p>Retrying a put is safe here: every key is written once with a fixed value, so a try that failed
 * after etcd applied it and the retry that follows leave the same key and value.
 */
final class Workload {
    /** Tries per write or read: enough to get past one member restarting, too few to hide an outage. */
    static final int TRIES = 4;
    /**
     * Longer than this without an acknowledged write counts as an outage. One try can wait out its
     * 5 s command timeout: a follower forwards a put to the leader just as leadership moves, raft
     * drops it there and the follower never answers; the retry then succeeds.
     */
    static final long LONGEST_ACCEPTABLE_GAP_MS = 8_000;

    /**
     * @param failedRequests tries that failed, retried or not: "key op: error"
     * @param failedWrites   keys whose write failed on every try (the outcome is unknown to the client)
     * @param failedReads    acknowledged keys that could not be read back, or read back wrong
     */
    record Figures(int writes, int reads, List<String> failedRequests, List<String> failedWrites, List<String> failedReads,
                   long longestGapMs, List<String> acknowledged) {

        /**
         * What a rolling change must give an application: every write and read done, no try refused
         * for a certificate (a rotation in the wrong order shows up as rejected handshakes, which a
         * retry on another member could otherwise hide), and no long gap.
         */
        void assertServedThroughout() {
            assertEquals(List.of(), failedWrites, "writes that failed on every try: " + this);
            assertEquals(List.of(), failedReads, "reads that failed or read a wrong value: " + this);
            List<String> refusals = failedRequests.stream().filter(Workload::certificateRefusal).toList();
            assertEquals(List.of(), refusals, "requests refused because of certificates: " + this);
            assertTrue(acknowledged.size() > 20, "the client kept writing: " + this);
            assertTrue(longestGapMs < LONGEST_ACCEPTABLE_GAP_MS, "no outage: " + this);
        }

        /**
         * Every acknowledged key is stored. A write that failed on every try may have been applied
         * all the same, so a stored key that was not acknowledged must be one of those, and nothing else.
         */
        void assertStoredExactly(Collection<String> stored) {
            List<String> lost = acknowledged.stream().filter(k -> !stored.contains(k)).toList();
            assertEquals(List.of(), lost, "acknowledged writes lost: " + this);
            Set<String> known = new HashSet<>(acknowledged);
            known.addAll(failedWrites);
            List<String> unexplained = stored.stream().filter(k -> !known.contains(k)).toList();
            assertEquals(List.of(), unexplained, "keys nobody wrote: " + this);
        }

        @Override
        public String toString() {
            return writes + " writes (" + failedWrites.size() + " failed), " + reads + " reads (" + failedReads.size()
                    + " failed), " + failedRequests.size() + " failed tries retried, longest gap between acknowledged writes "
                    + longestGapMs + " ms" + (failedRequests.isEmpty() ? ""
                    : "; failed tries: " + failedRequests.subList(0, Math.min(3, failedRequests.size())));
        }
    }

    private final Thread thread;
    private final List<String> endpoints;
    private volatile boolean stop;
    private volatile Path material;
    private final List<String> acknowledged = new ArrayList<>();
    private final List<String> failedRequests = new ArrayList<>();
    private final List<String> failedWrites = new ArrayList<>();
    private final List<String> failedReads = new ArrayList<>();
    private volatile int ackCount;
    private int writes;
    private int reads;
    private long longestGap;

    private Workload(Path material, List<String> endpoints, String prefix) {
        this.material = material;
        this.endpoints = List.copyOf(endpoints);
        thread = new Thread(() -> run(prefix), "it-workload");
        thread.setDaemon(true);
    }

    /** Starts the client; {@code material} holds ca.crt, root.crt and root.key (see {@link #clientMaterial}). */
    static Workload start(Path material, List<String> endpoints, String prefix) {
        Workload w = new Workload(material, endpoints, prefix);
        w.thread.start();
        return w;
    }

    /** A copy of the local admin client material, as an application holds it: rotations do not change it under the client. */
    static Path clientMaterial(Path pki) throws IOException {
        Path material = Files.createTempDirectory("it-workload-client");
        Files.copy(pki.resolve("ca.crt"), material.resolve("ca.crt"));
        Files.copy(pki.resolve("clients/root.crt"), material.resolve("root.crt"));
        Files.copy(pki.resolve("clients/root.key"), material.resolve("root.key"));
        return material;
    }

    /** One etcdctl put, no retries: for checks that a given client material is refused. */
    static Proc.Result put(Path material, List<String> endpoints, String key, String value) {
        return etcdctl(material, endpoints, "put", key, value);
    }

    /** The application takes new client material (a CA bundle, a new certificate) from its next request on. */
    void use(Path newMaterial) {
        material = newMaterial;
    }

    int acknowledged() {
        return ackCount;
    }

    Figures stop() throws InterruptedException {
        stop = true;
        thread.join(120_000);
        return new Figures(writes, reads, List.copyOf(failedRequests), List.copyOf(failedWrites), List.copyOf(failedReads),
                longestGap, List.copyOf(acknowledged));
    }

    private void run(String prefix) {
        long last = System.nanoTime();
        long deadline = last + TimeUnit.MINUTES.toNanos(10);
        for (int i = 0; !stop && i < 100_000 && System.nanoTime() < deadline; i++) {
            String key = prefix + String.format("%06d", i);
            String value = "v" + i;
            writes++;
            if (!tryRepeatedly(key, "put", r -> r.out().strip().equals("OK"), "put", key, value)) {
                failedWrites.add(key);
                continue;
            }
            long now = System.nanoTime();
            acknowledged.add(key);
            ackCount++;
            longestGap = Math.max(longestGap, TimeUnit.NANOSECONDS.toMillis(now - last));
            last = now;
            reads++;
            if (!tryRepeatedly(key, "get", r -> r.out().strip().equals(value), "get", key, "--print-value-only")) {
                failedReads.add(key);
            }
        }
    }

    /** Tries a request up to {@link #TRIES} times, each time with another endpoint first, as a client's failover does. */
    private boolean tryRepeatedly(String key, String op, Predicate<Proc.Result> done, String... args) {
        for (int t = 0; t < TRIES; t++) {
            Proc.Result r = etcdctl(material, rotated(t), args);
            if (r.exit() == 0 && done.test(r)) {
                return true;
            }
            failedRequests.add(key + " " + op + ": " + (r.exit() == 0 ? "unexpected answer " + r.out().strip() : r.err().strip()));
            Shell.pause(100);
        }
        return false;
    }

    private List<String> rotated(int by) {
        List<String> order = new ArrayList<>(endpoints);
        Collections.rotate(order, -by);
        return order;
    }

    private static Proc.Result etcdctl(Path material, List<String> endpoints, String... args) {
        return Cli.etcdctl(material.resolve("ca.crt"), material.resolve("root.crt"), material.resolve("root.key"), endpoints, 2, 5, args);
    }

    /**
     * A handshake refused for a certificate reason (Go's x509 errors and TLS alerts). A handshake cut
     * short by a member shutting down ("EOF", "connection reset") is transient and not one of these.
     */
    static boolean certificateRefusal(String error) {
        String l = error.toLowerCase();
        return REFUSALS.stream().anyMatch(l::contains);
    }

    private static final List<String> REFUSALS = List.of("x509:", "bad certificate", "unknown certificate",
            "certificate required", "expired certificate", "certificate has expired", "unknown authority");
}
