package dev.dcsprov.rotate;

import dev.dcsprov.steps.RootShell;

import static dev.dcsprov.Shell.quote;

/**
 * Replaces a member's trusted CA file with the bundle that arrives on standard input, atomically,
 * keeping the previous file in archive/&lt;time&gt;/ next to it. etcd reads the file only at start,
 * so a restart follows.
 */
public record TrustSwap(String caPath, String owner, String mode) {

    public String script() {
        return "set -eu\numask 077\n"
                + "c=" + quote(caPath) + "; d=$(dirname \"$c\")\n"
                + "t=$(mktemp \"$d/.dcsprov-ca.XXXXXX\")\n"
                + "trap 'rm -f \"$t\"' EXIT\n"
                + "cat > \"$t\"\n"
                + "grep -q '^-----BEGIN CERTIFICATE-----$' \"$t\" || { echo 'no certificate on standard input' >&2; exit 1; }\n"
                + "chown " + quote(owner) + " \"$t\"; chmod " + mode + " \"$t\"\n"
                + RootShell.archiveOld("c", "d")
                + RootShell.install("\"$t\"", "\"$c\"") + "trap - EXIT\n";
    }
}
