package dev.dcsprov.steps;

import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.ssh.RemoteCommand;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.dcsprov.Shell.quote;

/**
 * A systemd timer dcsprov installs on members (scheduled snapshots, scheduled maintenance): started
 * again when any of its files changes, and disabled and removed when the inventory no longer asks for it.
 *
 * @param name      the unit, e.g. "dcsprov-snapshot.timer"
 * @param timerFile its file under /etc/systemd/system
 */
public record TimerUnit(String name, String timerFile) {

    /** A unit or script file of the timer: plain text, not sensitive, no etcd restart. */
    public static DesiredFile file(String path, String text, Ownership o) {
        return DesiredFile.of(path, text.getBytes(StandardCharsets.UTF_8), o, false, false, false);
    }

    /** Reloads systemd and (re)starts the timer when one of {@code files} is missing or differs on the host. */
    public Step.Outcome enable(String host, HostFacts facts, List<DesiredFile> files, String changedReason) {
        boolean changed = files.stream().anyMatch(f -> !facts.file(f.path()).exists() || !facts.file(f.path()).sha256().equals(f.sha256()));
        if (!changed) {
            return Step.Outcome.unchanged(name + " is set up");
        }
        return Step.Outcome.changes(new Change(host, "service", Action.START, name, changedReason,
                "", false, false, List.of(RemoteCommand.of("systemctl daemon-reload && systemctl enable --quiet " + name
                + " && systemctl restart " + name))));
    }

    /** Disables and removes a timer an earlier setting installed; {@code none} says why nothing is needed. */
    public Step.Outcome removeLeftover(String host, HostFacts facts, String why, String none) {
        if (!facts.file(timerFile).exists()) {
            return Step.Outcome.unchanged(none);
        }
        return Step.Outcome.changes(new Change(host, "service", Action.DELETE, name, why, "", false, false,
                List.of(RemoteCommand.of("systemctl disable --now --quiet " + name + " && rm -f " + quote(timerFile)
                        + " && systemctl daemon-reload"))));
    }
}
