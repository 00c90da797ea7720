package dev.dcsprov.inventory;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads inventory and vars files as UTF-8 text; a file that cannot be read is an error naming it. */
final class SourceText {
    private final Problems problems;

    SourceText(Problems problems) {
        this.problems = problems;
    }

    /**
     * The text, or null after reporting why it cannot be read. Only a regular file (or a link to one) is read: a
     * dangling link, a directory, a FIFO or a device is an error naming it (ansible-inventory skips a dangling link
     * in group_vars/ silently and waits forever on a FIFO; dcsprov says so instead of running with variables missing).
     */
    String read(Path file) {
        if (!Files.isRegularFile(file)) {
            problems.error(new SourceLocation(file, 1, 1), "cannot read " + file + ": " + notAFile(file),
                    "make it a readable file, or remove it");
            return null;
        }
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            if (AnsibleVault.isVault(text)) {
                try {
                    String plain = AnsibleVault.decrypt(text, problems.vault().passwords());
                    problems.vaulted(file);
                    return plain;
                } catch (AnsibleVault.CannotDecrypt e) {
                    problems.error(new SourceLocation(file, 1, 1), "cannot decrypt " + file + ": " + e.getMessage(), Problems.VAULT_FIX);
                    return null;
                }
            }
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)));
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            problems.error(new SourceLocation(file, 1, 1), file + " is not UTF-8 text", "save it as UTF-8");
            return null;
        } catch (IOException e) {
            problems.error(new SourceLocation(file, 1, 1), "cannot read " + file + ": " + e.getMessage(),
                    "check that it exists and that you may read it");
            return null;
        }
    }

    private static String notAFile(Path file) {
        if (Files.isSymbolicLink(file) && !Files.exists(file)) {
            try {
                return "it is a symbolic link to " + Files.readSymbolicLink(file) + ", which does not exist";
            } catch (IOException e) {
                return "it is a dangling symbolic link";
            }
        }
        if (Files.isDirectory(file)) {
            return "it is a directory";
        }
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return "no such file";
        }
        return "it is not a regular file (a FIFO, socket or device)";
    }
}
