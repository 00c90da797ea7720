package dev.dcsprov.ssh;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operator's ssh-agent (OpenSSH's agent protocol over the socket in SSH_AUTH_SOCK): lists the
 * keys it holds and signs with them, so keys protected by a passphrase work without dcsprov ever
 * seeing the passphrase or the private key. One short connection per request.
 */
final class SshAgent {
    private static final byte FAILURE = 5;
    private static final byte REQUEST_IDENTITIES = 11;
    private static final byte IDENTITIES_ANSWER = 12;
    private static final byte SIGN_REQUEST = 13;
    private static final byte SIGN_RESPONSE = 14;
    /** Sign an ssh-rsa key with SHA-256: OpenSSH servers refuse the SHA-1 "ssh-rsa" signatures. */
    static final int RSA_SHA2_256 = 2;
    private static final int MAX_MESSAGE = 256 * 1024;

    /** A key the agent holds: its public key blob (SSH wire format), type and comment. */
    record Identity(byte[] blob, String keyType, String comment) {
    }

    private final Path socket;

    SshAgent(Path socket) {
        this.socket = socket;
    }

    /** The agent named by SSH_AUTH_SOCK, when that is set and names a socket that exists. */
    static Optional<SshAgent> fromEnvironment() {
        String sock = System.getenv("SSH_AUTH_SOCK");
        return sock == null || sock.isBlank() || !Files.exists(Path.of(sock)) ? Optional.empty() : Optional.of(new SshAgent(Path.of(sock)));
    }

    Path socket() {
        return socket;
    }

    List<Identity> identities() throws IOException {
        ByteBuffer answer = request(new byte[] {REQUEST_IDENTITIES});
        expect(answer, IDENTITIES_ANSWER, "list keys");
        int n = answer.getInt();
        List<Identity> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] blob = string(answer);
            String comment = new String(string(answer), StandardCharsets.UTF_8);
            ids.add(new Identity(blob, new String(string(ByteBuffer.wrap(blob)), StandardCharsets.US_ASCII), comment));
        }
        return ids;
    }

    /** The agent's signature of {@code data} with the key {@code blob}: string(format) string(signature), as SSH sends it. */
    byte[] sign(byte[] blob, byte[] data, int flags) throws IOException {
        ByteBuffer req = ByteBuffer.allocate(1 + 4 + blob.length + 4 + data.length + 4);
        req.put(SIGN_REQUEST).putInt(blob.length).put(blob).putInt(data.length).put(data).putInt(flags);
        ByteBuffer answer = request(req.array());
        expect(answer, SIGN_RESPONSE, "sign");
        return string(answer);
    }

    private ByteBuffer request(byte[] message) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.allocate(4 + message.length).putInt(message.length).put(message).flip();
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ByteBuffer len = read(ch, 4);
            int n = len.getInt();
            if (n <= 0 || n > MAX_MESSAGE) {
                throw new IOException("ssh-agent at " + socket + " sent a message of " + n + " bytes");
            }
            return read(ch, n);
        }
    }

    private static ByteBuffer read(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException("ssh-agent closed the connection");
            }
        }
        return b.flip();
    }

    private void expect(ByteBuffer answer, byte type, String what) throws IOException {
        byte got = answer.get();
        if (got == FAILURE) {
            throw new IOException("ssh-agent at " + socket + " refused to " + what);
        }
        if (got != type) {
            throw new IOException("ssh-agent at " + socket + " answered " + got + " to a request to " + what);
        }
    }

    private static byte[] string(ByteBuffer b) throws IOException {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new IOException("ssh-agent sent a malformed message");
        }
        byte[] s = new byte[n];
        b.get(s);
        return s;
    }
}
