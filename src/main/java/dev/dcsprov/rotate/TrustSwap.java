package dev.dcsprov.rotate;

import dev.dcsprov.steps.RootShell;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.ssh.StagedUpload;

import static dev.dcsprov.Shell.quote;

/**
 * Replaces a member's trusted CA file with the bundle that arrives on standard input, checked whole
 * ({@link StagedUpload}) and renamed into place,
 * keeping the previous file in archive/&lt;time&gt;/ next to it. etcd reads the file only at start,
 * so a restart follows.
 */
public record TrustSwap(String caPath, String owner, String mode) {

    /** The swap with the CA bundle on its standard input. */
    public RemoteCommand command(byte[] trustedPem) {
        return RemoteCommand.of(script()).withStdin(StagedUpload.frame(trustedPem));
    }

    public String script() {
        return "set -eu\numask 077\n"
                + "c=" + quote(caPath) + "; d=$(dirname \"$c\"); b=$(basename \"$c\")\n"
                + StagedUpload.removeStale("d", "b")
                + "t=$(mktemp " + StagedUpload.tempTemplate("d", "b") + ")\n"
                + "trap 'rm -f \"$t\"' EXIT\n"
                + StagedUpload.receive("\"$t\"", "$c", "rm -f \"$t\"")
                + "grep -q '^-----BEGIN CERTIFICATE-----$' \"$t\" || { echo 'no certificate on standard input' >&2; exit 1; }\n"
                + "chown " + quote(owner) + " \"$t\"; chmod " + mode + " \"$t\"\n"
                + RootShell.archiveOld("c", "d")
                + "sync -- \"$t\"\n"
                + RootShell.install("\"$t\"", "\"$c\"") + "trap - EXIT\n";
    }
}
