package dev.dcsprov.backup;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.LocalShell;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * restore reads each member's etcd_tarball drop-in and restore-history before it changes anything, and refuses
 * (exit 6) when a drop-in would start another etcd than the inventory's on the snapshot (issue 16).
 */
class RestoreMemberFactsTest {
    static final String SHA = "a".repeat(64);

    @TempDir
    Path dir;

    /** A member whose /etc is a temp dir here: the read script runs for real with sh, and every script is recorded. */
    final class Member implements Connection {
        final String name;
        final Path root;
        final List<String> scripts = new ArrayList<>();

        Member(String name) throws Exception {
            this.name = name;
            this.root = Files.createDirectories(dir.resolve(name));
        }

        Member dropIn(String text) throws Exception {
            Path f = root.resolve(RestoreMemberFacts.DROP_IN.substring(1));
            Files.createDirectories(f.getParent());
            Files.writeString(f, text);
            return this;
        }

        Member history(String text) throws Exception {
            Files.writeString(root.resolve("restore-history"), text);
            return this;
        }

        @Override
        public String hostName() {
            return name;
        }

        @Override
        public CommandResult run(RemoteCommand command) {
            scripts.add(command.script());
            String local = command.script().replace(RestoreMemberFacts.DROP_IN, root + RestoreMemberFacts.DROP_IN)
                    .replace("/etc/dcs/restore-history", root.resolve("restore-history").toString());
            return new LocalShell().run(RemoteCommand.of(local));
        }

        @Override
        public CommandResult run(RemoteCommand command, OutputStream stdout) {
            throw new AssertionError("restore reads no stream here");
        }

        @Override
        public void close() {
        }

        RestoreMemberFacts read() {
            return RestoreMemberFacts.read(this, "/etc/dcs/restore-history");
        }
    }

    static final String TARBALL_DROP_IN = "# Managed by dcsprov (etcd_tarball): etcd from /opt/dcsprov/etcd/3.5.16\n[Service]\nExecStart=\n"
            + "ExecStart=/opt/dcsprov/etcd/3.5.16/etcd $DAEMON_ARGS\n";

    @Test
    void aLeftoverTarballDropInWithNoTarballInTheInventoryIsRefusedNamingTheMemberTheFileAndTheFix() throws Exception {
        Member clean = new Member("dcs-40");
        Member left = new Member("dcs-41").dropIn(TARBALL_DROP_IN);
        List<RestoreMemberFacts> facts = List.of(clean.read(), left.read());
        assertEquals(Optional.of("/opt/dcsprov/etcd/3.5.16/etcd $DAEMON_ARGS"), facts.get(1).dropIn(), "the last ExecStart, not the reset");
        DcsprovException e = assertThrows(DcsprovException.class, () -> RestoreMemberFacts.refuseForeignDropIns(facts, Optional.empty()));
        assertEquals(ExitCode.UNSAFE, e.exitCode());
        assertTrue(e.summary().contains("on dcs-41") && !e.summary().contains("dcs-40"), e.summary());
        String detail = e.detail().orElseThrow();
        assertTrue(detail.contains("dcs-41: " + RestoreMemberFacts.DROP_IN + " runs ExecStart=/opt/dcsprov/etcd/3.5.16/etcd"), detail);
        assertTrue(detail.contains("names no etcd_tarball") && detail.contains("Nothing was changed."), detail);
        assertTrue(e.fix().orElseThrow().contains("on dcs-41 run 'systemctl stop etcd && rm " + RestoreMemberFacts.DROP_IN
                + " && systemctl daemon-reload'"), e.fix().orElseThrow());
        // Nothing but the read ran on either member: no stop, no move, no write.
        for (Member m : List.of(clean, left)) {
            assertEquals(1, m.scripts.size(), m.name);
            assertTrue(!m.scripts.get(0).contains("systemctl") && !m.scripts.get(0).contains("mv ") && !m.scripts.get(0).contains("rm "),
                    m.scripts.get(0));
        }
        assertEquals(TARBALL_DROP_IN, Files.readString(left.root.resolve(RestoreMemberFacts.DROP_IN.substring(1))));
    }

    @Test
    void theDropInOfTheInventorysOwnTarballPassesAndOneOfAnotherVersionIsRefused() throws Exception {
        List<RestoreMemberFacts> facts = List.of(new Member("dcs-40").dropIn(TARBALL_DROP_IN).read(),
                new Member("dcs-41").dropIn(TARBALL_DROP_IN).read());
        RestoreMemberFacts.refuseForeignDropIns(facts, Optional.of("/opt/dcsprov/etcd/3.5.16"));
        DcsprovException e = assertThrows(DcsprovException.class,
                () -> RestoreMemberFacts.refuseForeignDropIns(facts, Optional.of("/opt/dcsprov/etcd/3.5.17")));
        assertTrue(e.summary().contains("on dcs-40, dcs-41"), e.summary());
        assertTrue(e.detail().orElseThrow().contains("etcd_tarball runs from /opt/dcsprov/etcd/3.5.17"), e.detail().orElseThrow());
    }

    @Test
    void noDropInOrOneThatSetsNoBinaryIsNoReasonToRefuse() throws Exception {
        List<RestoreMemberFacts> facts = List.of(new Member("dcs-40").read(), new Member("dcs-41").dropIn("[Service]\nExecStart=\nLimitNOFILE=65536\n").read());
        assertEquals(Optional.empty(), facts.get(1).dropIn());
        RestoreMemberFacts.refuseForeignDropIns(facts, Optional.empty());
        RestoreMemberFacts.refuseForeignDropIns(facts, Optional.of("/opt/dcsprov/etcd/3.5.16"));
    }

    @Test
    void theLastRestoreOfEachMemberIsReadFromItsRestoreHistory() throws Exception {
        RestoreMemberFacts f = new Member("dcs-40").history("2026-12-02T10:00:00Z restored snapshot sha256=" + "b".repeat(64)
                + " token=old previous-data=/var/lib/etcd/dcs.before-restore-20261202T100000Z\n"
                + "2026-12-03T06:00:00Z restored snapshot sha256=" + SHA + " token=dcs-restored-20261203t060000z previous-data=none\n").read();
        assertEquals(Optional.of(new RestoreResume.History(SHA, "dcs-restored-20261203t060000z", "none")), f.history());
        assertEquals(Optional.empty(), new Member("dcs-41").read().history(), "never restored");
    }
}
