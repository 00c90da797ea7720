package dev.dcsprov.facts;

import java.util.Map;
import java.util.Optional;

/**
 * What one host looks like right now, read in a single SSH round trip.
 *
 * @param osId            "debian"
 * @param osVersion       "12"
 * @param osCodename      "bookworm"
 * @param hostname        short host name
 * @param fqdn            hostname -f (the short name when none is configured)
 * @param packages        installed package -> version, only for packages dcsprov cares about
 * @param files           managed path -> state
 * @param configText      current content of the etcd config file, "" when absent
 * @param defaultsLink    target of /etc/default/etcd when it is a link, empty when it is a file or absent
 * @param defaultsIsFile  /etc/default/etcd is a regular file (the package's stock one, or the operator's)
 * @param etcdActive      systemctl is-active etcd says active
 * @param dataDirHasMember the configured data dir has a member/ directory (this host holds cluster data)
 * @param etcdStatusJson  `etcdctl endpoint status -w json` against the local member, "" when etcd is not reachable
 * @param deployedCa      the CA file on the host (public), "" when absent
 * @param etcdRunsStaleFiles etcd runs but its config or a certificate changed after it started: an earlier
 *                        run wrote files and stopped before restarting it
 */
public record HostFacts(
        String osId,
        String osVersion,
        String osCodename,
        String hostname,
        String fqdn,
        Map<String, String> packages,
        Map<String, FileState> files,
        String configText,
        Optional<String> defaultsLink,
        boolean defaultsIsFile,
        boolean etcdActive,
        boolean dataDirHasMember,
        String etcdStatusJson,
        String deployedCa,
        boolean etcdRunsStaleFiles) {

    public FileState file(String path) {
        return files.getOrDefault(path, FileState.absent(path));
    }

    public boolean hasPackage(String name) {
        return packages.containsKey(name);
    }
}
