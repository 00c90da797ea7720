package dev.dcsprov.inventory;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Ansible Vault's format 1.1 and 1.2 ({@code $ANSIBLE_VAULT;1.1;AES256} / {@code ;1.2;AES256;<vault id>}), as
 * ansible/parsing/vault writes it: the body is hex of "hex(salt)\nhex(hmac)\nhex(ciphertext)"; PBKDF2-HMAC-SHA256
 * with 10000 iterations gives 80 bytes: the AES-256 key, the HMAC-SHA256 key and the CTR IV; the plaintext is
 * PKCS#7-padded. The HMAC is checked (in constant time) before anything is decrypted. Done with the JCE.
 */
final class AnsibleVault {
    static final String HEADER = "$ANSIBLE_VAULT;";

    /** No password given decrypts it (or it is damaged): the caller says where. */
    static final class CannotDecrypt extends Exception {
        CannotDecrypt(String message) {
            super(message);
        }
    }

    private AnsibleVault() {
    }

    static boolean isVault(String text) {
        return text.stripLeading().startsWith(HEADER);
    }

    /** The vault id of a 1.2 envelope, if it names one. */
    static Optional<String> vaultId(String text) {
        String[] header = text.strip().lines().findFirst().orElse("").split(";");
        return header.length >= 4 ? Optional.of(header[3].strip()) : Optional.empty();
    }

    /** Tries the passwords whose id matches first, then the others, as Ansible does. */
    static String decrypt(String text, List<VaultKeys.Password> passwords) throws CannotDecrypt {
        List<String> lines = text.strip().lines().map(String::strip).toList();
        String[] header = lines.isEmpty() ? new String[0] : lines.get(0).split(";");
        if (header.length < 3 || !(header[1].equals("1.1") || header[1].equals("1.2")) || !header[2].equals("AES256")) {
            throw new CannotDecrypt("not an Ansible Vault 1.1/1.2 AES256 envelope: '" + (lines.isEmpty() ? "" : lines.get(0)) + "'");
        }
        if (passwords.isEmpty()) {
            throw new CannotDecrypt("it is encrypted with Ansible Vault and no vault password was given");
        }
        byte[] salt;
        byte[] hmac;
        byte[] cipher;
        try {
            String inner = new String(HexFormat.of().parseHex(String.join("", lines.subList(1, lines.size()))), StandardCharsets.US_ASCII);
            String[] parts = inner.split("\n");
            salt = HexFormat.of().parseHex(parts[0].strip());
            hmac = HexFormat.of().parseHex(parts[1].strip());
            cipher = HexFormat.of().parseHex(parts[2].strip());
        } catch (RuntimeException e) {
            throw new CannotDecrypt("the vault text is damaged (not the hex Ansible writes)");
        }
        Optional<String> id = header.length >= 4 ? Optional.of(header[3].strip()) : Optional.empty();
        List<VaultKeys.Password> ordered = new java.util.ArrayList<>(passwords.stream().filter(p -> id.isPresent() && p.id().equals(id.get())).toList());
        passwords.stream().filter(p -> !ordered.contains(p)).forEach(ordered::add);
        for (VaultKeys.Password p : ordered) {
            Optional<byte[]> plain = tryOne(p.secret(), salt, hmac, cipher);
            if (plain.isPresent()) {
                return new String(plain.get(), StandardCharsets.UTF_8);
            }
        }
        throw new CannotDecrypt("no vault password given decrypts it (wrong password?"
                + id.map(i -> " it names vault id '" + i + "'").orElse("") + ")");
    }

    private static Optional<byte[]> tryOne(byte[] password, byte[] salt, byte[] hmac, byte[] cipher) {
        try {
            // PBEKeySpec takes chars; Ansible hashes the UTF-8 bytes, which is how the JCE's PBKDF2 encodes them.
            char[] chars = new String(password, StandardCharsets.UTF_8).toCharArray();
            PBEKeySpec spec = new PBEKeySpec(chars, salt, 10_000, 80 * 8);
            Arrays.fill(chars, '\0');
            byte[] derived = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            spec.clearPassword();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(derived, 32, 32, "HmacSHA256"));
            if (!MessageDigest.isEqual(mac.doFinal(cipher), hmac)) {
                return Optional.empty();
            }
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(derived, 0, 32, "AES"), new IvParameterSpec(derived, 64, 16));
            byte[] padded = aes.doFinal(cipher);
            int pad = padded.length == 0 ? 0 : padded[padded.length - 1] & 0xff;
            if (pad < 1 || pad > 16 || pad > padded.length) {
                return Optional.empty();
            }
            return Optional.of(Arrays.copyOf(padded, padded.length - pad));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JCE lacks PBKDF2WithHmacSHA256, HmacSHA256 or AES/CTR", e);
        }
    }
}
