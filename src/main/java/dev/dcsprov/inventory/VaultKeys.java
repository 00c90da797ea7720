package dev.dcsprov.inventory;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The vault passwords of a run, as Ansible takes them: {@code --vault-password-file FILE}, {@code --vault-id
 * [ID@]FILE|prompt}, {@code --ask-vault-pass}, and {@code ANSIBLE_VAULT_PASSWORD_FILE} besides any of them (Ansible's
 * {@code setup_vault_secrets} adds it to the password files given). A password file is read
 * (trailing newline stripped); an executable one is run and its stdout is the password, as in Ansible. The
 * passwords stay in memory: never printed, logged or passed on.
 */
public final class VaultKeys {
    /** One password and the vault id it is for ("default" when none). toString never shows it. */
    record Password(String id, byte[] secret) {
        @Override
        public String toString() {
            return "vault password for id " + id;
        }
    }

    private final List<Password> passwords;

    private VaultKeys(List<Password> passwords) {
        this.passwords = List.copyOf(passwords);
    }

    public static VaultKeys none() {
        return new VaultKeys(List.of());
    }

    List<Password> passwords() {
        return passwords;
    }

    /**
     * @param files   --vault-password-file, in order
     * @param ids     --vault-id values: ID@FILE, ID@prompt, FILE or prompt
     * @param ask     --ask-vault-pass
     * @param envFile ANSIBLE_VAULT_PASSWORD_FILE, a further password file (default id), as Ansible adds it to the others
     */
    public static VaultKeys from(List<Path> files, List<String> ids, boolean ask, String envFile) {
        List<Password> out = new ArrayList<>();
        files.forEach(f -> out.add(new Password("default", readFile(f))));
        if (envFile != null && !envFile.isBlank()) {
            out.add(new Password("default", readFile(Path.of(envFile))));
        }
        for (String id : ids) {
            int at = id.indexOf('@');
            String label = at > 0 ? id.substring(0, at) : "default";
            String source = at > 0 ? id.substring(at + 1) : id;
            out.add(new Password(label, source.equals("prompt") ? prompt("Vault password (" + label + "): ") : readFile(Path.of(source))));
        }
        if (ask) {
            out.add(new Password("default", prompt("Vault password: ")));
        }
        return new VaultKeys(out);
    }

    private static byte[] readFile(Path file) {
        try {
            byte[] bytes;
            if (Files.isExecutable(file) && !Files.isDirectory(file)) {
                Process p = new ProcessBuilder(file.toAbsolutePath().toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                p.getOutputStream().close();
                bytes = p.getInputStream().readAllBytes();
                if (p.waitFor() != 0) {
                    throw bad(file, "the vault password script exited with " + p.exitValue());
                }
            } else {
                bytes = Files.readAllBytes(file);
            }
            String text = new String(bytes, StandardCharsets.UTF_8).strip(); // as Ansible: surrounding whitespace is not part of it
            if (text.isEmpty()) {
                throw bad(file, "the vault password file is empty");
            }
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw bad(file, "cannot read the vault password file: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw bad(file, "interrupted while running the vault password script");
        }
    }

    private static byte[] prompt(String what) {
        java.io.Console console = System.console();
        if (console == null) {
            throw new DcsprovException(ExitCode.USAGE, "a vault password must be typed, but there is no terminal",
                    "", "use --vault-password-file FILE (or ANSIBLE_VAULT_PASSWORD_FILE) when running without a terminal");
        }
        char[] pw = console.readPassword(what);
        return new String(pw).getBytes(StandardCharsets.UTF_8);
    }

    private static DcsprovException bad(Path file, String why) {
        return new DcsprovException(ExitCode.USAGE, why + " (" + file + ")", "",
                "name a readable file whose content is the vault password, or an executable that prints it");
    }
}
