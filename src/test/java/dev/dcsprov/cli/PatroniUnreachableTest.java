package dev.dcsprov.cli;

import dev.dcsprov.ExitCode;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.ssh.RemoteException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An unreachable Patroni host that is not a member: its error says why dcsprov needs it, and the way out. */
class PatroniUnreachableTest {
    @TempDir
    Path dir;

    @Test
    void aPatroniHostSaysWhyItIsNeededAndThatItCanLeaveTheGroupWhileAMemberStaysAsItWas() throws Exception {
        Inventory inv = dev.dcsprov.patroni.PatroniTestInventory.write(dir, "", "{a: , pg1: {ansible_host: 10.0.0.9}}");
        RemoteException down = new RemoteException(ExitCode.UNREACHABLE, "pg1", "cannot connect to 10.0.0.9:22 (No route to host)",
                "the host is down", "check that pg1 is up and sshd listens on port 22", null);
        RemoteException e = InventoryCommand.withPatroniFix(inv, "pg1", down);
        assertEquals(ExitCode.UNREACHABLE, e.exitCode());
        assertEquals("pg1: cannot connect to 10.0.0.9:22 (No route to host) (a Patroni host)", e.summary());
        assertTrue(e.detail().orElseThrow().startsWith("the host is down\npg1 is in the Patroni group"), e.detail().orElseThrow());
        assertTrue(e.detail().orElseThrow().contains("Nothing was changed on any host"), e.detail().orElseThrow());
        assertEquals("check that pg1 is up and sshd listens on port 22; or take pg1 out of the Patroni group if Patroni no longer runs there",
                e.fix().orElseThrow());
        RemoteException member = new RemoteException(ExitCode.UNREACHABLE, "a", "cannot connect", null, "check a", null);
        assertSame(member, InventoryCommand.withPatroniFix(inv, "a", member), "a member's error is its own");
    }
}
