package dev.dcsprov.upgrade;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import static dev.dcsprov.Shell.quote;

/**
 * etcd's check before 3.6 ('etcdutl check v2store': 3.6 reads no v2 store), run on every member before any of them
 * changes. etcdutl is where the install put it, not on PATH: the target tarball's (a 3.6 etcdutl knows the check; it
 * is streamed to a temporary directory on the member and removed with it), else the running install's (its
 * /opt/dcsprov/etcd/VERSION directory, or the package's /usr/bin/etcdutl). Bookworm's 3.4 package has none.
 */
public final class V2StoreCheck {
    /** A member and the etcdutl of the install it runs, when it has one. */
    public record Member(String host, Optional<String> installedEtcdutl) {
    }

    private final Function<String, Connection> connections;
    private final String dataDir;
    private final Optional<Path> targetEtcdutl;
    private final Consumer<String> progress;

    /** @param targetEtcdutl the target tarball's etcdutl, extracted on this machine, when the target is a tarball that has one */
    public V2StoreCheck(Function<String, Connection> connections, String dataDir, Optional<Path> targetEtcdutl, Consumer<String> progress) {
        this.connections = connections;
        this.dataDir = dataDir;
        this.targetEtcdutl = targetEtcdutl;
        this.progress = progress;
    }

    /** The lines shown, one per member; refuses (exit 6, nothing changed) at the first member where it fails or cannot run. */
    public List<String> run(List<Member> members) {
        List<String> shown = new ArrayList<>();
        for (Member m : members) {
            String args = " check v2store --data-dir " + quote(dataDir) + " 2>&1";
            RemoteCommand command;
            String which;
            if (targetEtcdutl.isPresent()) {
                which = "the target tarball's etcdutl";
                command = RemoteCommand.of("set -u\nt=$(mktemp -d)\ntrap 'rm -rf \"$t\"' EXIT\ncat > \"$t/etcdutl\" && chmod 0700 \"$t/etcdutl\" || exit 70\n"
                        + "\"$t/etcdutl\"" + args + "\n").withStdinFrom(targetEtcdutl.get());
            } else if (m.installedEtcdutl().isPresent()) {
                which = m.installedEtcdutl().get();
                command = RemoteCommand.of(quote(which) + args);
            } else {
                throw new DcsprovException(ExitCode.UNSAFE, "upgrade refused: no etcdutl on " + m.host() + " to run 'etcdutl check v2store'",
                        "etcd asks that 'etcdutl check v2store' passes on every member before 3.6; the install " + m.host()
                                + " runs has no etcdutl (not in its /opt/dcsprov/etcd directory, not on PATH). No member was changed.",
                        "set etcd_tarball to etcd's 3.6 release tarball (its etcdutl runs the check), or install etcdutl on the members");
            }
            CommandResult r = connections.apply(m.host()).run(command.withTimeout(Duration.ofMinutes(5)));
            String output = (r.stdout() + r.stderr()).strip();
            String line = m.host() + ": etcdutl check v2store (" + which + "): " + (output.isEmpty() ? "exit " + r.exitStatus() : output);
            shown.add(line);
            progress.accept(line);
            if (!r.ok()) {
                throw new DcsprovException(ExitCode.UNSAFE, "upgrade refused: 'etcdutl check v2store' failed on " + m.host(),
                        "exit status " + r.exitStatus() + " from " + which + ":\n" + output + "\nNo member was changed.",
                        "follow etcd's 3.6 upgrade guide for v2 data (etcd 3.5.26 with --v2-deprecation), then upgrade");
            }
        }
        return shown;
    }
}
