package dev.dcsprov.monitoring;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes the pack's files, each to a temporary name first and renamed over the old one: never half a file. */
public final class PackFiles {
    public static final String SCRAPE_FILE = "prometheus-etcd.yml";
    public static final String RULES_FILE = "etcd-alerts.yml";

    private PackFiles() {
    }

    /** @return the files written, in order */
    public static List<Path> write(Path dir, Map<String, String> contents) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            Map<Path, Path> staged = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : contents.entrySet()) {
                Path tmp = dir.resolve("." + e.getKey() + ".tmp");
                Files.writeString(tmp, e.getValue(), StandardCharsets.UTF_8);
                // Paths and rules only, no secret: readable by the prometheus user.
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                staged.put(tmp, dir.resolve(e.getKey()));
            }
            for (Map.Entry<Path, Path> e : staged.entrySet()) {
                Files.move(e.getKey(), e.getValue(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                written.add(e.getValue().toAbsolutePath());
            }
            return written;
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.USAGE, "cannot write the monitoring files in " + dir, e.toString(),
                    "choose a writable directory with --out DIR");
        }
    }
}
