package dev.dcsprov.inventory;

/**
 * One permission of an etcd role: a key, or every key under a prefix.
 *
 * @param key    the key or prefix as written
 * @param prefix true for {@code prefix:}, false for {@code key:}
 * @param type   read, write or readwrite
 */
public record Permission(String key, boolean prefix, Type type) {

    public enum Type {
        READ, WRITE, READWRITE;

        public String id() {
            return name().toLowerCase();
        }
    }

    /** As people read it: "readwrite prefix /service/main/". */
    public String describe() {
        return type.id() + (prefix ? " prefix " : " key ") + key;
    }
}
