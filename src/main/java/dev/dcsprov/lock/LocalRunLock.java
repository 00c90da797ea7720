package dev.dcsprov.lock;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The cluster's run lock on this machine: an OS file lock on {@code run.lock} in the PKI dir, which
 * the kernel drops when the process ends in any way (kill -9 too), so it never needs clearing by hand.
 * The file's content only names the last holder; whether it is held is the lock's business alone.
 */
public final class LocalRunLock implements AutoCloseable {
    public static final String FILE = "run.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private LocalRunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or refuses (exit 10) naming the holder; never waits. */
    public static LocalRunLock acquire(Path pkiDir, String cluster, RunHolder holder) {
        Path file = pkiDir.resolve(FILE);
        FileChannel channel = null;
        try {
            if (!Files.isDirectory(pkiDir)) {
                Files.createDirectories(pkiDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this very process holds it already (through another channel)
            }
            if (lock == null) {
                String by = readHolder(channel);
                channel.close();
                throw busy(cluster, "on this machine (" + file + ")", by);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((holder.line() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new LocalRunLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DcsprovException(ExitCode.PKI, "cannot take the run lock " + file, e.toString(),
                    "check that the PKI dir exists and is writable by you");
        }
    }

    private static String readHolder(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        channel.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
    }

    /** The refusal every lock gives: who holds it and what to do. */
    static DcsprovException busy(String cluster, String where, String holder) {
        return new DcsprovException(ExitCode.LOCKED, "another dcsprov run is working on cluster '" + cluster + "'",
                "Its run lock " + where + " is held by " + (holder.isBlank() ? "a run that has not said who it is yet" : holder)
                        + ". Two runs at once could each pass the health gate and restart different members, so this one"
                        + " stopped before changing anything.",
                "wait until that run ends, then run again. The lock lives only as long as that process (and its SSH"
                        + " connections): if it was killed or its machine went away, just run again; there is nothing to clear");
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException | RuntimeException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
