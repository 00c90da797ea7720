package dev.dcsprov.pki;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Where everything lives in the PKI dir and how it is written: the layout, the lock a change is
 * made under, atomic writes with their modes, the archive that replaced material moves to, and
 * the refusal of a key others can read. Nothing here knows what a certificate should be.
 */
final class PkiDirectory {
    private static final DateTimeFormatter ARCHIVE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String CHMOD_FIX_FORMAT = "Run: chmod 600 %s (and chmod 700 %s)";
    private static final ConcurrentMap<Path, Object> DIRECTORY_MONITORS = new ConcurrentHashMap<>();

    /** The two kinds of leaf, each in a directory of its own. */
    enum Kind {
        HOST("hosts", "member", "host"), CLIENT("clients", "client", "client");

        final String directory;
        final String what;
        final String listed;

        Kind(String directory, String what, String listed) {
            this.directory = directory;
            this.what = what;
            this.listed = listed;
        }
    }

    private final Path root;
    private final Clock clock;

    PkiDirectory(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    Path root() {
        return root;
    }

    Path caCertificate() {
        return root.resolve("ca.crt");
    }

    Path caKey() {
        return root.resolve("ca.key");
    }

    Path caNextCertificate() {
        return root.resolve("ca-next.crt");
    }

    Path caNextKey() {
        return root.resolve("ca-next.key");
    }

    Path caRotation() {
        return root.resolve("ca-rotation");
    }

    Path caBundle() {
        return root.resolve("ca-bundle.crt");
    }

    boolean hasCa() {
        return Files.exists(caCertificate()) || Files.exists(caKey());
    }

    Path file(Kind kind, String name, String suffix) {
        HostCertificateRequest.requireFileSafeName(kind.what, name);
        return root.resolve(kind.directory).resolve(name + suffix);
    }

    /** A UTC time stamp from the store's clock, as archive directories are named. */
    String stamp() {
        return ARCHIVE_STAMP.format(clock.instant());
    }

    /**
     * Runs a change with the PKI dir locked: against other stores on the same directory in this
     * JVM (a monitor) and against other dcsprov processes (a lock on .lock). Without it two runs
     * could each create a CA and one would silently replace the other's key.
     */
    <T> T exclusively(Supplier<T> change) {
        synchronized (DIRECTORY_MONITORS.computeIfAbsent(root, d -> new Object())) {
            Path lockFile = root.resolve(".lock");
            try {
                SecureFiles.createPrivateDirectory(root);
            } catch (IOException e) {
                throw ioError("Cannot create the PKI dir " + root, e);
            }
            FileAttribute<?>[] attributes = SecureFiles.posix(root)
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(SecureFiles.PRIVATE)}
                    : new FileAttribute<?>[0];
            try (FileChannel channel = FileChannel.open(lockFile,
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), attributes);
                    FileLock lock = channel.lock()) {
                return change.get();
            } catch (IOException e) {
                throw ioError("Cannot lock " + lockFile, e);
            }
        }
    }

    void write(Path file, byte[] content, Set<PosixFilePermission> perms) {
        try {
            // Create each level ourselves so every directory in the PKI dir is 0700.
            SecureFiles.createPrivateDirectory(root);
            SecureFiles.createPrivateDirectory(file.getParent());
            SecureFiles.writeAtomically(file, content, perms);
        } catch (IOException e) {
            throw ioError("Cannot write " + file, e);
        }
    }

    byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw ioError("Cannot read " + file, e);
        }
    }

    void requirePrivate(Path keyFile) {
        String loose;
        try {
            loose = SecureFiles.loosePermissions(keyFile);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw ioError("Cannot read the permissions of " + keyFile, e);
        }
        if (loose != null) {
            throw new DcsprovException(ExitCode.PKI,
                    "The private key " + keyFile + " is readable by other users (" + loose + ")",
                    "Private keys in the PKI dir must be readable by their owner only; dcsprov refuses to use "
                            + "a key that others may have copied.",
                    String.format(CHMOD_FIX_FORMAT, dev.dcsprov.Shell.quote(keyFile.toString()),
                            dev.dcsprov.Shell.quote(String.valueOf(keyFile.getParent()))));
        }
    }

    /** Moves the existing pair (or whichever half exists) to archive/&lt;timestamp&gt;/&lt;kind&gt;/. */
    void archive(Kind kind, String name) {
        List<Path> existing = new ArrayList<>();
        for (String suffix : List.of(".crt", ".key")) {
            Path file = file(kind, name, suffix);
            if (Files.exists(file)) {
                existing.add(file);
            }
        }
        if (existing.isEmpty()) {
            return;
        }
        Path target = archiveDirectory(kind.directory, existing);
        try {
            for (Path file : existing) {
                SecureFiles.moveAtomically(file, target.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw ioError("Cannot move " + name + "'s old certificate to " + target, e);
        }
    }

    /** archive/&lt;stamp&gt;/&lt;kind&gt;, with "-2", "-3"... when the same files were archived within the second. */
    Path archiveDirectory(String kind, List<Path> files) {
        String stamp = stamp();
        for (int attempt = 1; ; attempt++) {
            Path dir = root.resolve("archive").resolve(attempt == 1 ? stamp : stamp + "-" + attempt).resolve(kind);
            if (files.stream().noneMatch(f -> Files.exists(dir.resolve(f.getFileName())))) {
                try {
                    SecureFiles.createPrivateDirectory(root);
                    SecureFiles.createPrivateDirectory(root.resolve("archive"));
                    SecureFiles.createPrivateDirectory(dir.getParent());
                    SecureFiles.createPrivateDirectory(dir);
                } catch (IOException e) {
                    throw ioError("Cannot create " + dir, e);
                }
                return dir;
            }
        }
    }

    /** All stored certificates: the CA, then members, then clients, by name. */
    List<StoredCertificate> list() {
        List<StoredCertificate> result = new ArrayList<>();
        if (Files.exists(caCertificate())) {
            result.add(describe("ca", "ca", caCertificate()));
        }
        for (Kind kind : Kind.values()) {
            Path dir = root.resolve(kind.directory);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            TreeSet<String> names = new TreeSet<>();
            try (var files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".crt") && !n.startsWith("."))
                        .forEach(n -> names.add(n.substring(0, n.length() - 4)));
            } catch (IOException e) {
                throw ioError("Cannot list " + dir, e);
            }
            for (String name : names) {
                result.add(describe(kind.listed, name, dir.resolve(name + ".crt")));
            }
        }
        return result;
    }

    private static StoredCertificate describe(String kind, String name, Path file) {
        try {
            return new StoredCertificate(kind, name, file, Optional.of(CertificateInfo.parse(Files.readAllBytes(file))),
                    Optional.empty());
        } catch (IOException | IllegalArgumentException e) {
            return new StoredCertificate(kind, name, file, Optional.empty(), Optional.of(e.getMessage()));
        }
    }

    static DcsprovException ioError(String summary, IOException e) {
        return new DcsprovException(ExitCode.PKI, summary, e.toString(),
                "Check that the PKI dir exists, is writable by you and its file system is not full.", e);
    }
}
