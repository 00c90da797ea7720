package dev.dcsprov.inventory;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A variable's node as a plain value (String, Integer/Long/BigInteger, Double, Boolean, null, List, Map), as YAML 1.1 reads it. */
final class NodeValues extends SafeConstructor {
    NodeValues() {
        super(new LoaderOptions());
        // As ansible-inventory shows an inline vault value: the ciphertext, never the secret.
        this.yamlConstructors.put(new org.yaml.snakeyaml.nodes.Tag("!vault"), new org.yaml.snakeyaml.constructor.AbstractConstruct() {
            @Override
            public Object construct(Node node) {
                return Map.of("__ansible_vault", ((org.yaml.snakeyaml.nodes.ScalarNode) node).getValue());
            }
        });
    }

    /** Map keys become strings, as in Ansible's JSON output. */
    Object value(Node node) {
        return plain(constructObject(node));
    }

    private static Object plain(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(NodeValues::plain).toList();
        }
        return o;
    }
}
