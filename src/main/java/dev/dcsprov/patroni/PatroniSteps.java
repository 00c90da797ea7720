package dev.dcsprov.patroni;

import dev.dcsprov.inventory.PatroniHost;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.ssh.StagedUpload;
import dev.dcsprov.steps.DesiredFile;
import dev.dcsprov.steps.FileStep;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.dcsprov.Shell.quote;

/**
 * What one Patroni host needs, as plan changes: its certificate generation (switched by renaming a link, so
 * Patroni reads the old set or the new set, never a mix), the env file, then a reload when Patroni runs.
 */
public final class PatroniSteps {
    public static final String STEP = "patroni";

    private PatroniSteps() {
    }

    public static List<Change> plan(PatroniHost p, PatroniFacts facts, PatroniMaterial material, String env) {
        return plan(p, facts, material, env, false);
    }

    /**
     * @param leftMidStep the last delivery was killed inside a step on this host ({@link PatroniResume}): its files may
     *                    match while Patroni was never reloaded with them, so it is reloaded and waited for all the same
     */
    public static List<Change> plan(PatroniHost p, PatroniFacts facts, PatroniMaterial material, String env, boolean leftMidStep) {
        List<Change> changes = new ArrayList<>();
        if (!facts.currentSha256().equals(material.sha256())) {
            changes.add(new Change(p.name(), STEP, facts.current().isEmpty() ? Action.CREATE : Action.UPDATE, p.current(),
                    (facts.current().isEmpty() ? "missing" : "was " + facts.current()) + ": CA, client certificate and key of "
                            + p.etcdUser() + " as generation " + material.generation() + ", switched as one",
                    "", true, false, List.of(generationCommand(p, material))));
        }
        DesiredFile envFile = envFile(p, env);
        boolean envDiffers = facts.envFile().map(f -> !f.sha256().equals(envFile.sha256()) || !f.mode().equals(envFile.mode())
                || !f.owner().equals(envFile.owner()) || !f.group().equals(envFile.group())).orElse(true);
        if (envDiffers) {
            changes.add(new Change(p.name(), STEP, facts.envFile().isPresent() ? Action.UPDATE : Action.CREATE, p.envFile(),
                    "PATRONI_ETCD3_* for " + p.etcdUser() + " (read by Patroni at its next start)", "", true, false,
                    List.of(FileStep.writeCommand(envFile))));
        }
        // Files already in place do not prove the reload happened; a stopped Patroni reads its files when it starts.
        boolean resume = changes.isEmpty() && leftMidStep && facts.unitActive();
        if ((!changes.isEmpty() && facts.unitActive()) || resume) {
            changes.add(new Change(p.name(), STEP, Action.RUN, "reload " + p.unit(),
                    resume ? "the interrupted delivery left this host mid-step: its files are in place, Patroni may not have been reloaded"
                            : "Patroni opens its next etcd connections with the new files", "", false, false,
                    List.of(RemoteCommand.of("systemctl reload " + quote(p.unit())))));
        }
        return changes;
    }

    static DesiredFile envFile(PatroniHost p, String env) {
        // The password is in it: root writes it, Patroni's group reads it, nobody else.
        return new DesiredFile(p.envFile(), env.getBytes(StandardCharsets.UTF_8), "0640", "root", p.osUser(), true, false, false);
    }

    /**
     * Stages the three files in a private temp dir next to the generations (checked by length and SHA-256),
     * renames it to its generation name, then points {@code current} at it with {@code ln -s} + {@code mv -T}:
     * one rename, so Patroni never sees half a swap. Old generations stay where they are, never deleted.
     */
    static RemoteCommand generationCommand(PatroniHost p, PatroniMaterial m) {
        String owner = quote(p.osUser() + ":" + p.osUser());
        String s = "set -eu\numask 077\n"
                + "d=" + quote(p.tlsDir()) + "; g=" + m.generation() + "\n"
                + "for x in \"$d\" \"$(dirname \"$d\")\"; do if [ -L \"$x\" ]; then echo \"$x is a symbolic link, not what dcsprov made; move it aside\" >&2; exit 1; fi; done\n"
                + "mkdir -p \"$d\"\nchown root:" + quote(p.osUser()) + " \"$d\"\nchmod 0750 \"$d\"\n"
                + "rm -rf -- \"$d\"/.gen.dcsprov-?????? \"$d\"/.current.dcsprov-?????? 2>/dev/null || :\n"
                + "t=$(mktemp -d \"$d/.gen.dcsprov-XXXXXX\")\ntrap 'rm -rf \"$t\"' EXIT\n"
                + StagedUpload.receive("\"$t/all\"", "$d/$g", "rm -rf \"$t\"")
                + "head -c " + m.ca().length + " \"$t/all\" > \"$t/ca.crt\"\n"
                + "tail -c +" + (m.ca().length + 1) + " \"$t/all\" | head -c " + m.cert().length + " > \"$t/client.crt\"\n"
                + "tail -c +" + (m.ca().length + m.cert().length + 1) + " \"$t/all\" > \"$t/client.key\"\n"
                + "rm -f \"$t/all\"\n"
                + "chown " + owner + " \"$t/ca.crt\" \"$t/client.crt\" \"$t/client.key\"\n"
                + "chmod 0644 \"$t/ca.crt\" \"$t/client.crt\"\nchmod 0600 \"$t/client.key\"\n"
                + "chown root:" + quote(p.osUser()) + " \"$t\"\nchmod 0750 \"$t\"\n"
                + "sync -f \"$t/client.key\" 2>/dev/null || sync\n"
                // A generation of the same name holds the same three files (the name is their digest): keep it.
                + "if [ -d \"$d/$g\" ] && [ ! -L \"$d/$g\" ]; then rm -rf \"$t\"; else mv -T \"$t\" \"$d/$g\"; fi\n"
                + "trap - EXIT\n"
                + "l=$(mktemp -u \"$d/.current.dcsprov-XXXXXX\")\nln -s \"$g\" \"$l\"\nmv -T \"$l\" \"$d/current\"\n"
                + "sync\n";
        return RemoteCommand.of(s).withStdin(StagedUpload.frame(m.concatenated()));
    }
}
