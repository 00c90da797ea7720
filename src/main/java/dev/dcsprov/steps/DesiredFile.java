package dev.dcsprov.steps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file as it should be on a host.
 *
 * @param sensitive   key material: the plan shows the action, never the content
 * @param restartsEtcd etcd must restart to pick a change up
 * @param archiveOld  the previous version is kept in an archive directory rather than overwritten
 *                    (certificates and keys are never lost)
 */
public record DesiredFile(String path, byte[] content, String mode, String owner, String group,
                          boolean sensitive, boolean restartsEtcd, boolean archiveOld) {

    public static DesiredFile of(String path, byte[] content, Ownership o, boolean sensitive, boolean restartsEtcd,
                                 boolean archiveOld) {
        return new DesiredFile(path, content, o.mode(), o.owner(), o.group(), sensitive, restartsEtcd, archiveOld);
    }

    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}
