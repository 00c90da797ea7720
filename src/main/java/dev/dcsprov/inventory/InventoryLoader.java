package dev.dcsprov.inventory;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an Ansible-compatible YAML inventory into a validated {@link Inventory}.
 * Every problem found is reported together in one {@link InventoryException}.
 */
public final class InventoryLoader {
    public static final String DEFAULT_GROUP = "etcd";

    private InventoryLoader() {
    }

    /**
     * What to load: the sources (files or directories, as Ansible's -i, later ones winning, with group_vars/ and
     * host_vars/ beside each; relative paths in variables are relative to the first source's directory), the members'
     * group (null: {@code dcsprov_group} from all.vars, else "etcd"), the Patroni hosts' group (null:
     * {@code dcsprov_patroni_group}, else "patroni", absent: none), the directory a leading ~ stands for, -e/--extra-vars
     * (winning over every inventory variable) and the vault passwords to decrypt with.
     */
    public record Request(List<Path> sources, String group, String patroniGroup, Path home, List<String> extraVars,
                          VaultKeys vault) {
        public static Request of(Path... sources) {
            return of(List.of(sources));
        }

        public static Request of(List<Path> sources) {
            return new Request(List.copyOf(sources), null, null, Path.of(System.getProperty("user.home")), List.of(), VaultKeys.none());
        }

        public Request group(String g) {
            return new Request(sources, g, patroniGroup, home, extraVars, vault);
        }

        public Request patroniGroup(String g) {
            return new Request(sources, group, g, home, extraVars, vault);
        }

        public Request home(Path h) {
            return new Request(sources, group, patroniGroup, h, extraVars, vault);
        }

        public Request extraVars(List<String> e) {
            return new Request(sources, group, patroniGroup, home, List.copyOf(e), vault);
        }

        public Request vault(VaultKeys v) {
            return new Request(sources, group, patroniGroup, home, extraVars, v);
        }
    }

    /** Loads the members of the default group ({@code dcsprov_group} in all.vars, else "etcd"). */
    public static Inventory load(Path file) {
        return load(Request.of(file));
    }

    /** @param group the group whose hosts are the members; null for {@code dcsprov_group} from all.vars, else "etcd" */
    public static Inventory load(Path file, String group) {
        return load(Request.of(file).group(group));
    }

    /** As {@link #load(Path, String)}, with the directory a leading ~ stands for (tests pass their own). */
    public static Inventory load(Path file, String group, Path home) {
        return load(Request.of(file).group(group).home(home));
    }

    /** The whole load, as the CLI asks for it. */
    public static Inventory load(Request request) {
        Problems problems = new Problems().withVault(request.vault());
        Path file = request.sources().get(0);
        InventoryTree tree = new InventorySources(problems).read(request.sources());
        tree.extraVars.putAll(ExtraVars.read(request.extraVars(), problems));
        problems.throwIfErrors(file);
        return validate(file, tree, request.group(), request.patroniGroup(), request.home(), problems);
    }

    /** The checks and resolution every source format goes through, on the one merged model. */
    private static Inventory validate(Path file, InventoryTree tree, String group, String patroniGroup, Path home,
                                      Problems problems) {
        UnknownVariables.check(tree, problems);
        checkHostNames(tree, problems);
        VariableMerger merger = new VariableMerger(tree, problems);
        String groupName = groupName(group, tree, problems);
        List<String> memberNames = members(file, tree, merger, groupName, problems);

        Path absolute = file.toAbsolutePath().normalize();
        Path dir = Files.isDirectory(absolute) ? absolute : absolute.getParent();
        LocalPaths paths = new LocalPaths(dir, home);
        HostResolver hostResolver = new HostResolver(paths, sshConfig(home, problems));
        ClusterSettingsResolver clusterResolver = new ClusterSettingsResolver(paths);
        AuthSettingsResolver authResolver = new AuthSettingsResolver(paths);
        List<Optional<AuthSettings>> auths = new ArrayList<>();
        List<ClusterConsistency.Resolved> resolved = new ArrayList<>();
        List<Host> hosts = new ArrayList<>();
        Map<String, Map<String, Var>> varsByHost = new HashMap<>();
        for (String name : memberNames) {
            Map<String, Var> merged = merger.mergedFor(name);
            Map<String, Var> vars = Templates.refuse(merged, problems);
            varsByHost.put(name, vars);
            if (vars.size() < merged.size()) {
                continue; // values derived from a template cannot be judged: the template is the error
            }
            Host host = hostResolver.resolve(tree.hosts.get(name), vars, new VarReader(vars, problems), problems);
            hosts.add(host);
            clusterResolver.resolve(new VarReader(vars, problems))
                    .ifPresent(c -> resolved.add(new ClusterConsistency.Resolved(host, vars, c)));
            auths.add(authResolver.resolve(new VarReader(vars, problems)));
        }
        ClusterConsistency.check(resolved, problems);
        checkAuthSame(memberNames, varsByHost, problems);
        MemberChecks.check(hosts, varsByHost, problems);
        problems.throwIfErrors(file);

        ClusterSettings cluster = ClusterConsistency.withExtraSans(
                Optional.of(resolved.get(0).settings()), ClusterConsistency.commonExtraSans(hosts)).orElseThrow();
        AuthSettings auth = auths.get(0).orElseThrow();
        List<PatroniHost> patroni = patroniHosts(file, tree, merger, patroniGroup, hosts, hostResolver, auth, problems);
        problems.throwIfErrors(file);
        cluster = ClusterConsistency.withKnownHosts(cluster, hostResolver.sshConfigKnownHosts());
        MemberChecks.warnAboutSize(groupName, hosts.size(), problems);
        return new Inventory(file, groupName, List.copyOf(hosts), cluster, problems.warnings(), auth, patroni);
    }

    /**
     * The Patroni group's hosts (none when the group does not exist: Patroni is optional). A host that is also a
     * member keeps the member's connection settings.
     */
    private static List<PatroniHost> patroniHosts(Path file, InventoryTree tree, VariableMerger merger, String explicit, List<Host> members,
                                                  HostResolver resolver, AuthSettings auth, Problems problems) {
        String name = explicit;
        Var chosenBy = allVars(tree).get("dcsprov_patroni_group");
        if (name == null && chosenBy != null) {
            name = new VarReader(Map.of("dcsprov_patroni_group", chosenBy), problems).string("dcsprov_patroni_group", PatroniHost.DEFAULT_GROUP);
        }
        boolean asked = name != null;
        name = asked ? name : PatroniHost.DEFAULT_GROUP;
        if (!tree.groups.containsKey(name)) {
            if (asked) {
                problems.error(chosenBy != null ? chosenBy.location() : new SourceLocation(file, 1, 1),
                        "Patroni group '" + name + "' is not in the inventory" + Suggestions.hint(name, tree.groups.keySet()),
                        "list the Patroni hosts under 'all: children: " + name + ": hosts:', or choose the group with --patroni-group");
            }
            return List.of();
        }
        List<PatroniHost> out = new ArrayList<>();
        for (String host : merger.membersOf(name)) {
            Map<String, Var> vars = merger.mergedFor(host);
            VarReader reader = new VarReader(vars, problems);
            Host h = members.stream().filter(m -> m.name().equals(host)).findFirst()
                    .orElseGet(() -> resolver.resolve(tree.hosts.get(host), vars, reader, problems));
            PatroniResolver.resolve(h, reader, auth).ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    /** ~/.ssh/config, or an empty one (an unreadable file is an error at it). */
    private static dev.dcsprov.ssh.SshConfig sshConfig(Path home, Problems problems) {
        Path file = home.resolve(".ssh").resolve("config");
        try {
            return dev.dcsprov.ssh.SshConfig.load(file);
        } catch (IOException e) {
            problems.error(new SourceLocation(file, 1, 1), "cannot read " + file + ": " + e.getMessage(), "make it readable, or move it aside");
            return dev.dcsprov.ssh.SshConfig.empty(file);
        }
    }

    /** Every host's name, members or not, whichever parser built the tree. */
    private static void checkHostNames(InventoryTree tree, Problems problems) {
        for (InventoryTree.HostDef host : tree.hosts.values()) {
            HostNameCheck.problem(host.name).ifPresent(p -> problems.error(host.location, p,
                    "rename the host, e.g. to '" + HostNameCheck.suggestion(host.name) + "', and put its address in ansible_host"));
        }
    }

    /** Auth settings are cluster-wide: a member that sees them differently is an error at its own definition. */
    private static void checkAuthSame(List<String> members, Map<String, Map<String, Var>> varsByHost, Problems problems) {
        Map<String, Var> first = varsByHost.get(members.get(0));
        for (String member : members.subList(1, members.size())) {
            for (String name : AuthSettingsResolver.NAMES) {
                Var a = first.get(name);
                Var b = varsByHost.get(member).get(name);
                String ca = a == null ? "" : YamlNodes.canonical(a.value());
                String cb = b == null ? "" : YamlNodes.canonical(b.value());
                if (!ca.equals(cb)) {
                    Var at = b != null ? b : a;
                    problems.error(at.location(), name + " differs between " + members.get(0) + " and " + member
                            + "; it applies to the whole cluster", "define it once, under all.vars or the etcd group's vars");
                }
            }
        }
    }

    /** The variables of group all: the inventory's, then group_vars/all beside each source. */
    private static Map<String, Var> allVars(InventoryTree tree) {
        Map<String, Var> vars = new HashMap<>(tree.all().vars);
        tree.varsDirs.forEach(d -> vars.putAll(d.groups.getOrDefault(InventoryTree.ALL, Map.of())));
        vars.putAll(tree.extraVars);
        return vars;
    }

    /** The explicit group, else dcsprov_group from all.vars, else "etcd". */
    private static String groupName(String group, InventoryTree tree, Problems problems) {
        if (group != null) {
            return group;
        }
        Var var = allVars(tree).get("dcsprov_group");
        if (var == null) {
            return DEFAULT_GROUP;
        }
        return new VarReader(Map.of("dcsprov_group", var), problems).string("dcsprov_group", DEFAULT_GROUP);
    }

    private static List<String> members(Path file, InventoryTree tree, VariableMerger merger, String group, Problems problems) {
        InventoryTree.Group g = tree.groups.get(group);
        String existing = String.join(", ", tree.groups.values().stream()
                .filter(x -> !x.name.equals(InventoryTree.UNGROUPED) || !x.hosts.isEmpty()).map(x -> x.name).toList());
        Var chosenBy = allVars(tree).get("dcsprov_group");
        SourceLocation at = chosenBy != null && YamlNodes.show(chosenBy.value()).equals(group)
                ? chosenBy.location() : new SourceLocation(file, 1, 1);
        if (g == null) {
            problems.error(at, "group '" + group + "' is not in " + file + "; groups: " + existing
                            + Suggestions.hint(group, tree.groups.keySet()),
                    "add the members under 'all: children: " + group + ": hosts:', or choose a group with --group");
            problems.throwIfErrors(file);
        }
        List<String> members = merger.membersOf(group);
        if (members.isEmpty()) {
            problems.error(g.location, "group '" + group + "' in " + file + " has no hosts; groups: " + existing,
                    "list the members under '" + group + ": hosts:'");
            problems.throwIfErrors(file);
        }
        return members;
    }
}
