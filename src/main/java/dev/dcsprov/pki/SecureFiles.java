package dev.dcsprov.pki;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * File operations for the PKI dir: directories 0700, keys 0600 and certificates 0644 from the
 * moment they exist, and atomic replacement so a crash never leaves a half-written key.
 */
public final class SecureFiles {
    static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecureFiles() {
    }

    static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Creates the directory (and parents) if missing; a directory we create is 0700. */
    static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (posix(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
                // The umask may have removed bits; 0700 is exactly what we want.
                Files.setPosixFilePermissions(dir, DIR);
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /**
     * Writes a temp file in the target's directory with its final permissions from creation,
     * syncs it, then renames it over the target in one atomic step.
     */
    public static void writeAtomically(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        createPrivateDirectory(dir);
        removeStaleTemps(dir, target.getFileName().toString());
        Path temp = dir.resolve("." + target.getFileName() + "." + randomSuffix() + ".tmp");
        boolean posix = posix(dir);
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
        Files.createFile(temp, attributes);
        try {
            if (posix) {
                // Creation permissions are masked by the umask; make them exact before any content exists.
                Files.setPosixFilePermissions(temp, permissions);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncDirectory(dir);
    }

    /** Deletes the temp files of {@code name} a killed run left (never a link's target: delete removes the link). */
    static void removeStaleTemps(Path dir, String name) throws IOException {
        java.util.regex.Pattern temp = java.util.regex.Pattern.compile(
                "\\." + java.util.regex.Pattern.quote(name) + "\\.[0-9a-f]{12}\\.tmp");
        try (var entries = Files.newDirectoryStream(dir, p -> temp.matcher(p.getFileName().toString()).matches())) {
            for (Path stale : entries) {
                Files.deleteIfExists(stale);
            }
        }
    }

    /** Moves a file within the PKI dir (same file system), keeping its permissions. */
    static void moveAtomically(Path source, Path target) throws IOException {
        createPrivateDirectory(target.toAbsolutePath().getParent());
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Null when the key file is private enough, else its permissions as "rw-r--r--". */
    static String loosePermissions(Path keyFile) throws IOException {
        if (!posix(keyFile)) {
            return null;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
        for (PosixFilePermission p : permissions) {
            if (GROUP_OR_OTHER.contains(p)) {
                return PosixFilePermissions.toString(permissions);
            }
        }
        return null;
    }

    private static void syncDirectory(Path dir) {
        // Makes the rename durable on Linux; not every platform can open a directory, which is harmless.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }

    private static String randomSuffix() {
        byte[] bytes = new byte[6];
        Keys.RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
