package dev.dcsprov.inventory;

import dev.dcsprov.ssh.SshConfig;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What ~/.ssh/config says for one host (looked up by the name dcsprov connects to: ansible_host, else the
 * inventory name), with bad values reported at the config's file:line. ProxyCommand is refused: dcsprov cannot
 * run it, and connecting directly instead would go somewhere else. The files UserKnownHostsFile names are read
 * beside the cluster's own known hosts files.
 */
final class SshConfigEntry {
    private final SshConfig config;
    private final String host;
    private final LocalPaths paths;
    private final Problems problems;

    SshConfigEntry(SshConfig config, String host, LocalPaths paths, Problems problems) {
        this.config = config;
        this.host = host;
        this.paths = paths;
        this.problems = problems;
        config.first(host, "ProxyCommand").filter(v -> !v.text().equalsIgnoreCase("none")).ifPresent(v -> problems.error(at(v),
                "ProxyCommand for " + host + " in " + config.file() + ": dcsprov cannot run it, and connecting directly would go elsewhere",
                "write ProxyJump instead (dcsprov tunnels through jump hosts itself), or exclude the host from that Host block"));
    }

    /** The files of the first UserKnownHostsFile (several on one line; ~ and relative paths as ssh takes them; "none": none). */
    List<Path> knownHostsFiles() {
        return config.first(host, "UserKnownHostsFile").map(v -> Arrays.stream(v.text().strip().split("\\s+"))
                .filter(f -> !f.isEmpty() && !f.equalsIgnoreCase("none"))
                .map(f -> f.replace("%d", "~").replace("%h", host))
                .map(f -> f.startsWith("/") || f.startsWith("~") ? paths.resolve(f) : paths.resolve("~/" + f)).toList())
                .orElse(List.of());
    }

    Optional<String> hostName() {
        return config.hostName(host).map(SshConfig.Value::text);
    }

    Optional<String> user() {
        return config.first(host, "User").map(SshConfig.Value::text);
    }

    Optional<Integer> port() {
        return config.first(host, "Port").flatMap(v -> {
            if (v.text().matches("[0-9]{1,5}") && Integer.parseInt(v.text()) >= 1 && Integer.parseInt(v.text()) <= 65535) {
                return Optional.of(Integer.parseInt(v.text()));
            }
            problems.error(at(v), "Port '" + v.text() + "' for " + host + " is not a port number", "write a number from 1 to 65535");
            return Optional.empty();
        });
    }

    /** The first IdentityFile; ~ is the home directory, a relative path is relative to it, as ssh takes it. */
    Optional<Path> identityFile() {
        return config.first(host, "IdentityFile").map(v -> {
            String t = v.text().replace("%d", "~").replace("%h", host);
            return t.startsWith("/") || t.startsWith("~") ? paths.resolve(t) : paths.resolve("~/" + t);
        });
    }

    List<String> jumps() {
        Optional<SshConfig.Value> v = config.first(host, "ProxyJump").filter(x -> !x.text().equalsIgnoreCase("none"));
        List<String> hops = v.map(x -> Arrays.stream(x.text().split(",")).map(String::strip).toList()).orElse(List.of());
        for (String hop : hops) {
            if (!hop.matches(ConnectionVars.JUMP)) {
                problems.error(at(v.get()), "ProxyJump '" + hop + "' for " + host + " is not [user@]host[:port]",
                        "write ProxyJump user@host:port (several separated by commas, first hop first)");
                return List.of();
            }
        }
        return hops;
    }

    private SourceLocation at(SshConfig.Value v) {
        return new SourceLocation(config.file(), v.line(), 1);
    }
}
