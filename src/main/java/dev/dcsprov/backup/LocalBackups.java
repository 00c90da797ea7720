package dev.dcsprov.backup;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The snapshots dcsprov backup keeps on this machine: {@code <dir>/<cluster>-<UTC yyyyMMdd'T'HHmmss'Z'>.db}
 * (0600, the directory 0700), each with {@code <name>.db.sha256} in sha256sum format beside it, so
 * {@code sha256sum -c} checks it too. The newest {@code keep} are kept.
 */
public final class LocalBackups {
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final String cluster;

    public LocalBackups(Path dir, String cluster) {
        this.dir = dir;
        this.cluster = cluster;
    }

    public Path dir() {
        return dir;
    }

    /**
     * A private file in the backups directory to download into; renamed by {@link #keep} once verified. What a killed
     * run left is removed first: downloads older than any backup can take ({@code staleAfter}), and checksums whose
     * snapshot never got its name. Neither is a backup: the snapshot appears, atomically, only after its checksum.
     */
    public Path newPartFile(Duration staleAfter) {
        try {
            Files.createDirectories(dir);
            setPosix(dir, "rwx------");
            removeLeftovers(staleAfter);
            Path part = Files.createTempFile(dir, ".download-", ".part");
            setPosix(part, "rw-------");
            return part;
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.FAILED, "cannot write to the backups directory " + dir, e.toString(),
                    "check its permissions, or set dcsprov_backup_dir to a directory you can write", e);
        }
    }

    /** For tests and callers without a transfer bound: leftovers older than a day. */
    public Path newPartFile() {
        return newPartFile(Duration.ofDays(1));
    }

    private void removeLeftovers(Duration staleAfter) throws IOException {
        Instant before = Instant.now().minus(staleAfter);
        String sums = java.util.regex.Pattern.quote(cluster) + "-\\d{8}T\\d{6}Z(-\\d+)?\\.db\\.sha256";
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                boolean stalePart = name.startsWith(".download-") && name.endsWith(".part") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(p).toInstant().isBefore(before);
                boolean orphanSum = name.matches(sums) && !Files.exists(dir.resolve(name.substring(0, name.length() - ".sha256".length())));
                if (stalePart || orphanSum) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Moves a verified download to its final name (never over an existing backup) and writes its checksum. */
    public Path keep(Path part, Instant taken, String sha256) {
        Path target = dir.resolve(cluster + "-" + STAMP.format(taken) + ".db");
        try {
            for (int i = 1; Files.exists(target); i++) {
                target = dir.resolve(cluster + "-" + STAMP.format(taken) + "-" + i + ".db");
            }
            Path sum = dir.resolve(target.getFileName() + ".sha256");
            Files.writeString(sum, sha256 + "  " + target.getFileName() + "\n", StandardCharsets.UTF_8);
            setPosix(sum, "rw-------");
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target);
            }
            return target;
        } catch (FileAlreadyExistsException e) {
            throw new DcsprovException(ExitCode.FAILED, "a backup named " + target + " appeared while writing", "", "run again", e);
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.FAILED, "cannot store the snapshot in " + dir, e.toString(),
                    "check free space and permissions; the downloaded file is " + part, e);
        }
    }

    /** This cluster's backups, oldest first (their names sort by time). */
    public List<Path> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String pattern = java.util.regex.Pattern.quote(cluster) + "-\\d{8}T\\d{6}Z(-\\d+)?\\.db";
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches(pattern)).sorted().toList();
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.FAILED, "cannot list " + dir, e.toString(), "check its permissions", e);
        }
    }

    /** Removes the oldest backups (and their checksums) beyond the newest {@code keep}; returns what was removed. */
    public List<Path> prune(int keep) {
        List<Path> all = list();
        List<Path> removed = new ArrayList<>();
        for (Path old : all.subList(0, Math.max(0, all.size() - keep))) {
            try {
                // The snapshot first: a run killed in between leaves a checksum without one, which the next run removes.
                Files.delete(old);
                Files.deleteIfExists(dir.resolve(old.getFileName() + ".sha256"));
                removed.add(old);
            } catch (IOException e) {
                throw new DcsprovException(ExitCode.FAILED, "cannot remove the old backup " + old, e.toString(),
                        "check the permissions of " + dir, e);
            }
        }
        return removed;
    }

    /**
     * The checksum recorded beside a snapshot, if there is one. A snapshot from elsewhere (a scheduled one
     * copied from a host) has none; its own trailer is checked either way.
     */
    public static Optional<String> recordedSha256(Path snapshot) {
        Path sum = snapshot.resolveSibling(snapshot.getFileName() + ".sha256");
        if (!Files.isRegularFile(sum)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(sum, StandardCharsets.UTF_8).strip();
            String hex = text.split("\\s+")[0].toLowerCase(java.util.Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new DcsprovException(ExitCode.USAGE, sum + " does not hold a SHA-256", text,
                        "restore it from where the backup came from, or remove it to rely on the snapshot's own hash");
            }
            return Optional.of(hex);
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.USAGE, "cannot read " + sum, e.toString(), "check its permissions", e);
        }
    }

    private static void setPosix(Path p, String perms) throws IOException {
        if (Files.getFileStore(p).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        }
    }
}
