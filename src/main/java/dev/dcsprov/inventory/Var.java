package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.Node;

/**
 * One variable definition as written in the inventory.
 *
 * @param name        the variable name
 * @param value       its YAML value node (may be a null scalar)
 * @param keyLocation where the name is written: errors about the name point here
 * @param location    where the value is written: errors about the value point here
 * @param origin      "group 'etcd'" or "host 'dcs-00'", for messages
 */
record Var(String name, Node value, SourceLocation keyLocation, SourceLocation location, String origin) {

    boolean isHostLevel() {
        return origin.startsWith("host ");
    }
}
