package dev.dcsprov.it;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Independent checks of a lab cluster, shared by the rotation tests: Debian's etcdctl and this
 * machine's openssl with the local PKI's admin material, and ssh; never dcsprov code.
 */
final class ClusterChecks {
    private final List<String> hosts;
    private final List<String> endpoints;
    private final Path pki;

    ClusterChecks(List<String> hosts, Path pki) {
        this.hosts = List.copyOf(hosts);
        this.endpoints = Cli.endpoints(hosts);
        this.pki = pki;
    }

    void health() {
        Proc.Result h = Cli.etcdctl(pki, endpoints, "endpoint", "health");
        assertEquals(0, h.exit(), h::toString);
    }

    Set<String> keys(String prefix) {
        Proc.Result r = Cli.etcdctl(pki, endpoints, "get", prefix, "--prefix", "--keys-only");
        assertEquals(0, r.exit(), r::toString);
        return new TreeSet<>(r.out().lines().filter(l -> !l.isBlank()).toList());
    }

    /**
     * What a member presents over TLS, verified against the CA of {@code material} (ca.crt, root.crt,
     * root.key as {@link Workload#clientMaterial} lays them out): openssl's "serial=" and "issuer=" lines.
     */
    String served(String host, Path material) {
        Proc.Result s = Proc.run(List.of("sh", "-c", "openssl s_client -connect " + Lab.address(host) + ":2379 -CAfile "
                + material.resolve("ca.crt") + " -cert " + material.resolve("root.crt") + " -key " + material.resolve("root.key")
                + " -verify_return_error </dev/null 2>/dev/null | openssl x509 -noout -serial -issuer"));
        assertEquals(0, s.exit(), s::toString);
        return s.out();
    }

    static String serial(String served) {
        return served.lines().filter(l -> l.startsWith("serial=")).findFirst().orElse("").replace("serial=", "");
    }

    Map<String, String> servedSerials(Path material) {
        Map<String, String> m = new HashMap<>();
        hosts.forEach(h -> m.put(h, serial(served(h, material))));
        return m;
    }

    Map<String, String> mainPids() {
        Map<String, String> pids = new HashMap<>();
        hosts.forEach(h -> pids.put(h, Lab.sshOk(h, "systemctl show -p MainPID --value etcd").strip()));
        return pids;
    }
}
