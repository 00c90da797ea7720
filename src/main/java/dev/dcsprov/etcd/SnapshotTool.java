package dev.dcsprov.etcd;

import java.util.List;

import static dev.dcsprov.Shell.quote;

/**
 * Shell for the offline snapshot commands: etcd 3.5 moved {@code snapshot status|restore} to etcdutl
 * (etcdctl's are deprecated there), etcd 3.4 has only etcdctl. The function {@code snap} picks what the host has.
 */
public final class SnapshotTool {
    /** Defines {@code snap ARGS...}: etcdutl when installed (3.5), else etcdctl with the v3 API (3.4). */
    public static final String DEFINE = "if command -v etcdutl >/dev/null 2>&1; then snap() { etcdutl \"$@\"; }; "
            + "else snap() { ETCDCTL_API=3 etcdctl \"$@\"; }; fi\n";

    private SnapshotTool() {
    }

    /** {@code snap snapshot status FILE -w json}, for a script that defined {@code snap}. */
    public static String status(String fileExpr) {
        return "snap snapshot status " + fileExpr + " -w json";
    }

    /**
     * {@code snap snapshot restore} of one member; its output (a log) goes to stderr only on failure.
     *
     * @param fileExpr a shell word for the snapshot, may be "$d/snapshot.db"
     */
    public static String restore(String fileExpr, String dataDirExpr, String name, String initialCluster, String token,
                                 List<String> peerUrls) {
        return "snap snapshot restore " + fileExpr + " --data-dir " + dataDirExpr + " --name " + quote(name)
                + " --initial-cluster " + quote(initialCluster) + " --initial-cluster-token " + quote(token)
                + " --initial-advertise-peer-urls " + quote(String.join(",", peerUrls));
    }
}
