package dev.dcsprov.inventory;

import dev.dcsprov.ssh.SshConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a member's ProxyJump hops through ~/.ssh/config as ssh does: each hop's name is looked up as a Host
 * (HostName, User, Port, IdentityFile, UserKnownHostsFile; ProxyCommand is refused there too), and a ProxyJump the
 * config gives the first hop is gone through before it (ssh reaches the first hop with its own config; later hops
 * are reached through the ones before them). A loop of ProxyJumps is an error at the config line.
 */
final class JumpHosts {
    /** More hops than anyone writes: a longer chain is a loop through names that differ. */
    private static final int MAX_HOPS = 16;

    private final SshConfig config;
    private final LocalPaths paths;
    private final Set<Path> knownHosts;
    /** One entry per name, so a problem at a config line is reported once however many members share the hop. */
    private final java.util.Map<String, SshConfigEntry> entries = new java.util.HashMap<>();

    /** {@code knownHosts} collects the files UserKnownHostsFile names for the hops, as for the members. */
    JumpHosts(SshConfig config, LocalPaths paths, Set<Path> knownHosts) {
        this.config = config;
        this.paths = paths;
        this.knownHosts = knownHosts;
    }

    /** {@code specs} first hop first; a hop that names no user or key takes the member's. */
    List<JumpHost> resolve(Problems problems, List<String> specs, String memberUser, Optional<Path> memberKey) {
        List<JumpHost> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        List<String> chain = new ArrayList<>(specs);
        while (!chain.isEmpty()) {
            String first = chain.get(0);
            String name = name(first);
            List<String> before = entry(name, problems).jumps();
            if (before.isEmpty()) {
                break;
            }
            boolean again = !seen.add(name);
            if (again || chain.size() + before.size() > MAX_HOPS) {
                problems.error(new SourceLocation(config.file(), config.first(name, "ProxyJump").map(SshConfig.Value::line).orElse(1), 1),
                        "ProxyJump for jump host " + name + " in " + config.file() + " makes a loop: "
                                + String.join(" -> ", seen) + (again ? " -> " + name : " -> ..."),
                        "write ProxyJump none for the first hop, or a chain that does not come back to a hop");
                return List.of();
            }
            chain.addAll(0, before);
        }
        for (String spec : chain) {
            out.add(hop(spec, memberUser, memberKey, problems));
        }
        return List.copyOf(out);
    }

    private JumpHost hop(String spec, String memberUser, Optional<Path> memberKey, Problems problems) {
        String name = name(spec);
        SshConfigEntry entry = entry(name, problems);
        knownHosts.addAll(entry.knownHostsFiles());
        String hostPort = spec.substring(spec.indexOf('@') + 1);
        Optional<String> specUser = spec.contains("@") ? Optional.of(spec.substring(0, spec.indexOf('@'))) : Optional.empty();
        int port = hostPort.contains(":") ? Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1)) : entry.port().orElse(22);
        String user = specUser.or(entry::user).orElse(memberUser);
        Optional<Path> key = entry.identityFile().or(() -> memberKey);
        return new JumpHost(spec, name, entry.hostName().orElse(name), port, user, key);
    }

    private SshConfigEntry entry(String name, Problems problems) {
        return entries.computeIfAbsent(name, n -> new SshConfigEntry(config, n, paths, problems));
    }

    /** The host of [user@]host[:port]. */
    private static String name(String spec) {
        String hostPort = spec.substring(spec.indexOf('@') + 1);
        return hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
    }
}
