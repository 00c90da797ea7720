package dev.dcsprov.auth;

import dev.dcsprov.inventory.Permission;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A permission as etcd stores it: a key, a range end (empty for a single key) and a type.
 * A prefix P is the range [P, P with its last byte + 1). Key and range end hold raw bytes, one
 * char per byte (ISO-8859-1), so what etcd stores compares exactly; {@link #text} shows them.
 */
public record RolePermission(String key, String rangeEnd, Permission.Type type) {

    public static RolePermission of(Permission p) {
        String key = bytes(p.key());
        return new RolePermission(key, p.prefix() ? prefixEnd(key) : "", p.type());
    }

    /** The same key or range, whatever the type: granting it again replaces the type. */
    public boolean sameRange(RolePermission other) {
        return key.equals(other.key) && rangeEnd.equals(other.rangeEnd);
    }

    public boolean isPrefix() {
        return !rangeEnd.isEmpty() && rangeEnd.equals(prefixEnd(key));
    }

    public String describe() {
        String what = rangeEnd.isEmpty() ? "key " + text(key) : isPrefix() ? "prefix " + text(key)
                : "\0".equals(rangeEnd) ? "from-key " + text(key) : "range [" + text(key) + ", " + text(rangeEnd) + ")";
        return type.id() + " " + what;
    }

    /** etcd's clientv3.GetPrefixRangeEnd: the last byte below 0xff incremented, the rest dropped. */
    /** A UTF-8 string as raw bytes, one char per byte. */
    public static String bytes(String utf8) {
        return new String(utf8.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Raw bytes back as text, for people and etcdctl arguments. */
    public static String text(String raw) {
        return new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    static String prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = b.length - 1; i >= 0; i--) {
            if ((b[i] & 0xff) < 0xff) {
                byte[] end = Arrays.copyOf(b, i + 1);
                end[i]++;
                return new String(end, StandardCharsets.ISO_8859_1);
            }
        }
        return "\0";
    }
}
