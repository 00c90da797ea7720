package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads inventory sources into one {@link InventoryTree}, as Ansible's inventory manager does: each
 * source in command-line order (later ones win), a directory as its entries in sorted order (hidden
 * files, group_vars, host_vars, vars_plugins and Ansible's ignored extensions — .ini, .cfg, .txt, .md,
 * .bak, ~ ... — skipped, subdirectories read the same way), then group_vars/ and host_vars/ beside each
 * source. Formats: .yml/.yaml (yaml plugin), .json (the JSON of {@code ansible-inventory --list}, or YAML
 * structure), anything else INI, and a file without extension YAML when it is a YAML mapping.
 */
final class InventorySources {
    /** Ansible's IGNORED: always-ignored names plus the default INVENTORY_IGNORE_EXTS. */
    static final Pattern IGNORED = Pattern.compile("^\\.|^host_vars$|^group_vars$|^vars_plugins$"
            + "|\\.pyc$|\\.pyo$|\\.swp$|\\.bak$|~$|\\.rpm$|\\.md$|\\.txt$|\\.rst$|\\.orig$|\\.ini$|\\.cfg$|\\.retry$");

    private final Problems problems;
    private final SourceText text;

    InventorySources(Problems problems) {
        this.problems = problems;
        this.text = new SourceText(problems);
    }

    InventoryTree read(List<Path> sources) {
        InventoryTree tree = new InventoryTree(new SourceLocation(sources.get(0), 1, 1));
        for (Path source : sources) {
            if (!Files.exists(source)) {
                throw new InventoryException("cannot read inventory " + source, "no such file or directory",
                        "check the inventory path on the command line", null);
            }
            readSource(source, tree, true);
        }
        if (tree.hosts.size() > HostPattern.MAX_HOSTS) {
            problems.error(new SourceLocation(sources.get(0), 1, 1), "the inventory names more than " + HostPattern.MAX_HOSTS
                    + " hosts", "split it into one inventory per cluster");
        }
        problems.throwIfErrors(sources.get(0));
        if (tree.files.isEmpty()) {
            throw new InventoryException("no inventory file found in " + String.join(", ", sources.stream().map(Path::toString).toList()),
                    "in a directory Ansible (and dcsprov) skip hidden files, group_vars, host_vars and the extensions "
                            + ".ini .cfg .txt .md .rst .bak .orig .retry .rpm .pyc .pyo .swp and ~",
                    "name the file itself on the command line (e.g. inventory/hosts.ini), or rename it (e.g. hosts, hosts.yml)", null);
        }
        tree.reconcile();
        VarsFiles vars = new VarsFiles(problems, text);
        for (Path source : sources) {
            Path basedir = Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
            tree.varsDirs.add(vars.read(basedir, tree));
        }
        return tree;
    }

    private void readSource(Path source, InventoryTree tree, boolean named) {
        if (Files.isDirectory(source)) {
            List<Path> entries;
            try (Stream<Path> s = Files.list(source)) {
                entries = s.sorted().toList();
            } catch (IOException e) {
                problems.error(new SourceLocation(source, 1, 1), "cannot read directory " + source + ": " + e.getMessage(), "");
                return;
            }
            for (Path entry : entries) {
                if (!IGNORED.matcher(entry.getFileName().toString()).find()) {
                    readSource(entry, tree, false);
                }
            }
            return;
        }
        String content = text.read(source);
        if (content == null) {
            return;
        }
        if (content.startsWith("#!") && Files.isExecutable(source)) {
            problems.error(new SourceLocation(source, 1, 1), source + " is an inventory script; dcsprov does not run scripts",
                    "save its output and pass that: " + source + " --list > inventory.json");
            return;
        }
        tree.files.add(source);
        String name = source.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yml") || name.endsWith(".yaml")) {
            readYaml(source, content, tree);
        } else if (name.endsWith(".json")) {
            readJson(source, content, tree);
        } else if (!name.contains(".") && looksLikeYaml(source, content)) {
            readYaml(source, content, tree);
        } else {
            new IniInventoryParser(source, problems, tree).parse(content);
        }
    }

    /** Ansible tries the yaml plugin first on a file without extension and falls back to INI when it fails. */
    private static boolean looksLikeYaml(Path source, String content) {
        Problems quiet = new Problems();
        Node root = YamlFiles.compose(source, content, quiet);
        return !quiet.hasErrors() && root instanceof MappingNode;
    }

    private void readYaml(Path file, String content, InventoryTree tree) {
        Node root = YamlFiles.compose(file, content, problems);
        if (problems.hasErrors() && root == null) {
            return;
        }
        InventoryParser parser = new InventoryParser(new YamlNodes(file, problems), problems);
        parser.parse(root, tree);
        if (parser.tooManyHosts()) {
            problems.throwIfErrors(file); // nothing after parsing should walk that many hosts
        }
    }

    private void readJson(Path file, String content, InventoryTree tree) {
        Node root = YamlFiles.compose(file, content, problems);
        if (root == null) {
            if (!problems.hasErrors()) {
                problems.error(new SourceLocation(file, 1, 1), "the inventory is empty", "");
            }
            return;
        }
        if (ListJsonParser.looksLikeList(root)) {
            new ListJsonParser(new YamlNodes(file, problems), problems, tree).parse((MappingNode) root);
        } else {
            new InventoryParser(new YamlNodes(file, problems), problems).parse(root, tree);
        }
    }
}
