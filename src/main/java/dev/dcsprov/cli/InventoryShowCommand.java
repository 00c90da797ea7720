package dev.dcsprov.cli;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.inventory.InventoryView;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * dcsprov inventory: what ansible-inventory shows (--list, --graph, --host), after dcsprov's own validation of the
 * members, offline. An inventory dcsprov would refuse exits 3 with every problem at its file:line, as apply would.
 */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = {"Checks the inventory offline as apply would (exit 3 on errors) and shows it as ansible-inventory does.",
                "--list (the default) prints the JSON of ansible-inventory --list, --graph the group tree, --host H one host's variables.",
                "Connects to no host."})
final class InventoryShowCommand extends InventoryCommand implements ConnectsToNoHost {
    static final class Mode {
        @Option(names = "--list", description = "Every group and host with the merged variables, as ansible-inventory --list (default)")
        boolean list;
        @Option(names = "--graph", description = "The groups as a tree with their hosts, as ansible-inventory --graph")
        boolean graph;
        @Option(names = "--host", paramLabel = "HOST", description = "One host's merged variables, as ansible-inventory --host")
        String host;
    }

    @ArgGroup(exclusive = true)
    Mode mode = new Mode();

    @Override
    public Integer call() {
        loadInventory(); // dcsprov's checks of the members: an inventory apply would refuse exits 3 here too
        InventoryView view = InventoryView.load(options.sources(), options.extraVars, options.vault());
        if (mode.graph) {
            graph(view).forEach(out()::println);
        } else if (mode.host != null) {
            Map<String, Object> vars = view.hostVars().get(mode.host);
            if (vars == null) {
                throw new DcsprovException(ExitCode.USAGE, "host '" + mode.host + "' is not in the inventory",
                        "The hosts are: " + String.join(", ", view.hostVars().keySet()) + ".", "name a host of the inventory");
            }
            // ansible-inventory --host shows the inventory's variables, without -e
            Map<String, Object> own = InventoryView.load(options.sources(), List.of(), options.vault()).hostVars().get(mode.host);
            printJson(new TreeMap<>(own));
        } else {
            printJson(list(view));
        }
        out().flush();
        return ExitCode.OK.code();
    }

    /** The document of ansible-inventory --list: _meta.hostvars, then each group's hosts and children in order, keys sorted. */
    static Map<String, Object> list(InventoryView view) {
        Map<String, Object> doc = new TreeMap<>();
        Map<String, Object> hostvars = new TreeMap<>();
        view.hostVars().forEach((h, v) -> hostvars.put(h, new TreeMap<>(v)));
        doc.put("_meta", Map.of("hostvars", hostvars));
        view.groups().forEach((name, g) -> {
            Map<String, Object> group = new LinkedHashMap<>();
            if (!g.hosts().isEmpty() && !name.equals("all")) {
                group.put("hosts", g.hosts());
            }
            if (!g.children().isEmpty()) {
                group.put("children", g.children());
            }
            if (!group.isEmpty()) {
                doc.put(name, group);
            }
        });
        return doc;
    }

    /** The lines of ansible-inventory --graph. */
    static List<String> graph(InventoryView view) {
        List<String> lines = new ArrayList<>();
        graph(view, "all", 0, lines);
        return lines;
    }

    /** As ansible-inventory's _graph_group: child groups first, then the group's own hosts, each in inventory order. */
    private static void graph(InventoryView view, String group, int depth, List<String> lines) {
        lines.add(indent(depth) + "@" + group + ":");
        InventoryView.GroupView g = view.groups().get(group);
        if (g == null) {
            return;
        }
        g.children().forEach(c -> graph(view, c, depth + 1, lines));
        if (!group.equals("all")) {
            g.hosts().forEach(h -> lines.add(indent(depth + 1) + h));
        }
    }

    private static String indent(int depth) {
        return depth == 0 ? "" : "  |".repeat(depth) + "--";
    }
}
