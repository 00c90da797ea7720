package dev.dcsprov.etcd;

import java.math.BigInteger;

/**
 * An etcd member or cluster ID: an unsigned 64-bit number, often above Long.MAX_VALUE, so it is
 * kept as the raw bits of a long and only ever shown unsigned. etcdctl prints it as lower-case
 * hex in tables and takes hex in {@code member remove}; {@code -w json} prints it in decimal.
 */
public record EtcdId(long bits) {

    public static EtcdId fromHex(String hex) {
        return new EtcdId(Long.parseUnsignedLong(hex, 16));
    }

    public static EtcdId fromDecimal(String decimal) {
        return new EtcdId(Long.parseUnsignedLong(decimal));
    }

    /** Lower-case hex without leading zeros, as etcdctl prints it and {@code etcdctl member remove} takes it. */
    public String hex() {
        return Long.toHexString(bits);
    }

    /** The unsigned decimal value, as in {@code etcdctl -w json} output. */
    public BigInteger value() {
        return new BigInteger(Long.toUnsignedString(bits));
    }

    @Override
    public String toString() {
        return hex();
    }
}
