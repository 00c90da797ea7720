package dev.dcsprov.patroni;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The three files Patroni needs, as one generation: they are installed and switched together, because a
 * certificate read with the other generation's key (KEY_VALUES_MISMATCH) makes Patroni demote.
 *
 * @param ca   the CA file members' certificates are checked against (old + new CA while a CA rotation needs it)
 */
public record PatroniMaterial(byte[] ca, byte[] cert, byte[] key) {

    /** SHA-256 of ca + cert + key, as the probe computes it over the current generation's files. */
    public String sha256() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(ca);
            d.update(cert);
            d.update(key);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The generation's directory name: short, and the same for the same three files on every run. */
    public String generation() {
        return sha256().substring(0, 16);
    }

    /** The three files back to back: one framed upload, split on the host by their lengths. */
    byte[] concatenated() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ca);
        out.writeBytes(cert);
        out.writeBytes(key);
        return out.toByteArray();
    }
}
