package dev.dcsprov.ssh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How host keys are verified.
 *
 * @param knownHostsFiles files checked, in order; missing files are skipped
 * @param mode            what to do with a host that no file knows
 * @param recordFile      where {@link Mode#ACCEPT_NEW} appends keys it accepts; always among the checked files
 */
public record HostKeyPolicy(List<Path> knownHostsFiles, Mode mode, Path recordFile) {

    public enum Mode {
        /** An unknown or changed host key is an error. */
        STRICT,
        /** An unknown host key is recorded on first use (OpenSSH's accept-new); a changed key is still an error. */
        ACCEPT_NEW
    }

    public HostKeyPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(recordFile, "recordFile");
        List<Path> files = new ArrayList<>(knownHostsFiles);
        // A key recorded by accept-new must be verified on the next run, so its file is always checked.
        if (!files.contains(recordFile)) {
            files.add(recordFile);
        }
        knownHostsFiles = List.copyOf(files);
    }

    /** ~/.ssh/known_hosts, the file OpenSSH uses and where new keys are recorded. */
    public static Path userKnownHosts() {
        return Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
    }

    /** The default: ~/.ssh/known_hosts plus the files the inventory names; unknown keys are errors. */
    public static HostKeyPolicy strict(List<Path> extraFiles) {
        return new HostKeyPolicy(defaultFiles(extraFiles), Mode.STRICT, userKnownHosts());
    }

    /** Like {@link #strict} but records unknown keys in ~/.ssh/known_hosts ({@code --accept-new-host-keys}). */
    public static HostKeyPolicy acceptNew(List<Path> extraFiles) {
        return new HostKeyPolicy(defaultFiles(extraFiles), Mode.ACCEPT_NEW, userKnownHosts());
    }

    private static List<Path> defaultFiles(List<Path> extraFiles) {
        List<Path> files = new ArrayList<>();
        files.add(userKnownHosts());
        files.addAll(extraFiles);
        return files;
    }
}
