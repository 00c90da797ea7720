package dev.dcsprov.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** What every command that works on an inventory's hosts accepts. */
final class RunOptions {
    @Parameters(index = "0", paramLabel = "INVENTORY", description = "Ansible-style YAML inventory, e.g. inventories/lab.yml")
    Path inventory;

    @Option(names = "--group", paramLabel = "NAME", description = "Inventory group of the etcd members (default: etcd, or dcsprov_group)")
    String group;

    @Option(names = "--forks", paramLabel = "N", defaultValue = "10", description = "Hosts worked on at once (default: ${DEFAULT-VALUE})")
    int forks;

    @Option(names = "--accept-new-host-keys", description = "Record unknown SSH host keys on first use (a changed key still stops the run)")
    boolean acceptNewHostKeys;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE})")
    OutputFormat output;

    enum OutputFormat { text, json }
}
