package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads SnakeYAML node trees with their positions. We compose nodes rather than construct Java objects
 * so every value keeps its line and column, and so duplicate keys are reported instead of silently dropped.
 */
final class YamlNodes {
    private final Path file;
    private final Problems problems;

    YamlNodes(Path file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    SourceLocation at(Node node) {
        return new SourceLocation(file, node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
    }

    SourceLocation start() {
        return new SourceLocation(file, 1, 1);
    }

    /**
     * The entries of a mapping by key text, in document order. A duplicated key is an error at its second
     * occurrence (YAML would keep only one). YAML merge keys ({@code <<: *anchor}) supply entries the
     * mapping does not set itself. Non-scalar keys are errors and skipped.
     */
    Map<String, NodeTuple> entries(MappingNode mapping) {
        Map<String, NodeTuple> explicit = new LinkedHashMap<>();
        List<Node> merged = new ArrayList<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node key = tuple.getKeyNode();
            if (key.getTag().equals(Tag.MERGE)) {
                merged.add(tuple.getValueNode());
                continue;
            }
            if (!(key instanceof ScalarNode scalar)) {
                problems.error(at(key), "a key must be a plain name, not " + describe(key), "");
                continue;
            }
            NodeTuple first = explicit.putIfAbsent(scalar.getValue(), tuple);
            if (first != null) {
                problems.error(at(key), "duplicate key '" + scalar.getValue() + "' (first at line "
                                + at(first.getKeyNode()).line() + "); YAML would silently keep only one",
                        "merge the two entries into one");
            }
        }
        if (merged.isEmpty()) {
            return explicit;
        }
        Map<String, NodeTuple> result = new LinkedHashMap<>(explicit);
        for (Node source : merged) {
            List<Node> sources = source instanceof SequenceNode seq ? seq.getValue() : List.of(source);
            for (Node s : sources) {
                if (s instanceof MappingNode m) {
                    entries(m).forEach(result::putIfAbsent);
                } else {
                    problems.error(at(s), "a merge key '<<' needs a mapping, not " + describe(s), "");
                }
            }
        }
        return result;
    }

    static boolean isNull(Node node) {
        return node == null || (node instanceof ScalarNode && node.getTag().equals(Tag.NULL));
    }

    /** "a list", "a mapping", "the string 'x'", for "expected an integer, found ..." messages. */
    static String describe(Node node) {
        if (isNull(node)) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode scalar = (ScalarNode) node;
        String kind = scalar.getTag().equals(Tag.INT) ? "the integer"
                : scalar.getTag().equals(Tag.BOOL) ? "the boolean"
                : scalar.getTag().equals(Tag.FLOAT) ? "the number" : "the string";
        return kind + " '" + scalar.getValue() + "'";
    }

    /** A value's text for comparing two definitions: same text means the same value. */
    static String canonical(Node node) {
        if (isNull(node)) {
            return "~";
        }
        if (node instanceof ScalarNode scalar) {
            return scalar.getTag().getValue() + ":" + scalar.getValue();
        }
        if (node instanceof SequenceNode seq) {
            return seq.getValue().stream().map(YamlNodes::canonical).collect(Collectors.joining(",", "[", "]"));
        }
        Map<String, String> pairs = new HashMap<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            pairs.put(canonical(t.getKeyNode()), canonical(t.getValueNode()));
        }
        return new java.util.TreeMap<>(pairs).toString();
    }

    /** A short human form of a value for messages. */
    static String show(Node node) {
        if (isNull(node)) {
            return "nothing";
        }
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        if (node instanceof SequenceNode seq) {
            return seq.getValue().stream().map(YamlNodes::show).collect(Collectors.joining(", ", "[", "]"));
        }
        return "a mapping";
    }
}
