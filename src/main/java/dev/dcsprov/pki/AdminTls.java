package dev.dcsprov.pki;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** TLS as dcsprov's admin client (clients/root.*), trusting the cluster CA: for the few questions etcdctl cannot ask. */
public final class AdminTls {
    private AdminTls() {
    }

    public static SSLContext context(PkiStore store) throws IOException {
        try {
            List<X509Certificate> cas = Pem.decodeCertificates(store.trustedCaPem());
            X509Certificate cert = Pem.decodeCertificate(Files.readAllBytes(store.clientCertificateFile(PkiStore.ADMIN_CLIENT)));
            PrivateKey key = Pem.decodePrivateKey(Files.readAllBytes(store.clientKeyFile(PkiStore.ADMIN_CLIENT)));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca" + i, cas.get(i));
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] none = new char[0];
            keys.setKeyEntry("admin", key, none, new X509Certificate[] {cert});
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, none);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the admin TLS context: " + e.getMessage(), e);
        }
    }
}
