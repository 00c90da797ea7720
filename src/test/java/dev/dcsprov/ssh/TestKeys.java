package dev.dcsprov.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Keys and OpenSSH tools for tests; ssh-keygen is the independent oracle for formats and fingerprints. */
final class TestKeys {
    private TestKeys() {
    }

    static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** Writes an OpenSSH private key (and .pub) with ssh-keygen; passphrase empty means unencrypted. */
    static void sshKeygen(Path file, String type, String passphrase) throws IOException, InterruptedException {
        exec(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "test", "-f", file.toString()));
    }

    static void sshKeygen(Path file, String type) throws IOException, InterruptedException {
        sshKeygen(file, type, "");
    }

    /** SHA256 fingerprint of the first key in a known_hosts/.pub file, as ssh-keygen -l prints it. */
    static String fingerprint(Path keyFile) throws IOException, InterruptedException {
        String out = exec(List.of("ssh-keygen", "-l", "-E", "sha256", "-f", keyFile.toString()));
        return out.split("\\s+")[1];
    }

    static String exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + out);
        }
        return out;
    }
}
