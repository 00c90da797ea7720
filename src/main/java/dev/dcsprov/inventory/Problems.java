package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects errors and warnings while an inventory is read, so a person sees every mistake in one run.
 * A set, because a bad group variable is seen once per member that inherits it.
 */
final class Problems {
    private final Set<Problem> errors = new LinkedHashSet<>();
    private final List<String> warnings = new ArrayList<>();
    /** A warning about many hosts is listed once, naming them. */
    private final java.util.Map<String, java.util.Set<String>> hostWarnings = new java.util.LinkedHashMap<>();

    /** The vault passwords of this read, so every reader that reports here can decrypt (files and !vault values). */
    private VaultKeys vault = VaultKeys.none();
    /** Files that were vault-encrypted: their values are secrets, like !vault ones. */
    private final Set<java.nio.file.Path> vaultedFiles = new java.util.HashSet<>();

    Problems withVault(VaultKeys keys) {
        this.vault = keys;
        return this;
    }

    VaultKeys vault() {
        return vault;
    }

    void vaulted(java.nio.file.Path file) {
        vaultedFiles.add(file);
    }

    boolean isVaulted(java.nio.file.Path file) {
        return vaultedFiles.contains(file);
    }

    /** A !vault value decrypted, or null after an error at it. */
    String decrypt(org.yaml.snakeyaml.nodes.ScalarNode node, SourceLocation at, String name) {
        try {
            return AnsibleVault.decrypt(node.getValue(), vault.passwords());
        } catch (AnsibleVault.CannotDecrypt e) {
            error(at, "cannot decrypt the !vault value of " + name + ": " + e.getMessage(), VAULT_FIX);
            return null;
        }
    }

    static final String VAULT_FIX = "give the vault password with --vault-password-file FILE, --vault-id ID@FILE, --ask-vault-pass "
            + "or ANSIBLE_VAULT_PASSWORD_FILE (the one ansible-vault used)";

    static boolean isVault(org.yaml.snakeyaml.nodes.Node node) {
        return node instanceof org.yaml.snakeyaml.nodes.ScalarNode && node.getTag().getValue().equals("!vault");
    }

    void error(SourceLocation at, String message, String fix) {
        errors.add(new Problem(at, message, fix == null ? "" : fix));
    }

    void warn(String message) {
        warnings.add(message);
    }

    /** A warning that concerns a host; the same message for several hosts is one warning naming them all. */
    void warnFor(String message, String host) {
        hostWarnings.computeIfAbsent(message, m -> new LinkedHashSet<>()).add(host);
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<String> warnings() {
        List<String> all = new ArrayList<>(warnings);
        hostWarnings.forEach((m, hosts) -> all.add(m + " (" + (hosts.size() == 1 ? "host " : "hosts ") + String.join(", ", hosts) + ")"));
        return List.copyOf(all);
    }

    /** Errors in file order, then by column; same-place errors keep the order they were found. */
    List<Problem> errors() {
        return errors.stream()
                .sorted(Comparator.comparingInt((Problem p) -> p.location().line())
                        .thenComparingInt(p -> p.location().column()))
                .toList();
    }

    void throwIfErrors(Path file) {
        if (hasErrors()) {
            throw new InventoryException(file, errors());
        }
    }
}
