package dev.dcsprov.auth;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What an etcd password may contain so that etcd stores and checks exactly what the source holds.
 * Each rule is a way a password gets cut on its way into etcd (verified against etcd 3.4.23):
 * <ul>
 * <li>{@code etcdctl user add/passwd --interactive=false} reads it with Go's {@code Scanf("%s")}, which
 * stops at the first whitespace of Go's fmt table (ASCII and Unicode spaces alike): "correct horse"
 * is stored as "correct", "café\u00a0x" as "café";</li>
 * <li>etcd keeps a bcrypt hash, and bcrypt ignores everything after byte 72: an 80-byte password then
 * logs in with any tail;</li>
 * <li>a value that was not valid text in the locale's encoding arrives as U+FFFD.</li>
 * </ul>
 * Everything else is kept whole: leading '-', ':', quotes, '$', backslashes and non-ASCII letters.
 */
public final class PasswordRules {
    /** bcrypt's input limit: bytes beyond it are not part of the hash. */
    public static final int MAX_BYTES = 72;

    private PasswordRules() {
    }

    /** Why etcd would not keep this password whole, or empty when it would. Never quotes the password. */
    public static Optional<String> problem(String password) {
        if (password.isEmpty()) {
            return Optional.of("is empty");
        }
        for (int i = 0; i < password.length(); ) {
            int cp = password.codePointAt(i);
            if (cp == '\n' || cp == '\r' || cp == 0) {
                return Optional.of("has a line break or NUL inside the password");
            }
            if (isGoSpace(cp)) {
                return Optional.of(String.format("has whitespace in it (U+%04X%s); etcdctl reads a password only up to its"
                        + " first whitespace, so etcd would store a shorter password than the one you gave",
                        cp, cp == ' ' ? ", a space" : cp == '\t' ? ", a tab" : ""));
            }
            if (cp == 0xFFFD) {
                return Optional.of("has U+FFFD, the replacement character: it was not valid UTF-8 text"
                        + " (with {env: ...}, run dcsprov in a UTF-8 locale, e.g. LANG=C.UTF-8)");
            }
            i += Character.charCount(cp);
        }
        int bytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return Optional.of("is longer than " + MAX_BYTES + " bytes in UTF-8; etcd keeps a bcrypt hash, which ignores"
                    + " everything after byte " + MAX_BYTES + ", so any password with the same start would log in");
        }
        return Optional.empty();
    }

    /** Go's fmt scanner's space table (fmt/scan.go), which Scanf("%s") stops at. */
    static boolean isGoSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f
                || cp == 0x205f || cp == 0x3000;
    }
}
