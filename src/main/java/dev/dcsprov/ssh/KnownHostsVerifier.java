package dev.dcsprov.ssh;

import dev.dcsprov.ExitCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;

/**
 * Verifies one target's host key against known_hosts under a {@link HostKeyPolicy}. sshj only learns
 * yes or no, so the reason for a no is kept in {@link #failure()} for the connector to throw.
 */
final class KnownHostsVerifier implements HostKeyVerifier {
    /** Serialises appends from parallel connects; OpenSSH tolerates duplicates but not interleaved lines. */
    private static final Object RECORD_LOCK = new Object();

    private final SshTarget target;
    private final HostKeyPolicy policy;
    private final KnownHosts knownHosts;
    /** The names this host may have in known_hosts: inventory name and address, with [..]:port off port 22. */
    static Set<String> namesFor(SshTarget target) {
        Set<String> names = new LinkedHashSet<>();
        names.add(target.knownHostsName(target.address().toLowerCase(Locale.ROOT)));
        names.add(target.knownHostsName(target.hostName().toLowerCase(Locale.ROOT)));
        return names;
    }


    private final Set<String> names;
    private volatile RemoteException failure;

    KnownHostsVerifier(SshTarget target, HostKeyPolicy policy, KnownHosts knownHosts) {
        this.target = target;
        this.policy = policy;
        this.knownHosts = knownHosts;
        this.names = namesFor(target);
    }

    RemoteException failure() {
        return failure;
    }

    /**
     * Host key algorithms of the keys we know for this host, so the server is asked for a key we can verify.
     * A known {@code ssh-rsa} key is verified through rsa-sha2-512/256 signatures only: SHA-1 {@code ssh-rsa}
     * signatures are refused ({@link SshConnector#modernConfig()} does not offer them).
     */
    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
        Set<String> algorithms = new LinkedHashSet<>();
        for (KnownHosts.Entry e : knownHosts.entriesFor(names)) {
            if (e.revoked()) {
                continue;
            }
            String type = e.type().toString();
            if (type.equals("ssh-rsa")) {
                algorithms.add("rsa-sha2-512");
                algorithms.add("rsa-sha2-256");
            } else {
                algorithms.add(type);
            }
        }
        return new ArrayList<>(algorithms);
    }

    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
        byte[] presented = KnownHosts.blob(key);
        KeyType type = KeyType.fromKey(key);
        List<KnownHosts.Entry> entries = knownHosts.entriesFor(names);
        for (KnownHosts.Entry e : entries) {
            if (e.revoked() && e.sameKey(presented)) {
                failure = revoked(key, e);
                return false;
            }
        }
        for (KnownHosts.Entry e : entries) {
            if (!e.revoked() && e.sameKey(presented)) {
                return true;
            }
        }
        List<KnownHosts.Entry> known = entries.stream().filter(e -> !e.revoked()).collect(Collectors.toList());
        if (!known.isEmpty()) {
            // Stricter than OpenSSH for a key of another type: we asked for the known types first, so a
            // server that answers with a different one has lost its old key or is not the host we know.
            failure = changed(key, type, known);
            return false;
        }
        if (policy.mode() == HostKeyPolicy.Mode.ACCEPT_NEW) {
            try {
                record(type, presented);
                return true;
            } catch (IOException | RuntimeException e) {
                failure = new RemoteException(ExitCode.UNREACHABLE, target.hostName(),
                        "could not record the new host key in " + policy.recordFile(),
                        e.toString(), "check that the file and its directory are writable", e);
                return false;
            }
        }
        failure = unknown(key);
        return false;
    }

    /**
     * Appends the key under the address only, {@code host} or {@code [host]:port} as OpenSSH writes it: never
     * the inventory name, and never anything that known_hosts would read as a pattern, a list or a marker.
     */
    private void record(KeyType type, byte[] blob) throws IOException {
        String line = recordedName(target) + " " + type + " "
                + java.util.Base64.getEncoder().encodeToString(blob) + "\n";
        Path file = policy.recordFile();
        synchronized (RECORD_LOCK) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            // Never glue our entry onto a last line that lacks its newline.
            if (Files.exists(file) && Files.size(file) > 0) {
                try (FileChannel r = FileChannel.open(file, StandardOpenOption.READ)) {
                    ByteBuffer last = ByteBuffer.allocate(1);
                    r.read(last, r.size() - 1);
                    if (last.get(0) != '\n') {
                        line = "\n" + line;
                    }
                }
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
            }
        }
    }

    /** The address as a known_hosts name; refuses an address that is not a plain host name or IP address. */
    static String recordedName(SshTarget target) {
        String address = target.address().toLowerCase(Locale.ROOT);
        if (!address.matches("[a-z0-9._:-]+") || address.startsWith("-") || address.startsWith(".")) {
            throw new IllegalArgumentException("the address '" + address.replaceAll("[^\\x21-\\x7e]", "?")
                    + "' is not a host name or IP address and cannot be recorded in known_hosts");
        }
        return target.knownHostsName(address);
    }

    private String presented(PublicKey key) {
        return KeyType.fromKey(key) + " " + KnownHosts.fingerprint(key);
    }

    private RemoteException changed(PublicKey key, KeyType type, List<KnownHosts.Entry> known) {
        StringBuilder detail = new StringBuilder();
        detail.append("The host presented ").append(presented(key)).append(" but known_hosts has");
        StringBuilder fix = new StringBuilder("If the host was reinstalled or its key was rotated on purpose, "
                + "verify the new fingerprint out of band, then remove the old entry:");
        Set<String> commands = new LinkedHashSet<>();
        for (KnownHosts.Entry e : known) {
            detail.append("\n  ").append(e.type()).append(' ').append(e.fingerprint())
                    .append(" at ").append(e.location());
            commands.add("ssh-keygen -R " + dev.dcsprov.Shell.quote(matchedName(e)) + " -f " + dev.dcsprov.Shell.quote(
                    e.file().toString()));
        }
        for (String c : commands) {
            fix.append("\n  ").append(c);
        }
        fix.append("\nOtherwise someone may be intercepting the connection: do not continue.");
        boolean sameType = known.stream().anyMatch(e -> e.type() == type);
        String summary = sameType ? "HOST KEY CHANGED for " + describe()
                : "host key of a different type than known for " + describe();
        return new RemoteException(ExitCode.UNREACHABLE, target.hostName(), summary, detail.toString(),
                fix.toString(), null);
    }

    private RemoteException revoked(PublicKey key, KnownHosts.Entry e) {
        return new RemoteException(ExitCode.UNREACHABLE, target.hostName(),
                "the host key of " + describe() + " is revoked",
                "The host presented " + presented(key) + ", marked @revoked at " + e.location(),
                "Give the host a new key and record it in known_hosts.", null);
    }

    private RemoteException unknown(PublicKey key) {
        String file = policy.recordFile().toString();
        return new RemoteException(ExitCode.UNREACHABLE, target.hostName(),
                "unknown host key for " + describe(),
                "The host presented " + presented(key) + ", which none of these files lists for "
                        + String.join(" or ", names) + ": "
                        + policy.knownHostsFiles().stream().map(Path::toString).collect(Collectors.joining(", ")),
                "Verify the fingerprint out of band (on the host: ssh-keygen -lf /etc/ssh/ssh_host_"
                        + keyFileStem(key) + "_key.pub), then add it:\n  ssh-keyscan -H -p " + target.port() + " "
                        + dev.dcsprov.Shell.quote(target.address()) + " >> " + dev.dcsprov.Shell.quote(file)
                        + "\nor run again with --accept-new-host-keys to record keys of hosts seen for the first time.",
                null);
    }

    private static String keyFileStem(PublicKey key) {
        String type = KeyType.fromKey(key).toString();
        if (type.contains("ed25519")) {
            return "ed25519";
        }
        return type.startsWith("ecdsa") ? "ecdsa" : "rsa";
    }

    /** The name under which {@code e} knows this host, as ssh-keygen -R wants it (hashed entries match it too). */
    private String matchedName(KnownHosts.Entry e) {
        for (String n : names) {
            if (e.appliesTo(List.of(n))) {
                return n;
            }
        }
        return names.iterator().next();
    }

    private String describe() {
        return target.address() + " port " + target.port();
    }
}
