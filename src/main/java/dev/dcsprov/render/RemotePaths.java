package dev.dcsprov.render;

import dev.dcsprov.inventory.ClusterSettings;

/**
 * Where dcsprov puts things on a member, derived from the cluster settings, so that the
 * template, the file-copy steps and etcdctl invocations agree on one set of paths.
 * Remote paths are POSIX strings, not {@link java.nio.file.Path}s: they never touch the local
 * file system, and a Windows workstation must not turn them into backslashes.
 */
public record RemotePaths(String certDir, String serverCert, String serverKey, String caCert,
                          String adminCert, String adminKey,
                          String configFile, String defaultsLink, String dataDir) {

    /** Debian's etcd.service reads this file ({@code EnvironmentFile=-/etc/default/etcd}); we symlink it to our config file. */
    public static final String DEBIAN_DEFAULTS = "/etc/default/etcd";

    public static RemotePaths of(ClusterSettings cluster) {
        String certDir = stripTrailingSlash(cluster.certDir());
        return new RemotePaths(certDir,
                certDir + "/server.crt",
                certDir + "/server.key",
                certDir + "/ca.crt",
                // dcsprov's own client certificate (CN root), for etcdctl run on the member
                certDir + "/admin.crt",
                certDir + "/admin.key",
                cluster.configFile(),
                DEBIAN_DEFAULTS,
                cluster.dataDir());
    }

    private static String stripTrailingSlash(String dir) {
        return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    }
}
