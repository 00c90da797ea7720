package dev.dcsprov.pki;

import static dev.dcsprov.pki.PkiTestSupport.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** Checks the files with the real openssl binary, the way an operator (and etcd's Go TLS) would read them. */
class OpensslInteropTest {
    @TempDir
    Path dir;

    @BeforeEach
    void requireOpenssl() {
        boolean found = false;
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(entry, "openssl"));
        }
        assumeTrue(found, "openssl is not on PATH");
    }

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = {"ECDSA_P256", "RSA_2048"})
    void opensslReadsAndVerifiesEverything(KeyAlgorithm algorithm) throws Exception {
        PkiStore store = new PkiStore(dir);
        store.ensureCa("dcs", algorithm, 3650);
        IssuedCertificate hostCert = store.ensureHostCertificate(
                host("dcs-00", algorithm, "dcs-00.example.org", "10.0.0.10", "fd00::10"), 30);
        IssuedCertificate admin = store.ensureAdminClientCertificate(algorithm, 365, 30);

        String text = openssl("x509", "-noout", "-text", "-in", "hosts/dcs-00.crt");
        assertTrue(text.contains("DNS:dcs-00.example.org"), text);
        assertTrue(text.contains("IP Address:10.0.0.10"), text);
        assertTrue(text.contains("IP Address:FD00:0:0:0:0:0:0:10"), text);
        assertTrue(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"), text);
        assertTrue(text.contains("Subject: O = dcsprov, CN = dcs-00"), text);
        assertTrue(text.contains("Issuer: O = dcsprov, CN = dcs etcd CA"), text);

        String caText = openssl("x509", "-noout", "-text", "-in", "ca.crt");
        assertTrue(caText.contains("CA:TRUE, pathlen:0"), caText);
        assertTrue(caText.contains("Certificate Sign, CRL Sign"), caText);

        assertEquals("hosts/dcs-00.crt: OK\n", openssl("verify", "-CAfile", "ca.crt", "hosts/dcs-00.crt"));
        assertEquals("hosts/dcs-00.crt: OK\n",
                openssl("verify", "-purpose", "sslserver", "-CAfile", "ca.crt", "hosts/dcs-00.crt"));
        assertEquals("hosts/dcs-00.crt: OK\n",
                openssl("verify", "-purpose", "sslclient", "-CAfile", "ca.crt", "hosts/dcs-00.crt"));
        assertEquals("clients/root.crt: OK\n",
                openssl("verify", "-purpose", "sslclient", "-CAfile", "ca.crt", "clients/root.crt"));

        // The key files are the certificates' keys.
        assertEquals(openssl("x509", "-noout", "-pubkey", "-in", "hosts/dcs-00.crt"),
                openssl("pkey", "-pubout", "-in", "hosts/dcs-00.key"));
        assertEquals(openssl("x509", "-noout", "-pubkey", "-in", "clients/root.crt"),
                openssl("pkey", "-pubout", "-in", "clients/root.key"));

        // Our fingerprint and serial read the same as openssl's.
        String fingerprint = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", "hosts/dcs-00.crt").trim();
        assertEquals(hostCert.fingerprintSha256(), fingerprint.substring(fingerprint.indexOf('=') + 1));
        assertEquals("serial=" + admin.info().serialHex() + "\n",
                openssl("x509", "-noout", "-serial", "-in", "clients/root.crt"));
    }

    private String openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl timed out");
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + output);
        return output;
    }
}
