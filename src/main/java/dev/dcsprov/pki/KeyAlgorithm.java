package dev.dcsprov.pki;

import java.util.Arrays;
import java.util.Optional;

/** Key types dcsprov issues. ECDSA P-256 is the default: small, fast, supported by etcd and every client. */
public enum KeyAlgorithm {
    ECDSA_P256("ecdsa-p256"),
    RSA_2048("rsa-2048"),
    RSA_4096("rsa-4096");

    private final String id;

    KeyAlgorithm(String id) {
        this.id = id;
    }

    /** The name used in inventories. */
    public String id() {
        return id;
    }

    public static Optional<KeyAlgorithm> fromId(String id) {
        return Arrays.stream(values()).filter(a -> a.id.equalsIgnoreCase(id)).findFirst();
    }
}
