package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code -e/--extra-vars} as Ansible reads them, each winning over every inventory variable of every host:
 * {@code @FILE} (YAML or JSON), a JSON/YAML mapping (text starting with '{'), or {@code key=value ...} split like
 * a shell line (values are strings). Later ones win. Errors name the file:line, or "--extra-vars" and the item.
 */
final class ExtraVars {
    static final String ORIGIN = "extra vars";

    private ExtraVars() {
    }

    static Map<String, Var> read(List<String> items, Problems problems) {
        Map<String, Var> out = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i).strip();
            Path pseudo = Path.of("--extra-vars #" + (i + 1));
            if (item.startsWith("@")) {
                Path file = Path.of(item.substring(1));
                String text = new SourceText(problems).read(file);
                if (text != null) {
                    mapping(file, text, out, problems);
                }
            } else if (item.startsWith("{") || item.startsWith("[")) { // YAML/JSON, as Ansible reads them
                mapping(pseudo, item, out, problems);
            } else if (!item.isEmpty()) {
                keyValues(pseudo, item, out, problems);
            }
        }
        return out;
    }

    private static void mapping(Path file, String text, Map<String, Var> out, Problems problems) {
        Problems own = new Problems(); // compose gives up after any earlier error: each -e is judged on its own
        Node root = YamlFiles.compose(file, text, own);
        own.errors().forEach(p -> problems.error(p.location(), p.message(), p.fix()));
        if (root == null || YamlNodes.isNull(root)) {
            return;
        }
        YamlNodes yaml = new YamlNodes(file, problems);
        if (!(root instanceof MappingNode mapping)) {
            problems.error(yaml.at(root), "extra vars must be a mapping of variable names to values, not " + YamlNodes.describe(root),
                    "write -e '{\"name\": \"value\"}', -e name=value or -e @file.yml");
            return;
        }
        for (Map.Entry<String, NodeTuple> e : yaml.entries(mapping).entrySet()) {
            out.put(e.getKey(), new Var(e.getKey(), e.getValue().getValueNode(), yaml.at(e.getValue().getKeyNode()),
                    yaml.at(e.getValue().getValueNode()), ORIGIN));
        }
    }

    private static void keyValues(Path pseudo, String item, Map<String, Var> out, Problems problems) {
        List<Shlex.Word> words;
        try {
            words = Shlex.split(item);
        } catch (Shlex.Unterminated e) {
            problems.error(new SourceLocation(pseudo, 1, 1), "cannot split '" + item + "': " + e.getMessage(), "close the quote");
            return;
        }
        for (Shlex.Word w : words) {
            SourceLocation at = new SourceLocation(pseudo, 1, w.column() + 1);
            int eq = w.text().indexOf('=');
            if (eq <= 0) {
                problems.error(at, "'" + w.text() + "' is not key=value", "write -e name=value, -e '{\"name\": 1}' or -e @file.yml");
                continue;
            }
            String key = w.text().substring(0, eq);
            out.put(key, new Var(key, ValueNodes.string(w.text().substring(eq + 1), at), at, at, ORIGIN));
        }
    }
}
