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
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;

/** The private keys a connection authenticates with: the target's key file, else the default ~/.ssh keys. */
final class ClientKeys {
    static final List<String> DEFAULT_KEY_NAMES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    /** Keys to offer, and the files they came from (for messages). */
    record Loaded(List<KeyProvider> providers, List<Path> files, List<Path> skippedEncrypted) {
    }

    private ClientKeys() {
    }

    static Loaded load(SSHClient client, SshTarget target) {
        if (target.privateKey().isPresent()) {
            // Only the given key: loading the defaults as well would cost time and could offer the wrong identity.
            Path file = target.privateKey().get();
            if (!Files.isReadable(file)) {
                throw error(target, "cannot read the private key file " + file,
                        Files.exists(file) ? "The file exists but is not readable by this user." : "The file does not exist.",
                        "Check ansible_ssh_private_key_file for this host.", null);
            }
            if (isEncrypted(file)) {
                throw error(target, "the private key " + file + " is protected by a passphrase",
                        "dcsprov reads unencrypted key files only; ssh-agent is not supported yet.",
                        "Use a key without a passphrase for provisioning (ssh-keygen -t ed25519 -N '' -f FILE), "
                                + "and add its .pub to the user's authorized_keys on the host.", null);
            }
            return new Loaded(List.of(parse(client, target, file)), List.of(file), List.of());
        }
        Path sshDir = Path.of(System.getProperty("user.home"), ".ssh");
        List<KeyProvider> providers = new ArrayList<>();
        List<Path> files = new ArrayList<>();
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
            providers.add(parse(client, target, file));
            files.add(file);
        }
        return new Loaded(providers, files, encrypted);
    }

    /** Parses now rather than during authentication, so a broken file is reported as such. */
    private static KeyProvider parse(SSHClient client, SshTarget target, Path file) {
        try {
            KeyProvider provider = client.loadKeys(file.toString());
            provider.getPrivate();
            return provider;
        } catch (IOException | RuntimeException e) {
            throw error(target, "cannot load the private key " + file, String.valueOf(e.getMessage()),
                    "Use an unencrypted ed25519, ecdsa or rsa key in OpenSSH or PEM format.", e);
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
