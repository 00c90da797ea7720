package dev.dcsprov.pki;

/**
 * The certificate material one host should carry. In plan mode a certificate that would be
 * issued does not exist yet: its bytes are empty and {@code pendingReason} says why it would be.
 */
public record HostMaterial(byte[] caCert, byte[] serverCert, byte[] serverKey, byte[] adminCert, byte[] adminKey,
                           String pendingReason) {

    static final byte[] PENDING = new byte[0];

    public static boolean pending(byte[] content) {
        return content.length == 0;
    }
}
