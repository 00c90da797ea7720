package dev.dcsprov.journal;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/**
 * The members' copy of the journal: {@value #PATH}, root's 0600 in a 0700 directory, written
 * atomically (temp file in the same directory, sync, rename), so a member tells what was last done
 * to it even when the machine that ran dcsprov is gone.
 */
public final class HostJournals implements Journal.MemberJournals {
    public static final String DIR = "/var/lib/dcsprov";
    public static final String PATH = DIR + "/journal";

    private final Function<String, Connection> connections;
    private final String name;

    public HostJournals(Function<String, Connection> connections) {
        this(connections, "journal");
    }

    /**
     * A record of its own in {@value #DIR} ({@code name}, e.g. {@code journal-patroni}): a host that is both a member
     * and a Patroni host keeps its member record while Patroni's delivery records its steps next to it.
     */
    public HostJournals(Function<String, Connection> connections, String name) {
        if (!name.matches("journal[a-z-]*")) {
            throw new IllegalArgumentException("journal file name: " + name);
        }
        this.connections = connections;
        this.name = name;
    }

    static String writeScript() {
        return writeScript("journal");
    }

    static String writeScript(String name) {
        return "set -eu\numask 077\nd=" + DIR + "; n=" + name + "\n"
                + "if [ -L \"$d\" ] || [ -L \"$d/$n\" ]; then echo \"$d: a symbolic link, not what dcsprov made; move it aside\" >&2; exit 1; fi\n"
                + "mkdir -p -m 0700 \"$d\"\n"
                + "rm -f -- \"$d\"/.$n.?????? 2>/dev/null || :\n"
                + "t=$(mktemp \"$d/.$n.XXXXXX\")\n"
                + "trap 'rm -f \"$t\"' EXIT\n"
                + "cat > \"$t\"\n"
                + "grep -q '^operation=' \"$t\" || { echo 'no journal record on standard input' >&2; exit 1; }\n"
                + "sync -- \"$t\"\n"
                + "mv -fT \"$t\" \"$d/$n\"\ntrap - EXIT\n";
    }

    @Override
    public void write(String member, JournalEntry entry) {
        CommandResult r = connections.apply(member).run(RemoteCommand.of(writeScript(name))
                .withStdin(entry.text().getBytes(StandardCharsets.UTF_8)));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "cannot record the run journal on " + member,
                    r.stderr().strip() + "\nThe step was not started.", "fix the cause, then run the same command again");
        }
    }

    /** The member's record, if it has a readable one. */
    public static Optional<JournalEntry> read(Connection c) {
        CommandResult r = c.run(RemoteCommand.of("cat " + PATH + " 2>/dev/null || :"));
        return r.ok() ? JournalEntry.parse(r.stdout()) : Optional.empty();
    }
}
