package dev.dcsprov.auth;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.inventory.SecretSource;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads passwords from where the inventory says they are. Every failure is an error before any
 * host is changed, and no message ever contains a secret.
 */
public final class Secrets {
    private static final Set<PosixFilePermission> LOOSE = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private final Map<String, String> environment;
    private final Console console;

    public Secrets() {
        this(ProcessEnvironment.utf8(), System.console());
    }

    Secrets(Map<String, String> environment, Console console) {
        this.environment = environment;
        this.console = console;
    }

    /** The password, or a clear error saying where it was looked for and how to provide it. */
    public String read(SecretSource source, String what) {
        String value;
        if (source instanceof SecretSource.Env e) {
            value = fromEnv(e, what);
        } else if (source instanceof SecretSource.File f) {
            value = fromFile(f, what);
        } else if (source instanceof SecretSource.Vaulted v) {
            value = v.value();
        } else {
            value = fromPrompt(what);
        }
        String problem = PasswordRules.problem(value).orElse(null);
        if (problem != null) {
            throw new DcsprovException(ExitCode.INVENTORY, value.isEmpty() ? "no password for " + what : "unusable password for " + what,
                    "the password from " + source.describe() + " " + problem + ". Nothing was changed on any host.",
                    value.isEmpty() ? "put the password there"
                            : "choose a password of at most " + PasswordRules.MAX_BYTES + " UTF-8 bytes without whitespace, put it in "
                            + source.describe() + ", and run again");
        }
        return value;
    }

    private String fromEnv(SecretSource.Env e, String what) {
        String value = environment.get(e.name());
        if (value == null) {
            throw missing(what, "environment variable " + e.name() + " is not set", "export " + e.name() + "=... before running dcsprov");
        }
        return value;
    }

    private static String fromFile(SecretSource.File f, String what) {
        try {
            if (!Files.isRegularFile(f.path())) {
                throw missing(what, "file " + f.path() + " does not exist", "create it with the password, mode 0600");
            }
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(f.path()));
            perms.retainAll(LOOSE);
            if (!perms.isEmpty()) {
                throw missing(what, "file " + f.path() + " can be read or written by others than its owner",
                        "chmod 600 " + dev.dcsprov.Shell.quote(f.path().toString()));
            }
            String text = Files.readString(f.path(), StandardCharsets.UTF_8);
            return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (UnsupportedOperationException e) {
            return readPlain(f, what);
        } catch (IOException e) {
            throw missing(what, "cannot read " + f.path() + ": " + e.getMessage(), "check the path and its permissions");
        }
    }

    private static String readPlain(SecretSource.File f, String what) {
        try {
            return Files.readString(f.path(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw missing(what, "cannot read " + f.path() + ": " + e.getMessage(), "check the path and its permissions");
        }
    }

    private String fromPrompt(String what) {
        if (console == null) {
            throw missing(what, "the inventory says to prompt for it, but dcsprov is not running on a terminal",
                    "run dcsprov in a terminal, or give the password as {env: NAME} or {file: path}");
        }
        char[] pw = console.readPassword("%s: ", "Password for " + what);
        if (pw == null) {
            throw missing(what, "no password was entered", "run again and enter it");
        }
        String value = new String(pw);
        if (!StandardCharsets.UTF_8.equals(console.charset()) && value.chars().anyMatch(c -> c == '?' || c > 0x7e)) {
            // In a non-UTF-8 locale, what the terminal could not decode already became '?': refuse rather than guess.
            throw new DcsprovException(ExitCode.INVENTORY, "unusable password for " + what, "the terminal's charset is "
                    + console.charset() + ", which may not carry every character of the password whole ('?' or non-ASCII"
                    + " characters in it). Nothing was changed on any host.", "run dcsprov in a UTF-8 locale (LANG=C.UTF-8)"
                    + " or give the password as {file: path}");
        }
        return value;
    }

    private static DcsprovException missing(String what, String detail, String fix) {
        return new DcsprovException(ExitCode.INVENTORY, "no password for " + what, detail
                + ". Nothing was changed on any host.", fix);
    }
}
