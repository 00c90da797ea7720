package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.Map;
import java.util.Optional;

/**
 * Jinja in a variable dcsprov reads ({@code etcd_name: "{{ inventory_hostname }}"}) is refused: dcsprov does not
 * evaluate templates, and using the text as written would name a member, address or path "{{ ... }}". Variables
 * dcsprov does not read may hold templates (other roles' variables in a shared inventory).
 */
final class Templates {
    private Templates() {
    }

    /**
     * An error at every templated value among the variables dcsprov reads of one member; returns the variables
     * without them, so a template is reported once as a template and not again as a bad value.
     */
    static Map<String, Var> refuse(Map<String, Var> merged, Problems problems) {
        Map<String, Var> rest = new java.util.HashMap<>(merged);
        for (Var var : merged.values()) {
            if (!Variables.isKnownOrReserved(var.name()) && !AnsibleVariables.HONOURED.contains(var.name())) {
                continue;
            }
            templated(var.value()).ifPresent(s -> rest.remove(var.name()));
            templated(var.value()).ifPresent(s -> problems.error(
                    new SourceLocation(var.location().file(), s.getStartMark().getLine() + 1, s.getStartMark().getColumn() + 1),
                    var.name() + " is a Jinja template ('" + s.getValue() + "'): dcsprov does not evaluate Jinja",
                    "write the value itself (e.g. the host's address or name), or define " + var.name()
                            + " per host in host_vars"));
        }
        return rest;
    }

    /** The first scalar anywhere in the value that holds a Jinja expression or statement. */
    static Optional<ScalarNode> templated(Node node) {
        if (node instanceof ScalarNode s) {
            return s.getValue().contains("{{") || s.getValue().contains("{%") ? Optional.of(s) : Optional.empty();
        }
        if (node instanceof SequenceNode seq) {
            return seq.getValue().stream().map(Templates::templated).flatMap(Optional::stream).findFirst();
        }
        if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                Optional<ScalarNode> found = templated(t.getValueNode());
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }
}
