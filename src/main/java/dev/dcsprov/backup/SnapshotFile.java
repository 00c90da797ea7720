package dev.dcsprov.backup;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An etcd snapshot file as {@code etcdctl snapshot save} writes it: the bbolt database followed by the
 * SHA-256 of the database, 32 bytes. {@code snapshot restore}
 * checks that trailer; {@code snapshot status} does not (verified on etcd 3.4.23: a truncated or corrupted file
 * still reports a hash and key count), so dcsprov checks the trailer itself before it stops anything.
 */
public final class SnapshotFile {
    static final int HASH_SIZE = 32;

    private SnapshotFile() {
    }

    /** The SHA-256 of the whole file, as sha256sum prints it. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = digest();
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * Refuses a file that is not a complete etcd snapshot: too short, truncated (etcd's own test: the size
     * modulo 512 must be 32) or corrupt (the trailer is not the SHA-256 of what precedes it).
     */
    public static void verifyIntegrity(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (size <= HASH_SIZE || size % 512 != HASH_SIZE) {
            throw bad(file, "it is truncated or not an etcd snapshot: " + size + " bytes, and a snapshot is a whole number "
                    + "of 512-byte blocks plus its 32-byte SHA-256");
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = digest();
            byte[] buf = new byte[1 << 16];
            long left = size - HASH_SIZE;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw bad(file, "it ended early while being read");
                }
                d.update(buf, 0, n);
                left -= n;
            }
            byte[] trailer = in.readNBytes(HASH_SIZE);
            if (!Arrays.equals(d.digest(), trailer)) {
                throw bad(file, "its content does not match the SHA-256 etcd stored at its end: the file is corrupt");
            }
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static DcsprovException bad(Path file, String why) {
        return new DcsprovException(ExitCode.USAGE, "the snapshot " + file + " is not usable: " + why,
                "Nothing was stopped or changed on any host.",
                "use another snapshot, e.g. the newest in the backups directory (each has a .sha256 beside it)");
    }

    private static DcsprovException unreadable(Path file, IOException e) {
        return new DcsprovException(ExitCode.USAGE, "cannot read the snapshot " + file, e.toString(),
                "check the path and its permissions", e);
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
