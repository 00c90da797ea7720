package dev.dcsprov.facts;

/**
 * A file on a host as dcsprov sees it: present or not, its mode and owner, and its SHA-256.
 * Content is never fetched here; only the etcd config file is read, separately, for diffs.
 */
public record FileState(String path, boolean exists, String mode, String owner, String group, String sha256) {

    public static FileState absent(String path) {
        return new FileState(path, false, "", "", "", "");
    }
}
