package dev.dcsprov.rotate;

import dev.dcsprov.steps.RootShell;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.ssh.StagedUpload;

import java.nio.charset.StandardCharsets;

import static dev.dcsprov.Shell.quote;

/**
 * Replaces a certificate and its key on a host as one change. Both arrive together on standard
 * input (key first), are checked whole ({@link StagedUpload}) and split on the host, then renamed
 * into place one right after the other, so etcd, which re-reads its certificate files at every TLS handshake, never pairs a new key with
 * an old certificate for longer than two renames. The previous pair is kept in archive/&lt;time&gt;/.
 */
public record CertificateSwap(String certPath, String keyPath, String certOwner, String certMode,
                              String keyOwner, String keyMode) {

    /** The swap with the pair on its standard input. */
    public RemoteCommand command(byte[] certPem, byte[] keyPem) {
        return RemoteCommand.of(script()).withStdin(StagedUpload.frame(stdin(certPem, keyPem)));
    }

    public String script() {
        StringBuilder s = new StringBuilder();
        s.append("set -eu\numask 077\n");
        s.append("c=").append(quote(certPath)).append("; k=").append(quote(keyPath)).append("; d=$(dirname \"$c\")\n");
        // A killed run may have left its staging dir; it holds nothing that is not in the PKI dir.
        s.append("rm -rf -- \"$d\"/.dcsprov-swap.?????? 2>/dev/null || :\n");
        s.append("t=$(mktemp -d \"$d/.dcsprov-swap.XXXXXX\")\n");
        s.append("trap 'rm -rf \"$t\"' EXIT\n");
        s.append(StagedUpload.receive("\"$t/in\"", "$c and $k", "rm -rf \"$t\""));
        s.append("sed -n '/^-----BEGIN [A-Z ]*PRIVATE KEY-----$/,/^-----END [A-Z ]*PRIVATE KEY-----$/p' \"$t/in\" > \"$t/key\"\n");
        s.append("sed -n '/^-----BEGIN CERTIFICATE-----$/,/^-----END CERTIFICATE-----$/p' \"$t/in\" > \"$t/crt\"\n");
        s.append("[ -s \"$t/key\" ] && [ -s \"$t/crt\" ] || { echo 'certificate or key missing on standard input' >&2; exit 1; }\n");
        s.append("chown ").append(quote(keyOwner)).append(" \"$t/key\"; chmod ").append(keyMode).append(" \"$t/key\"\n");
        s.append("chown ").append(quote(certOwner)).append(" \"$t/crt\"; chmod ").append(certMode).append(" \"$t/crt\"\n");
        // Never lose the old pair: copy it to the same dated archive the file steps use.
        s.append("for f in \"$c\" \"$k\"; do\n").append(RootShell.archiveOld("f", "d")).append("done\n");
        s.append("sync -- \"$t/key\" \"$t/crt\"\n");
        s.append(RootShell.install("\"$t/key\"", "\"$k\"")).append(RootShell.install("\"$t/crt\"", "\"$c\""));
        return s.toString();
    }

    /** Key first, then certificate: the script splits them by their PEM markers. */
    public static byte[] stdin(byte[] certPem, byte[] keyPem) {
        String key = new String(keyPem, StandardCharsets.US_ASCII);
        String cert = new String(certPem, StandardCharsets.US_ASCII);
        return ((key.endsWith("\n") ? key : key + "\n") + (cert.endsWith("\n") ? cert : cert + "\n"))
                .getBytes(StandardCharsets.US_ASCII);
    }
}
