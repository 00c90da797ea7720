package dev.dcsprov.backup;

import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The plan of {@code backup}, from the facts {@link Backup#plan} read (endpoint health, the local backups dir). Pure. */
final class BackupPlan {
    private BackupPlan() {
    }

    /**
     * @param source    the first healthy member, in inventory order
     * @param unhealthy members that did not answer healthy, with why
     * @param existing  this cluster's backups in the local dir now, oldest first
     * @param keep      dcsprov_backup_keep
     */
    record Facts(String cluster, List<String> members, String source, List<String> unhealthy, String dir, String prefix,
                 List<Path> existing, int keep) {
    }

    static OperationPlan of(Facts f) {
        List<String> notes = new ArrayList<>();
        notes.add(f.source() + " is the first healthy member in inventory order: the snapshot is taken there");
        if (!f.unhealthy().isEmpty()) {
            notes.add("not healthy, so not asked: " + String.join(", ", f.unhealthy()));
        }
        notes.add(f.existing().size() + " backup(s) of this cluster in " + f.dir() + "; dcsprov_backup_keep=" + f.keep());
        List<Change> steps = new ArrayList<>();
        steps.add(OperationPlan.step(f.source(), "snapshot", Action.RUN, "etcdctl snapshot save",
                "against its own endpoint, into a private temp dir /var/tmp/dcsprov-backup.* that is removed after the copy"));
        steps.add(OperationPlan.step(OperationPlan.LOCAL, "backup", Action.CREATE, f.dir() + "/" + f.prefix() + "-<UTC time>.db",
                "copied byte for byte over SSH; its own SHA-256 trailer and the host's sha256sum are checked; 0600, with "
                        + "<name>.db.sha256 beside it"));
        int over = Math.max(0, f.existing().size() + 1 - f.keep());
        for (Path old : f.existing().subList(0, Math.min(over, f.existing().size()))) {
            steps.add(OperationPlan.step(OperationPlan.LOCAL, "backup", Action.DELETE, old.toString(),
                    "the oldest beyond dcsprov_backup_keep=" + f.keep() + ", with its .sha256"));
        }
        return new OperationPlan("backup", f.cluster(), f.members(), steps, notes);
    }
}
