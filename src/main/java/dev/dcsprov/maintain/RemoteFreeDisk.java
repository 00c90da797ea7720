package dev.dcsprov.maintain;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.RemoteCommand;

import java.time.Duration;

import static dev.dcsprov.Shell.quote;

/** Free disk of a member's data directory, from df on the member. */
public final class RemoteFreeDisk implements FreeDisk {
    private final ConnectedHosts hosts;
    private final String dataDir;

    public RemoteFreeDisk(ConnectedHosts hosts, String dataDir) {
        this.hosts = hosts;
        this.dataDir = dataDir;
    }

    @Override
    public long freeBytes(ClusterMember member) {
        CommandResult r = hosts.connection(member.name()).run(RemoteCommand.of("df -B1 --output=avail " + quote(dataDir)
                + " | tail -n 1").withTimeout(Duration.ofSeconds(20)));
        String out = r.stdout().strip();
        if (!r.ok() || !out.matches("\\d+")) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "could not measure free disk on " + member.name(),
                    "df on " + dataDir + ": " + r.stderr().strip() + out, "check that " + dataDir + " exists on " + member.name());
        }
        return Long.parseLong(out);
    }
}
