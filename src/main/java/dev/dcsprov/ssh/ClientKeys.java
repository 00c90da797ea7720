package dev.dcsprov.ssh;

import dev.dcsprov.ExitCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPublickey;

/**
 * How a connection authenticates: the target's key file, else the operator's ssh-agent and the
 * default ~/.ssh keys. A key file protected by a passphrase is used through ssh-agent (ssh-add it):
 * dcsprov never asks for or reads a passphrase.
 */
final class ClientKeys {
    static final List<String> DEFAULT_KEY_NAMES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    /**
     * @param methods          what to offer the server, in order
     * @param offered          the same, described for messages (files, agent keys)
     * @param skippedEncrypted passphrase-protected default keys not used (not in the agent)
     */
    record Loaded(List<AuthMethod> methods, List<String> offered, List<Path> skippedEncrypted) {
    }

    private ClientKeys() {
    }

    static Loaded load(SSHClient client, SshTarget target, Optional<SshAgent> agent) {
        if (target.privateKey().isPresent()) {
            // Only the given key: loading the defaults as well would cost time and could offer the wrong identity.
            Path file = target.privateKey().get();
            if (!Files.isReadable(file)) {
                throw error(target, "cannot read the private key file " + file,
                        Files.exists(file) ? "The file exists but is not readable by this user." : "The file does not exist.",
                        "Check ansible_ssh_private_key_file for this host.", null);
            }
            if (isEncrypted(file)) {
                return fromAgentFor(target, file, agent);
            }
            return new Loaded(List.of(new AuthPublickey(parse(client, target, file))), List.of(file.toString()), List.of());
        }
        List<AuthMethod> methods = new ArrayList<>();
        List<String> offered = new ArrayList<>();
        // The agent first, as OpenSSH does: it holds the keys the operator unlocked.
        for (SshAgent.Identity id : agentIdentities(agent)) {
            AgentPublickey m = new AgentPublickey(agent.orElseThrow(), id);
            methods.add(m);
            offered.add(m.toString());
        }
        Path sshDir = Path.of(System.getProperty("user.home"), ".ssh");
        List<Path> encrypted = new ArrayList<>();
        for (String name : DEFAULT_KEY_NAMES) {
            Path file = sshDir.resolve(name);
            if (!Files.isReadable(file)) {
                continue;
            }
            if (isEncrypted(file)) {
                encrypted.add(file);
                continue;
            }
            methods.add(new AuthPublickey(parse(client, target, file)));
            offered.add(file.toString());
        }
        return new Loaded(methods, offered, encrypted);
    }

    /** A passphrase-protected key file: the agent's copy of it (matched by FILE.pub), else every agent key. */
    private static Loaded fromAgentFor(SshTarget target, Path file, Optional<SshAgent> agent) {
        List<SshAgent.Identity> ids = agentIdentities(agent);
        Optional<byte[]> pub = publicBlob(Path.of(file + ".pub"));
        List<SshAgent.Identity> chosen = pub.isEmpty() ? ids
                : ids.stream().filter(id -> java.util.Arrays.equals(id.blob(), pub.get())).toList();
        if (chosen.isEmpty()) {
            String why = agent.isEmpty() ? "SSH_AUTH_SOCK is not set (no ssh-agent)."
                    : ids.isEmpty() ? "The ssh-agent at " + agent.get().socket() + " holds no keys."
                    : "The ssh-agent at " + agent.get().socket() + " does not hold it (compared with " + file + ".pub).";
            throw error(target, "the private key " + file + " is protected by a passphrase",
                    "dcsprov never asks for passphrases; it uses such keys through ssh-agent. " + why,
                    "Load it into your agent (ssh-add " + dev.dcsprov.Shell.quote(file.toString()) + ") and run dcsprov with SSH_AUTH_SOCK set, "
                            + "or use a key without a passphrase.", null);
        }
        List<AuthMethod> methods = new ArrayList<>();
        List<String> offered = new ArrayList<>();
        for (SshAgent.Identity id : chosen) {
            AgentPublickey m = new AgentPublickey(agent.orElseThrow(), id);
            methods.add(m);
            offered.add(m + " (for " + file + ")");
        }
        return new Loaded(methods, offered, List.of());
    }

    /** The agent's keys; an agent that does not answer counts as none (the error names what was tried). */
    private static List<SshAgent.Identity> agentIdentities(Optional<SshAgent> agent) {
        if (agent.isEmpty()) {
            return List.of();
        }
        try {
            return agent.get().identities();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The key blob of an OpenSSH public key file ("type base64 comment"), if it is one. */
    static Optional<byte[]> publicBlob(Path pubFile) {
        try {
            String[] parts = Files.readString(pubFile, StandardCharsets.US_ASCII).strip().split("\\s+");
            return parts.length >= 2 ? Optional.of(Base64.getDecoder().decode(parts[1])) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Parses now rather than during authentication, so a broken file is reported as such. */
    private static KeyProvider parse(SSHClient client, SshTarget target, Path file) {
        try {
            KeyProvider provider = client.loadKeys(file.toString());
            provider.getPrivate();
            return provider;
        } catch (IOException | RuntimeException e) {
            throw error(target, "cannot load the private key " + file, String.valueOf(e.getMessage()),
                    "Use an ed25519, ecdsa or rsa key in OpenSSH or PEM format (one with a passphrase through ssh-agent).", e);
        }
    }

    /** OpenSSH keys name their cipher in the header ("none" when clear); PEM keys say ENCRYPTED. */
    static boolean isEncrypted(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return false; // reported by the parser with its own message
        }
        if (text.contains("ENCRYPTED")) {
            return true;
        }
        String begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END OPENSSH PRIVATE KEY-----");
        if (start < 0 || end < start) {
            return false;
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
            ByteBuffer buf = ByteBuffer.wrap(der);
            byte[] magic = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
            buf.position(magic.length);
            byte[] cipher = new byte[buf.getInt()];
            buf.get(cipher);
            return !"none".equals(new String(cipher, StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static RemoteException error(SshTarget t, String summary, String detail, String fix, Throwable cause) {
        return new RemoteException(ExitCode.UNREACHABLE, t.hostName(), summary, detail, fix, cause);
    }
}
