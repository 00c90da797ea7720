package dev.dcsprov.inventory;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Bounds what a YAML inventory may cost before anything reads it. SnakeYAML's composer shares the node of
 * an anchor between its aliases, so a few hundred bytes of aliases of aliases stand for billions of values
 * that a reader walking the tree (merging, comparing definitions) would visit one by one. The composer's
 * own limits ({@link #loaderOptions()}) bound the text, nesting and alias count; {@link #check} counts the
 * values as a reader would see them, visiting each distinct node once, and refuses recursive aliases.
 */
final class YamlBudget {
    /** Values (scalars, lists, mappings) the whole inventory may stand for once aliases are expanded. */
    static final long MAX_VALUES = 1_000_000;
    static final int MAX_CODE_POINTS = 4 * 1024 * 1024;
    static final int MAX_NESTING = 50;
    static final int MAX_ALIASES_FOR_COLLECTIONS = 100;

    private YamlBudget() {
    }

    static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES_FOR_COLLECTIONS);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        return options;
    }

    /** Too large or recursive: where and why. */
    record Excess(Node at, String message) {
    }

    static Optional<Excess> check(Node root) {
        if (root == null) {
            return Optional.empty();
        }
        Walk walk = new Walk();
        try {
            walk.size(root);
            return Optional.empty();
        } catch (Over over) {
            return Optional.of(new Excess(over.at, over.getMessage()));
        }
    }

    private static final class Over extends RuntimeException {
        final Node at;

        Over(Node at, String message) {
            super(message, null, false, false);
            this.at = at;
        }
    }

    private static final class Walk {
        private final Map<Node, Long> sizes = new IdentityHashMap<>();
        private final Map<Node, Boolean> open = new IdentityHashMap<>();

        long size(Node node) {
            Long known = sizes.get(node);
            if (known != null) {
                return known;
            }
            if (open.put(node, Boolean.TRUE) != null) {
                throw new Over(node, "this value contains itself through a YAML alias");
            }
            long total = 1;
            if (node instanceof SequenceNode seq) {
                for (Node item : seq.getValue()) {
                    total = add(node, total, size(item));
                }
            } else if (node instanceof MappingNode map) {
                for (NodeTuple t : map.getValue()) {
                    total = add(node, total, size(t.getKeyNode()));
                    total = add(node, total, size(t.getValueNode()));
                }
            }
            open.remove(node);
            sizes.put(node, total);
            return total;
        }

        private static long add(Node at, long total, long more) {
            long sum = total + more;
            if (sum > MAX_VALUES) {
                throw new Over(at, "this value stands for more than " + MAX_VALUES
                        + " values once its YAML aliases are expanded");
            }
            return sum;
        }
    }
}
