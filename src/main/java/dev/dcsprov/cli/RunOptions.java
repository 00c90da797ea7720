package dev.dcsprov.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** What every command that works on an inventory's hosts accepts. */
final class RunOptions {
    @Parameters(index = "0", paramLabel = "INVENTORY", description = "Ansible inventory: a YAML, INI or ansible-inventory --list JSON file, or a directory of them, e.g. inventories/lab.yml")
    Path inventory;

    @Option(names = {"-i", "--inventory"}, paramLabel = "SOURCE", description = "Further inventory sources after INVENTORY, read in order (later ones win), as Ansible's -i")
    java.util.List<Path> moreInventories = new java.util.ArrayList<>();

    /** INVENTORY, then every -i, in order. */
    java.util.List<Path> sources() {
        java.util.List<Path> all = new java.util.ArrayList<>(java.util.List.of(inventory));
        all.addAll(moreInventories);
        return all;
    }

    @Option(names = "--group", paramLabel = "NAME", description = "Inventory group of the etcd members (default: etcd, or dcsprov_group)")
    String group;

    @Option(names = "--patroni-group", paramLabel = "NAME", description = "Inventory group of the Patroni hosts (default: patroni, or dcsprov_patroni_group; none is fine)")
    String patroniGroup;

    @Option(names = "--forks", paramLabel = "N", defaultValue = "10", description = "Hosts worked on at once (default: ${DEFAULT-VALUE})")
    int forks;

    @Option(names = "--accept-new-host-keys", description = "Record unknown SSH host keys on first use (a changed key still stops the run)")
    boolean acceptNewHostKeys;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE})")
    OutputFormat output;

    enum OutputFormat { text, json }
}
