package dev.dcsprov.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict IPv4/IPv6 literals for certificate SANs. {@link InetAddress#getByName} alone is not
 * enough: it accepts legacy forms such as "10.1" and falls back to a DNS lookup for anything
 * that does not look like a literal.
 */
public final class IpLiteral {
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    // Hex groups, colons and an optional dotted IPv4 tail; no zone ids (they mean nothing in a certificate).
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiteral() {
    }

    public static boolean isValid(String text) {
        return toBytes(text).isPresent();
    }

    /**
     * The address bytes: 4 for IPv4, 16 for IPv6. An IPv4-mapped IPv6 address gives 4 bytes,
     * as Go's crypto/x509 encodes it.
     */
    public static Optional<byte[]> toBytes(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        if (IPV4.matcher(text).matches()) {
            return Optional.of(literalBytes(text));
        }
        if (text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches()) {
            try {
                // Contains ':' and only literal characters, so the JDK parses it and never resolves it.
                return Optional.of(InetAddress.getByName(text).getAddress());
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The canonical text (RFC 5952 for IPv6), so that "::1" and "0:0:0:0:0:0:0:1" compare equal. */
    public static String normalize(String text) {
        return format(toBytes(text).orElseThrow(() -> new IllegalArgumentException("not an IP address: " + text)));
    }

    static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("IP address of " + address.length + " bytes");
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        // RFC 5952: compress the longest run (first if tied) of two or more zero groups.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    private static byte[] literalBytes(String ipv4) {
        String[] parts = ipv4.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }
}
