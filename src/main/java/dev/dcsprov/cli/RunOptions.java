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

    @Option(names = {"-f", "--forks"}, paramLabel = "N", defaultValue = "10", description = "Hosts worked on at once (default: ${DEFAULT-VALUE})")
    int forks;

    @Option(names = {"-e", "--extra-vars"}, paramLabel = "VARS", description = "Variables above every inventory variable, as Ansible's -e: "
            + "key=value ..., a JSON mapping, or @FILE (YAML or JSON); repeatable, later ones win")
    java.util.List<String> extraVars = new java.util.ArrayList<>();

    @Option(names = {"-l", "--limit"}, paramLabel = "PATTERN", description = "Only these members, as Ansible's --limit: names, groups, "
            + "wildcards, ~regex, ',' or ':' for or, '&' and, '!' not, @FILE. apply and plan change and restart only these; "
            + "health gates still look at every member")
    String limit;

    @Option(names = "--list-hosts", description = "Print the members the command would work on (after --limit) and exit; connects to no host")
    boolean listHosts;

    @Option(names = "--vault-password-file", paramLabel = "FILE", description = "Ansible Vault password file (an executable one is run); "
            + "repeatable. ANSIBLE_VAULT_PASSWORD_FILE is one more, as in Ansible")
    java.util.List<Path> vaultPasswordFiles = new java.util.ArrayList<>();

    @Option(names = "--vault-id", paramLabel = "ID@SOURCE", description = "Vault id and its password: ID@FILE or ID@prompt; repeatable")
    java.util.List<String> vaultIds = new java.util.ArrayList<>();

    @Option(names = {"-J", "--ask-vault-pass"}, description = "Ask for the vault password on the terminal")
    boolean askVaultPass;

    /** The vault passwords, read once per run. */
    dev.dcsprov.inventory.VaultKeys vault() {
        if (vault == null) {
            vault = dev.dcsprov.inventory.VaultKeys.from(vaultPasswordFiles, vaultIds, askVaultPass,
                    System.getenv("ANSIBLE_VAULT_PASSWORD_FILE"));
        }
        return vault;
    }

    private dev.dcsprov.inventory.VaultKeys vault;

    @Option(names = "--diff", description = "Accepted for Ansible habits: plans always show the diffs of config files")
    boolean diff;

    @Option(names = "-v", description = "More output on stderr, as Ansible's -v: -v phase timings, -vv also each connection and "
            + "remote command (host, exit status, time), -vvv the whole remote scripts (never a secret: those travel on stdin)")
    boolean[] verbose = new boolean[0];

    @Option(names = "--accept-new-host-keys", description = "Record unknown SSH host keys on first use (a changed key still stops the run)")
    boolean acceptNewHostKeys;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE})")
    OutputFormat output;

    enum OutputFormat { text, json }
}
