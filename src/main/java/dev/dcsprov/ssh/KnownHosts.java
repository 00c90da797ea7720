package dev.dcsprov.ssh;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * The entries of several known_hosts files, each remembering its file and line so errors can point at it.
 * Host matching (patterns, negation, hashed {@code |1|} names) is sshj's.
 */
final class KnownHosts {

    /** One host key line. {@code keyBlob} is the decoded key field, which is what fingerprints hash. */
    record Entry(Path file, int line, OpenSSHKnownHosts.KnownHostEntry parsed, boolean revoked, byte[] keyBlob) {
        KeyType type() {
            return parsed.getType();
        }

        String fingerprint() {
            return KnownHosts.fingerprint(keyBlob);
        }

        String location() {
            return file + ":" + line;
        }

        boolean appliesTo(Collection<String> names) {
            for (String name : names) {
                try {
                    if (parsed.appliesTo(name)) {
                        return true;
                    }
                } catch (IOException e) {
                    // A hashed entry that cannot be checked does not apply.
                }
            }
            return false;
        }

        boolean sameKey(byte[] presentedBlob) {
            return java.util.Arrays.equals(keyBlob, presentedBlob);
        }
    }

    private final List<Entry> entries;

    private KnownHosts(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * Reads the lines of the files that exist that may name one of {@code names}; a missing file is
     * simply empty, as in OpenSSH. Only those lines are parsed: decoding a key is the costly part
     * (BouncyCastle tests every RSA modulus), and a lab's or a fleet's file holds many other hosts.
     */
    static KnownHosts load(List<Path> files, Collection<String> names) throws IOException {
        // EntryFactory is an inner class of OpenSSHKnownHosts; an empty instance serves as its outer object.
        OpenSSHKnownHosts.EntryFactory factory = new OpenSSHKnownHosts(new StringReader("")).new EntryFactory();
        List<Entry> entries = new ArrayList<>();
        for (Path file : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                continue;
            }
            for (int i = 0; i < lines.size(); i++) {
                if (!mayName(lines.get(i), names)) {
                    continue;
                }
                Entry entry = parse(factory, file, i + 1, lines.get(i));
                if (entry != null) {
                    entries.add(entry);
                }
            }
        }
        return new KnownHosts(entries);
    }

    /**
     * Whether a line's host field can name one of {@code names}: a plain name compared as OpenSSH
     * does (case-insensitively), a hashed {@code |1|salt|hash} name by its HMAC-SHA1, and any pattern
     * ({@code *}, {@code ?}, {@code !}) left to sshj's full matching.
     */
    static boolean mayName(String line, Collection<String> names) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 2 || fields[0].startsWith("#")) {
            return false;
        }
        String hosts = fields[0].startsWith("@") ? fields[1] : fields[0];
        if (hosts.startsWith("|1|")) {
            String[] parts = hosts.split("\\|");
            if (parts.length != 4) {
                return true;
            }
            try {
                byte[] salt = Base64.getDecoder().decode(parts[2]);
                byte[] hash = Base64.getDecoder().decode(parts[3]);
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
                for (String name : names) {
                    mac.init(new javax.crypto.spec.SecretKeySpec(salt, "HmacSHA1"));
                    if (java.security.MessageDigest.isEqual(hash, mac.doFinal(name.getBytes(StandardCharsets.UTF_8)))) {
                        return true;
                    }
                }
                return false;
            } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
                return true;
            }
        }
        for (String pattern : hosts.split(",")) {
            if (pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.startsWith("!")) {
                return true;
            }
            for (String name : names) {
                if (pattern.equalsIgnoreCase(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Entry parse(OpenSSHKnownHosts.EntryFactory factory, Path file, int lineNo, String line) {
        String trimmed = line.trim();
        // Host certificates are not supported; a CA line must not be mistaken for a host's own key.
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("@cert-authority")) {
            return null;
        }
        try {
            OpenSSHKnownHosts.KnownHostEntry parsed = factory.parseEntry(line);
            if (!(parsed instanceof OpenSSHKnownHosts.HostEntry) || parsed.getType() == KeyType.UNKNOWN) {
                return null;
            }
            boolean revoked = trimmed.startsWith("@revoked");
            String[] fields = trimmed.split("\\s+");
            int keyField = revoked ? 3 : 2;
            byte[] blob = Base64.getDecoder().decode(fields[keyField]);
            return new Entry(file, lineNo, parsed, revoked, blob);
        } catch (IOException | RuntimeException e) {
            return null; // OpenSSH also skips lines it cannot parse
        }
    }

    /** Entries (revoked ones included) that name any of {@code names}, in file order. */
    List<Entry> entriesFor(Collection<String> names) {
        List<Entry> result = new ArrayList<>();
        for (Entry e : entries) {
            if (e.appliesTo(names)) {
                result.add(e);
            }
        }
        return result;
    }

    static byte[] blob(PublicKey key) {
        return new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
    }

    /** The fingerprint as OpenSSH prints it: {@code SHA256:} and unpadded base64. */
    static String fingerprint(byte[] keyBlob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyBlob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    static String fingerprint(PublicKey key) {
        return fingerprint(blob(key));
    }
}
