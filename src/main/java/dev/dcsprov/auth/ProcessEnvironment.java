package dev.dcsprov.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * This process's environment decoded as UTF-8 whatever the locale. Java decodes environment
 * variables with the locale's charset, so under LANG=C a password "café" would silently become
 * "caf??" (seen against etcd). On Linux the raw bytes are in /proc/self/environ; a value that is
 * not valid UTF-8 gets U+FFFD, which {@link PasswordRules} refuses. Elsewhere: System.getenv.
 */
final class ProcessEnvironment {
    private ProcessEnvironment() {
    }

    static Map<String, String> utf8() {
        Path environ = Path.of("/proc/self/environ");
        if (!Files.isReadable(environ)) {
            return System.getenv();
        }
        try {
            return parse(Files.readAllBytes(environ));
        } catch (IOException e) {
            return System.getenv();
        }
    }

    static Map<String, String> parse(byte[] raw) {
        Map<String, String> env = new HashMap<>();
        int start = 0;
        for (int i = 0; i <= raw.length; i++) {
            if (i == raw.length || raw[i] == 0) {
                String entry = decode(raw, start, i - start);
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
                }
                start = i + 1;
            }
        }
        return env;
    }

    private static String decode(byte[] raw, int off, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(raw, off, len)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e); // REPLACE never throws
        }
    }
}
