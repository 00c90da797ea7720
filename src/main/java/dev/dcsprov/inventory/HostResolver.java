package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds a {@link Host} from one member's merged variables, reporting bad values where they are written. */
final class HostResolver {
    private final LocalPaths paths;
    private final dev.dcsprov.ssh.SshConfig sshConfig;
    private final java.util.Set<Path> sshConfigKnownHosts = new java.util.LinkedHashSet<>();
    private final JumpHosts jumpHosts;

    HostResolver(LocalPaths paths, dev.dcsprov.ssh.SshConfig sshConfig) {
        this.paths = paths;
        this.sshConfig = sshConfig;
        this.jumpHosts = new JumpHosts(sshConfig, paths, sshConfigKnownHosts);
    }

    /** The known hosts files ~/.ssh/config names for the hosts resolved so far (UserKnownHostsFile), in order. */
    List<Path> sshConfigKnownHosts() {
        return List.copyOf(sshConfigKnownHosts);
    }

    Host resolve(InventoryTree.HostDef def, Map<String, Var> merged, VarReader vars, Problems problems) {
        String name = def.name;
        ConnectionVars connection = new ConnectionVars(name, merged, vars, problems);
        Optional<String> addressVar = connection.winner(AnsibleVariables.ADDRESS);
        Optional<String> ansibleHost = addressVar.flatMap(vars::string);
        String address = ansibleHost.orElse(name);
        if (ansibleHost.isPresent()) {
            checkAddress(vars, vars.var(addressVar.get()).orElseThrow(), addressVar.get(), address);
        } else if (addressVar.isEmpty() && !Addresses.isHostAddress(name)) {
            problems.error(def.location, "host name '" + name + "' is not an IP address or DNS name and no ansible_host is set",
                    "add 'ansible_host: <address>' under the host");
        }
        // ~/.ssh/config fills in what the inventory leaves unset, as ssh does under Ansible (its -o options win).
        SshConfigEntry config = new SshConfigEntry(sshConfig, address, paths, problems);
        sshConfigKnownHosts.addAll(config.knownHostsFiles());
        Optional<String> portVar = connection.winner(AnsibleVariables.PORT);
        int port = portVar.isPresent() ? vars.integer(portVar.get(), 22, 1, 65535) : config.port().orElse(22);
        String user = connection.string(AnsibleVariables.USER).or(config::user).orElse("root");
        Optional<Path> key = connection.string(AnsibleVariables.KEY).map(paths::resolve).or(config::identityFile);
        boolean become = vars.bool("ansible_become", false);
        connection.check(become);
        List<JumpHost> jumps = jumpHosts.resolve(problems, connection.jumps().isEmpty() ? config.jumps() : connection.jumps(), user, key);
        String sshAddress = config.hostName().orElse(address);

        String memberName = vars.string("etcd_name", name);
        if (!memberName.matches("[A-Za-z0-9][A-Za-z0-9._:-]*")) {
            SourceLocation at = vars.var("etcd_name").map(Var::location).orElse(def.location);
            problems.error(at, "etcd member name '" + memberName + "' may contain only letters, digits, '.', '_', ':' and '-'",
                    "set etcd_name to a simple name such as " + name.replaceAll("[^A-Za-z0-9._:-]", "-"));
        }
        String advertise = vars.string("etcd_advertise_address", address);
        vars.var("etcd_advertise_address").ifPresent(v -> checkAddress(vars, v, "etcd_advertise_address", advertise));

        List<String> listen = vars.stringList("etcd_listen_addresses", false).orElse(List.of(advertise));
        // A bad address is already reported; do not report it again as a bad listen address.
        boolean listenDefaulted = !vars.isSet("etcd_listen_addresses");
        for (String a : listenDefaulted && !Addresses.isHostAddress(advertise) ? List.<String>of() : listen) {
            // etcd refuses to bind to a name ("expected IP in URL for binding"); say so now rather than at start.
            if (!Addresses.isIpLiteral(a)) {
                SourceLocation at = vars.var("etcd_listen_addresses").map(Var::location).orElse(def.location);
                problems.error(at, "etcd listens only on IP addresses, but " + name + " would listen on '" + a + "'",
                        "set etcd_listen_addresses to the host's IP addresses (or [0.0.0.0])");
            }
        }
        List<String> extraSans = vars.stringList("etcd_extra_sans", true).orElse(List.of());
        vars.var("etcd_extra_sans").ifPresent(v -> extraSans.stream()
                .filter(s -> !Addresses.isHostAddress(s.startsWith("*.") ? s.substring(2) : s))
                .forEach(s -> vars.error(v, "etcd_extra_sans entry '" + s + "' is not an IP address or DNS name", "")));

        return new Host(name, sshAddress, port, user, key, become, memberName, advertise, listen, extraSans, def.location,
                jumps);
    }

    private static void checkAddress(VarReader vars, Var var, String name, String value) {
        if (!Addresses.isHostAddress(value)) {
            vars.error(var, name + " '" + value + "' is not an IP address or DNS name", "");
        }
    }
}
