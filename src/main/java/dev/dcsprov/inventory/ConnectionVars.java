package dev.dcsprov.inventory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A member's connection variables as Ansible reads them (every alias, the same one winning), and what dcsprov
 * does with every other {@code ansible_*} variable: a warning listed once with the hosts it concerns when ignoring
 * it is harmless, an error at the variable when ignoring it would connect somewhere else or as someone else.
 */
final class ConnectionVars {
    private static final Set<String> SSH_CONNECTIONS = Set.of("ssh", "smart", "paramiko", "paramiko_ssh",
            "ansible.builtin.ssh", "ansible.builtin.paramiko_ssh");

    /** A jump host as ssh's -J takes it (IPv6 literals aside): [user@]host[:port]. */
    static final String JUMP = "([A-Za-z0-9._-]+@)?[A-Za-z0-9._-]+(:[0-9]{1,5})?";

    private final String host;
    private final Map<String, Var> vars;
    private final VarReader reader;
    private final Problems problems;
    /** Jump hosts from ProxyJump / -J in the ssh args, first hop first. */
    private final java.util.List<String> jumps = new java.util.ArrayList<>();

    ConnectionVars(String host, Map<String, Var> vars, VarReader reader, Problems problems) {
        this.host = host;
        this.vars = vars;
        this.reader = reader;
        this.problems = problems;
    }

    /** The name of the alias Ansible would use (the first set), warning when another alias says otherwise. */
    Optional<String> winner(List<String> aliases) {
        Optional<String> first = aliases.stream().filter(vars::containsKey).findFirst();
        first.ifPresent(w -> aliases.stream().filter(a -> !a.equals(w) && vars.containsKey(a))
                .filter(a -> !YamlNodes.canonical(vars.get(a).value()).equals(YamlNodes.canonical(vars.get(w).value())))
                .forEach(a -> problems.warnFor(w + " and " + a + " are both set and differ; " + w
                        + " wins, as in Ansible", host)));
        return first;
    }

    Optional<String> string(List<String> aliases) {
        return winner(aliases).flatMap(reader::string);
    }

    /** Checks everything but the values {@link HostResolver} reads itself. */
    void check(boolean become) {
        connection();
        winner(AnsibleVariables.BECOME_USER).ifPresent(name -> reader.string(name).ifPresent(u -> {
            if (become && !u.equals("root")) {
                refuse(name, name + " is '" + u + "': Ansible would run tasks on " + host + " as " + u
                        + ", dcsprov runs them as root", "dcsprov needs root: remove " + name + " (or set it to root)");
            }
        }));
        reader.string("ansible_become_method").ifPresent(m -> {
            if (become && !m.equals("sudo") && !m.equals("ansible.builtin.sudo")) {
                refuse("ansible_become_method", "ansible_become_method is '" + m + "': dcsprov becomes root only with sudo",
                        "give the SSH user of " + host + " passwordless sudo and remove ansible_become_method, "
                                + "or connect as root (ansible_user: root)");
            }
        });
        AnsibleVariables.PASSWORD.stream().filter(vars::containsKey).findFirst().ifPresent(p ->
                refuse(p, p + " is set: dcsprov authenticates with SSH keys only, so it would not log in to " + host
                                + " as you intend",
                        "install a key (ssh-copy-id), name it in ansible_ssh_private_key_file or add it to ssh-agent, and remove " + p));
        for (String name : List.of("ansible_ssh_common_args", "ansible_ssh_extra_args", "ansible_ssh_args")) {
            reader.string(name).ifPresent(args -> sshArgs(name, args));
        }
        vars.keySet().stream().sorted().forEach(name -> AnsibleVariables.ignoredBecause(name)
                .ifPresent(why -> problems.warnFor(name + " is " + why, host)));
    }

    private void connection() {
        reader.string("ansible_connection").ifPresent(c -> {
            if (!SSH_CONNECTIONS.contains(c)) {
                refuse("ansible_connection", "ansible_connection is '" + c + "': Ansible would not reach " + host
                                + " over SSH, but dcsprov connects over SSH only",
                        "etcd members must be reachable over SSH: remove ansible_connection for " + host
                                + " (or set it to ssh) and give the host an ansible_host sshd listens on");
            }
        });
    }

    private void sshArgs(String name, String args) {
        List<SshArgs.Finding> findings;
        try {
            findings = SshArgs.read(args);
        } catch (Shlex.Unterminated e) {
            refuse(name, name + " cannot be split into words: " + e.getMessage(), "close the quote");
            return;
        }
        for (SshArgs.Finding f : findings) {
            if (f.jump() != null) {
                jumps(name, f.jump());
            } else if (f.refused()) {
                refuse(name, name + " has '" + f.option() + "': " + f.why(),
                        "remove it from " + name + " for the etcd members (dcsprov connects directly to ansible_host:ansible_port)");
            } else {
                problems.warnFor(name + " '" + f.option() + "' " + f.why(), host);
            }
        }
    }

    /** ssh takes the first ProxyJump it is given: a later one is ignored, as by ssh. */
    private void jumps(String name, String value) {
        if (!jumps.isEmpty()) {
            return;
        }
        if (value.equalsIgnoreCase("none")) {
            return;
        }
        for (String hop : value.split(",")) {
            if (!hop.strip().matches(JUMP)) {
                refuse(name, name + " has jump host '" + hop.strip() + "', which is not [user@]host[:port]",
                        "write -J user@host:port (several separated by commas, first hop first)");
                return;
            }
            jumps.add(hop.strip());
        }
    }

    /** The jump hosts the ssh args name, first hop first; empty to connect directly. */
    java.util.List<String> jumps() {
        return java.util.List.copyOf(jumps);
    }

    private void refuse(String name, String message, String fix) {
        Var var = vars.get(name);
        problems.error(var.location(), message, fix);
    }
}
