package dev.dcsprov.backup;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.dcsprov.Shell.quote;

/**
 * What restore reads on a member before it changes anything, in one round trip: the etcd_tarball drop-in
 * (its ExecStart, when the file is there) and the last line of restore-history. Read-only.
 *
 * @param dropIn  the ExecStart of {@value #DROP_IN} (the binary and its arguments), when the file sets one
 * @param history the last restore of the member's data dir, as its restore-history records it
 */
public record RestoreMemberFacts(String host, Optional<String> dropIn, Optional<RestoreResume.History> history) {
    /** The drop-in {@code upgrade} writes for an etcd_tarball install (upgrade/HostInstaller.DROP_IN). */
    public static final String DROP_IN = "/etc/systemd/system/etcd.service.d/dcsprov-etcd.conf";

    static String script(String historyFile) {
        return script(DROP_IN, historyFile);
    }

    static String script(String dropIn, String historyFile) {
        return "if [ -f " + quote(dropIn) + " ]; then printf 'dropin\\t%s\\n' \"$(sed -n 's/^ExecStart=\\(..*\\)$/\\1/p' " + quote(dropIn)
                + " | tail -n 1)\"; fi\n"
                + "printf 'history\\t%s\\n' \"$(tail -n 1 " + quote(historyFile) + " 2>/dev/null || :)\"\n";
    }

    public static RestoreMemberFacts read(Connection c, String historyFile) {
        CommandResult r = c.run(RemoteCommand.of(script(historyFile)));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "cannot read " + DROP_IN + " and restore-history on " + c.hostName(),
                    r.stderr().strip() + "\nNothing was changed.", "fix the cause, then run restore again");
        }
        return parse(c.hostName(), r.stdout());
    }

    static RestoreMemberFacts parse(String host, String out) {
        Optional<String> dropIn = Optional.empty();
        Optional<RestoreResume.History> history = Optional.empty();
        for (String line : out.split("\n")) {
            if (line.startsWith("dropin\t")) {
                dropIn = Optional.of(line.substring(7).strip()).filter(s -> !s.isEmpty());
            } else if (line.startsWith("history\t")) {
                history = RestoreResume.History.parse(line.substring(8));
            }
        }
        return new RestoreMemberFacts(host, dropIn, history);
    }

    /** The binary the drop-in runs: ExecStart's first word. */
    Optional<String> dropInBinary() {
        return dropIn.map(s -> s.split("\\s+")[0]);
    }

    /**
     * A member whose etcd.service would start another etcd than the inventory's: the drop-in of a tarball install
     * (README, Upgrades) left while the inventory names no etcd_tarball, or names one of another version. Restore
     * would start that binary on the snapshot, so it refuses (exit 6) before it changes anything, naming each member,
     * the file and the commands of the README's way back.
     *
     * @param tarballDir where the inventory's etcd_tarball runs from ({@code /opt/dcsprov/etcd/<version>}), if it names one
     */
    static void refuseForeignDropIns(List<RestoreMemberFacts> members, Optional<String> tarballDir) {
        Optional<String> expected = tarballDir.map(d -> d + "/etcd");
        List<RestoreMemberFacts> foreign = members.stream()
                .filter(m -> m.dropInBinary().isPresent() && !m.dropInBinary().equals(expected)).toList();
        if (foreign.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>();
        foreign.forEach(m -> lines.add(m.host() + ": " + DROP_IN + " runs ExecStart=" + m.dropIn().orElseThrow()));
        String names = String.join(", ", foreign.stream().map(RestoreMemberFacts::host).toList());
        String inventory = tarballDir.map(d -> "The inventory's etcd_tarball runs from " + d + ".")
                .orElse("The inventory names no etcd_tarball: its etcd is the distribution package's /usr/bin/etcd.");
        throw new DcsprovException(ExitCode.UNSAFE, "restore would start another etcd than the inventory's on " + names
                        + ": a tarball drop-in is left there",
                String.join("\n", lines) + "\n" + inventory + " Restored from the snapshot, " + (foreign.size() == 1 ? "that member" : "those members")
                        + " would start the drop-in's binary on the snapshot's data. Nothing was changed.",
                "to go back to the distribution's etcd (README, Upgrades: the way back from a tarball install), on "
                        + names + " run 'systemctl stop etcd && rm " + DROP_IN + " && systemctl daemon-reload' ('/usr/bin/etcd --version' "
                        + "then names the package's version), then run restore again; if the members are to keep that binary, name its "
                        + "tarball in the inventory (etcd_tarball, etcd_tarball_sha256)");
    }

    static Map<String, Optional<RestoreResume.History>> histories(List<RestoreMemberFacts> members) {
        Map<String, Optional<RestoreResume.History>> m = new java.util.LinkedHashMap<>();
        members.forEach(f -> m.put(f.host(), f.history()));
        return m;
    }
}
