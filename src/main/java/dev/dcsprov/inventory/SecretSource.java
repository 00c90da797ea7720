package dev.dcsprov.inventory;

import java.nio.file.Path;

/**
 * Where a password comes from. The inventory names the source, never the secret itself:
 * {@code {env: NAME}}, {@code {file: path}} or {@code {prompt: true}}.
 */
public sealed interface SecretSource {

    /** For messages and plans: where the secret comes from, never what it is. */
    String describe();

    record Env(String name) implements SecretSource {
        public String describe() {
            return "environment variable " + name;
        }
    }

    record File(Path path) implements SecretSource {
        public String describe() {
            return "file " + path;
        }
    }

    /** Decrypted from Ansible Vault at load time (an inline !vault value, or a vault-encrypted vars file). Never shown. */
    record Vaulted(String value, String where) implements SecretSource {
        public String describe() {
            return where;
        }

        @Override
        public String toString() {
            return "Vaulted[" + where + "]";
        }
    }

    /** Asked for on the terminal; {@code label} says what for. */
    record Prompt(String label) implements SecretSource {
        public String describe() {
            return "prompt (" + label + ")";
        }
    }
}
