package dev.dcsprov.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A client that keeps writing keys through the cluster with Debian's etcdctl (all endpoints, its own
 * retries) while a test changes the cluster, recording every acknowledged key, failures and the
 * longest gap between acknowledged writes. Bounded in count and time; it stops by itself.
 */
final class KeyWriter {
    record Figures(int attempts, int failed, long longestGapMs, List<String> acknowledged, List<String> errors) {

        /**
         * What a correct cluster guarantees: every acknowledged key is stored. A write that failed may
         * have been applied all the same (its outcome is ambiguous to the client), so a stored key that
         * was not acknowledged must be one of the failed attempts, and nothing else.
         */
        /**
         * The rotation itself refused no write: a wrong order of certificates shows up as rejected
         * handshakes. Zero failures is the target, but etcd 3.4 now and then fails a put while a member
         * shuts down ("transport: missing content-type field") or leadership moves ("raft proposal
         * dropped"), which etcdctl does not retry; those are allowed up to 1% and printed.
         */
        void assertNoCertificateRefusals() {
            List<String> tls = errors.stream().filter(e -> {
                String l = e.toLowerCase();
                return l.contains("x509") || l.contains("certificate") || l.contains("handshake") || l.contains("tls:");
            }).toList();
            org.junit.jupiter.api.Assertions.assertEquals(List.of(), tls, "writes refused because of certificates: " + this);
            org.junit.jupiter.api.Assertions.assertTrue(failed * 100 <= attempts, "at most 1% of writes fail, transiently: " + this);
            org.junit.jupiter.api.Assertions.assertTrue(acknowledged.size() > 20, "the writer kept writing: " + this);
        }

        void assertStoredExactly(java.util.Collection<String> stored) {
            java.util.Set<String> failedKeys = new java.util.HashSet<>();
            errors.forEach(e -> failedKeys.add(e.substring(0, e.indexOf(':'))));
            List<String> lost = acknowledged.stream().filter(k -> !stored.contains(k)).toList();
            org.junit.jupiter.api.Assertions.assertEquals(List.of(), lost, "acknowledged writes lost: " + this);
            List<String> unexplained = stored.stream().filter(k -> !acknowledged.contains(k) && !failedKeys.contains(k)).toList();
            org.junit.jupiter.api.Assertions.assertEquals(List.of(), unexplained, "keys nobody wrote: " + this);
        }

        @Override
        public String toString() {
            return attempts + " writes, " + failed + " failed, longest gap between acknowledged writes " + longestGapMs
                    + " ms" + (errors.isEmpty() ? "" : ", errors: " + errors.subList(0, Math.min(3, errors.size())));
        }
    }

    private final Thread thread;
    private volatile boolean stop;
    private volatile Path material;
    private final List<String> acknowledged = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private int attempts;
    private long longestGap;

    private KeyWriter(Path material, List<String> endpoints, String prefix) {
        this.material = material;
        thread = new Thread(() -> {
            long last = System.nanoTime();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
            for (int i = 0; !stop && i < 100_000 && System.nanoTime() < deadline; i++) {
                String key = prefix + String.format("%06d", i);
                attempts++;
                Proc.Result r = put(this.material, endpoints, key, "v" + i);
                long now = System.nanoTime();
                if (r.exit() == 0 && r.out().contains("OK")) {
                    acknowledged.add(key);
                    longestGap = Math.max(longestGap, TimeUnit.NANOSECONDS.toMillis(now - last));
                    last = now;
                } else {
                    errors.add(key + ": " + r.err().strip());
                }
            }
        }, "it-key-writer");
    }

    static Proc.Result put(Path material, List<String> endpoints, String key, String value) {
        return Proc.run(List.of("etcdctl", "--endpoints=" + String.join(",", endpoints),
                "--cacert=" + material.resolve("ca.crt"), "--cert=" + material.resolve("root.crt"),
                "--key=" + material.resolve("root.key"), "--dial-timeout=2s", "--command-timeout=5s",
                "put", key, value), Map.of("ETCDCTL_API", "3"), null, 30);
    }

    /** A copy of the local admin client material, as an application holds it: rotations do not change it under the writer. */
static Path clientMaterial(Path pki) throws IOException {
    Path material = Files.createTempDirectory("it-key-writer-client");
    Files.copy(pki.resolve("ca.crt"), material.resolve("ca.crt"));
    Files.copy(pki.resolve("clients/root.crt"), material.resolve("root.crt"));
    Files.copy(pki.resolve("clients/root.key"), material.resolve("root.key"));
    return material;
}

static KeyWriter start(Path material, List<String> endpoints, String prefix) {
        KeyWriter w = new KeyWriter(material, endpoints, prefix);
        w.thread.start();
        return w;
    }

    void use(Path newMaterial) {
        material = newMaterial;
    }

    Figures stop() throws InterruptedException {
        stop = true;
        thread.join(60_000);
        return new Figures(attempts, errors.size(), longestGap, List.copyOf(acknowledged), List.copyOf(errors));
    }
}
