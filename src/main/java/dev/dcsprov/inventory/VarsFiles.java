package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * group_vars/ and host_vars/ beside an inventory source, found as Ansible's host_group_vars plugin finds
 * them: for entity NAME the first of NAME (a file, or a directory read recursively in sorted order,
 * skipping hidden files and backups~), NAME.yml, NAME.yaml, NAME.json. Files are YAML (JSON is YAML);
 * an entity's files combine in that order, later keys replacing earlier ones (hash_behaviour=replace).
 */
final class VarsFiles {
    static final List<String> EXTENSIONS = List.of("", ".yml", ".yaml", ".json");

    private final Problems problems;
    private final SourceText text;

    VarsFiles(Problems problems, SourceText text) {
        this.problems = problems;
        this.text = text;
    }

    /** Reads the vars of every group and host of the tree found beside basedir. */
    InventoryTree.VarsDir read(Path basedir, InventoryTree tree) {
        InventoryTree.VarsDir out = new InventoryTree.VarsDir(basedir);
        readKind(basedir.resolve("group_vars"), tree.groups.keySet(), out.groups, "group");
        readKind(basedir.resolve("host_vars"), tree.hosts.keySet(), out.hosts, "host");
        return out;
    }

    private void readKind(Path dir, Set<String> names, Map<String, Map<String, Var>> into, String kind) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            problems.warn("found " + dir + " that is not a directory; skipped, as Ansible does");
            return;
        }
        Set<String> entries = new HashSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> entries.add(p.getFileName().toString()));
        } catch (IOException e) {
            problems.error(new SourceLocation(dir, 1, 1), "cannot read directory " + dir + ": " + e.getMessage(), "");
            return;
        }
        for (String name : names) {
            if (name.startsWith("/")) {
                continue;
            }
            for (String ext : EXTENSIONS) {
                if (!entries.contains(name + ext)) {
                    continue;
                }
                Path found = dir.resolve(name + ext);
                List<Path> files = Files.isDirectory(found) ? dirFiles(found) : List.of(found);
                Map<String, Var> vars = new LinkedHashMap<>();
                String origin = kind + " '" + name + "'";
                for (Path f : files) {
                    readFile(f, origin, vars);
                }
                if (!vars.isEmpty()) {
                    into.put(name, vars);
                }
                break;
            }
        }
    }

    private List<Path> dirFiles(Path dir) {
        List<Path> found = new ArrayList<>();
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.sorted().toList();
        } catch (IOException e) {
            problems.error(new SourceLocation(dir, 1, 1), "cannot read directory " + dir + ": " + e.getMessage(), "");
            return found;
        }
        for (Path p : entries) {
            String n = p.getFileName().toString();
            if (n.startsWith(".") || n.endsWith("~")) {
                continue;
            }
            int dot = n.lastIndexOf('.');
            String ext = dot > 0 ? n.substring(dot) : "";
            if (Files.isDirectory(p) && ext.isEmpty()) {
                found.addAll(dirFiles(p));
            } else if (!Files.isDirectory(p) && EXTENSIONS.contains(ext)) {
                found.add(p); // a dangling link or a FIFO among them is an error when read, not skipped as Ansible skips it
            }
        }
        return found;
    }

    private void readFile(Path file, String origin, Map<String, Var> vars) {
        String content = text.read(file);
        if (content == null) {
            return;
        }
        Node root = YamlFiles.compose(file, content, problems);
        if (YamlNodes.isNull(root)) {
            return; // an empty file adds nothing, as in Ansible
        }
        YamlNodes yaml = new YamlNodes(file, problems);
        if (!(root instanceof MappingNode mapping)) {
            problems.error(yaml.at(root), "a vars file must be a mapping of variable names to values, not "
                    + YamlNodes.describe(root), "write 'name: value' lines");
            return;
        }
        for (Map.Entry<String, NodeTuple> e : yaml.entries(mapping).entrySet()) {
            Node key = e.getValue().getKeyNode();
            InventoryTree.set(vars, new Var(e.getKey(), e.getValue().getValueNode(), yaml.at(key),
                    yaml.at(e.getValue().getValueNode()), origin));
        }
    }
}
