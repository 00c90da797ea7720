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
 * Lines are matched as OpenSSH matches them ({@link HostPatternList}, hashed {@code |1|} names by their
 * HMAC-SHA1); sshj only decodes the keys. Markers: {@code @revoked} marks a key refused for the hosts
 * its line names; {@code @cert-authority} lines (host certificates are not supported) and lines with an
 * unknown marker are skipped, as OpenSSH skips them for a plain host key.
 */
final class KnownHosts {

    /** One host key line. {@code keyBlob} is the decoded key field, which is what fingerprints hash. */
    record Entry(Path file, int line, String hosts, OpenSSHKnownHosts.KnownHostEntry parsed, boolean revoked, byte[] keyBlob) {
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
                if (KnownHosts.names(hosts, name)) {
                    return true;
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
            return names.stream().anyMatch(n -> hashedNames(hosts, n));
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

    /** Whether a line's host field names {@code host}: one hashed name, or a pattern list. */
    static boolean names(String hosts, String host) {
        return hosts.startsWith("|1|") ? hashedNames(hosts, host) : HostPatternList.matches(hosts, host);
    }

    /** {@code |1|salt|hash}: HMAC-SHA1 of the name keyed by the salt, as ssh-keygen -H writes it. */
    static boolean hashedNames(String hosts, String host) {
        String[] parts = hosts.split("\\|");
        if (parts.length != 4) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] hash = Base64.getDecoder().decode(parts[3]);
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
            mac.init(new javax.crypto.spec.SecretKeySpec(salt, "HmacSHA1"));
            return MessageDigest.isEqual(hash, mac.doFinal(host.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            return false; // OpenSSH skips a hashed name it cannot decode
        }
    }

    private static Entry parse(OpenSSHKnownHosts.EntryFactory factory, Path file, int lineNo, String line) {
        String trimmed = line.trim();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return null;
        }
        String[] fields = trimmed.split("\\s+");
        boolean revoked = false;
        int first = 0;
        if (fields[0].startsWith("@")) {
            // Only @revoked applies to a plain host key; @cert-authority and unknown markers do not.
            if (!fields[0].equals("@revoked")) {
                return null;
            }
            revoked = true;
            first = 1;
        }
        if (fields.length < first + 3) {
            return null;
        }
        try {
            OpenSSHKnownHosts.KnownHostEntry parsed = factory.parseEntry(fields[first] + " " + fields[first + 1] + " " + fields[first + 2]);
            if (!(parsed instanceof OpenSSHKnownHosts.HostEntry) || parsed.getType() == KeyType.UNKNOWN) {
                return null;
            }
            byte[] blob = Base64.getDecoder().decode(fields[first + 2]);
            return new Entry(file, lineNo, fields[first], parsed, revoked, blob);
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
