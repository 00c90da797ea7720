package dev.dcsprov.steps;

import dev.dcsprov.facts.FileState;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.ssh.RemoteCommand;

import java.util.List;

import static dev.dcsprov.Shell.quote;

/** A directory with a given mode and owner. */
public final class DirectoryStep implements Step {
    private final String path;
    private final String mode;
    private final String owner;
    private final String group;

    public DirectoryStep(String path, Ownership o) {
        this(path, o.mode(), o.owner(), o.group());
    }

    public DirectoryStep(String path, String mode, String owner, String group) {
        this.path = path;
        this.mode = mode;
        this.owner = owner;
        this.group = group;
    }

    @Override
    public Outcome plan(String host, HostFacts facts) {
        FileState have = facts.file(path);
        // A link here (planted while an older dcsprov let etcd write the parent) is refused: chown would follow it.
        String ensure = RootShell.refuseLink(quote(path)) + "\ninstall -d -m " + mode + " -o " + quote(owner) + " -g " + quote(group) + " " + quote(path)
                + " && chown " + quote(owner + ":" + group) + " " + quote(path) + " && chmod " + mode + " " + quote(path);
        if (!have.exists()) {
            return Outcome.changes(new Change(host, "directory", Action.CREATE, path, "missing", "", false, false,
                    List.of(RemoteCommand.of(ensure))));
        }
        if (!have.mode().equals(mode) || !have.owner().equals(owner) || !have.group().equals(group)) {
            return Outcome.changes(new Change(host, "directory", Action.UPDATE, path,
                    have.mode() + " " + have.owner() + ":" + have.group() + " -> " + mode + " " + owner + ":" + group,
                    "", false, false, List.of(RemoteCommand.of(ensure))));
        }
        return Outcome.unchanged(path + " is " + mode + " " + owner + ":" + group);
    }
}
