package dev.dcsprov.steps;

import dev.dcsprov.facts.FileState;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.pki.CertificateInfo;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.CertificateSummary;
import dev.dcsprov.plan.Change;
import dev.dcsprov.render.UnifiedDiff;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.ssh.StagedUpload;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.dcsprov.Shell.quote;

/**
 * Writes a file only when its content, mode or owner differ. Content travels on standard input
 * into a temp file made 0600 by mktemp, is checked there (length and SHA-256, {@link StagedUpload}),
 * gets its owner and mode, then is renamed over the target: a reader never sees a half-written file,
 * a killed run never installs a truncated one, and a key is never readable by others, not even briefly.
 */
public final class FileStep implements Step {
    private final DesiredFile want;
    private final Optional<String> currentText;
    private final boolean certificate;

    /** @param currentText the file's present text when it is a text file shown as a diff */
    public FileStep(DesiredFile want, Optional<String> currentText) {
        this(want, currentText, false);
    }

    private FileStep(DesiredFile want, Optional<String> currentText, boolean certificate) {
        this.want = want;
        this.currentText = currentText;
        this.certificate = certificate;
    }

    /** A PEM certificate file (or CA bundle): the plan shows what the certificates are, not their base64. */
    public static FileStep certificate(DesiredFile want) {
        return new FileStep(want, Optional.empty(), true);
    }

    @Override
    public Outcome plan(String host, HostFacts facts) {
        FileState have = facts.file(want.path());
        if (!have.exists() || !have.sha256().equals(want.sha256())) {
            String diff = want.sensitive() || certificate ? "" : UnifiedDiff.unified(want.path(), currentText.orElse(""), want.text());
            String reason = !have.exists() ? "missing" : "content differs";
            return Outcome.changes(new Change(host, "file", have.exists() ? Action.UPDATE : Action.CREATE, want.path(),
                    reason, diff, want.sensitive(), want.restartsEtcd() && have.exists(),
                    List.of(writeCommand(want)),
                    certificate ? summaries(want.content()) : List.of()));
        }
        List<String> wrong = new ArrayList<>();
        if (!have.mode().equals(want.mode())) {
            wrong.add("mode " + have.mode() + " -> " + want.mode());
        }
        if (!have.owner().equals(want.owner()) || !have.group().equals(want.group())) {
            wrong.add("owner " + have.owner() + ":" + have.group() + " -> " + want.owner() + ":" + want.group());
        }
        if (!wrong.isEmpty()) {
            return Outcome.changes(new Change(host, "file", Action.UPDATE, want.path(), String.join(", ", wrong), "",
                    false, false, List.of(RemoteCommand.of(RootShell.refuseLink(quote(want.path()))
                    + "\nchown " + quote(want.owner() + ":" + want.group()) + " " + quote(want.path())
                            + " && chmod " + want.mode() + " " + quote(want.path())))));
        }
        return Outcome.unchanged(want.path() + " is up to date");
    }

    /** The remote command that writes {@code f}: the script, with the framed content on its standard input. */
    public static RemoteCommand writeCommand(DesiredFile f) {
        return RemoteCommand.of(writeScript(f)).withStdin(StagedUpload.frame(f.content()));
    }

    /** Every certificate of a PEM text, in file order. */
    static List<CertificateSummary> summaries(byte[] pem) {
        try {
            return CertificateInfo.parseAll(pem).stream().map(FileStep::summary).toList();
        } catch (IOException | IllegalArgumentException e) {
            // Our own PKI wrote it, so this is not expected; the plan still must not fall back to the PEM.
            return List.of(new CertificateSummary("(not a readable certificate: " + e.getMessage() + ")", List.of(), "", "", ""));
        }
    }

    static CertificateSummary summary(CertificateInfo c) {
        List<String> sans = new ArrayList<>(c.dnsNames());
        sans.addAll(c.ipAddresses());
        return new CertificateSummary(c.subject(), sans, c.issuer(), c.notAfter().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
                c.fingerprintSha256());
    }

    /** The remote script that writes {@code f} from standard input (see {@link StagedUpload}). */
    public static String writeScript(DesiredFile f) {
        StringBuilder s = new StringBuilder();
        s.append("set -eu\numask 077\n");
        s.append("f=").append(quote(f.path())).append("; d=$(dirname \"$f\"); b=$(basename \"$f\")\n");
        s.append(StagedUpload.removeStale("d", "b"));
        s.append("tmp=$(mktemp ").append(StagedUpload.tempTemplate("d", "b")).append(")\n");
        s.append("trap 'rm -f \"$tmp\"' EXIT\n");
        s.append(StagedUpload.receive("\"$tmp\"", "$f", "rm -f \"$tmp\""));
        s.append("chown ").append(quote(f.owner() + ":" + f.group())).append(" \"$tmp\"\n");
        s.append("chmod ").append(f.mode()).append(" \"$tmp\"\n");
        if (f.archiveOld()) {
            // Old certificates and keys are kept, never overwritten: <dir>/archive/<UTC time>/<name>.
            s.append(RootShell.archiveOld("f", "d"));
        }
        // On disk before the rename, so a crash of the host, too, leaves the old file or the new one.
        s.append("sync -- \"$tmp\"\n");
        s.append(RootShell.install("\"$tmp\"", "\"$f\""));
        s.append("trap - EXIT\n");
        return s.toString();
    }
}
