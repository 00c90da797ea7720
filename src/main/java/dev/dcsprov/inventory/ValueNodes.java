package dev.dcsprov.inventory;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Values of other formats (INI's Python literals) as the YAML nodes the rest of the loader reads, each
 * marked with the line and column it was written at, so every source gives the same model.
 */
final class ValueNodes {
    private ValueNodes() {
    }

    /** A mark at a 1-based line and column. */
    static Mark mark(SourceLocation at) {
        return new Mark(at.file().toString(), 0, at.line() - 1, at.column() - 1, new int[0], 0);
    }

    static Node string(String value, SourceLocation at) {
        Mark m = mark(at);
        return new ScalarNode(Tag.STR, value, m, m, DumperOptions.ScalarStyle.DOUBLE_QUOTED);
    }

    /** A value from {@link PythonLiteral}. */
    @SuppressWarnings("unchecked")
    static Node of(Object value, SourceLocation at) {
        Mark m = mark(at);
        if (value == null || PythonLiteral.isNone(value)) {
            return new ScalarNode(Tag.NULL, "null", m, m, DumperOptions.ScalarStyle.PLAIN);
        }
        if (value instanceof Boolean b) {
            return new ScalarNode(Tag.BOOL, b.toString(), m, m, DumperOptions.ScalarStyle.PLAIN);
        }
        if (value instanceof Double d) {
            return new ScalarNode(Tag.FLOAT, d.toString(), m, m, DumperOptions.ScalarStyle.PLAIN);
        }
        if (value instanceof Number n) {
            return new ScalarNode(Tag.INT, n.toString(), m, m, DumperOptions.ScalarStyle.PLAIN);
        }
        if (value instanceof String s) {
            return string(s, at);
        }
        if (value instanceof List<?> list) {
            List<Node> items = new ArrayList<>();
            list.forEach(v -> items.add(of(v, at)));
            return new SequenceNode(Tag.SEQ, true, items, m, m, DumperOptions.FlowStyle.FLOW);
        }
        List<NodeTuple> tuples = new ArrayList<>();
        ((Map<Object, Object>) value).forEach((k, v) -> tuples.add(new NodeTuple(of(k, at), of(v, at))));
        return new MappingNode(Tag.MAP, true, tuples, m, m, DumperOptions.FlowStyle.FLOW);
    }
}
