package dev.dcsprov.inventory;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where etcd comes from on the members, the same for the whole cluster.
 *
 * @param release       etcd_package_release: a newer Debian release (e.g. trixie) whose etcd-server and
 *                      etcd-client are pinned in, nothing else from it; empty = the host's own distribution
 * @param tarball       etcd_tarball: a release tarball on this machine (etcd-vX.Y.Z-linux-ARCH.tar.gz)
 * @param tarballSha256 etcd_tarball_sha256: its SHA-256, required with etcd_tarball
 */
public record EtcdSource(Optional<String> release, Optional<Path> tarball, Optional<String> tarballSha256) {

    public static EtcdSource distribution() {
        return new EtcdSource(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean isDistribution() {
        return release.isEmpty() && tarball.isEmpty();
    }

    /** For plans and messages: "Debian package from trixie", "the host's distribution package" ... */
    public String describe() {
        if (release.isPresent()) {
            return "package from " + release.get() + " (pinned)";
        }
        return tarball.map(t -> "tarball " + t.getFileName()).orElse("distribution package");
    }
}
