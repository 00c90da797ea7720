package dev.dcsprov.lock;

import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.ssh.Connection;

import java.util.List;

/**
 * The whole run's lock on one cluster for the commands that change it (apply, rotate-certs, member
 * remove/replace, restore): first on this machine (PKI dir), then on every reachable member. Read-only
 * commands take none. Released in reverse order when the run ends; dies with the process when killed.
 */
public final class RunLock implements AutoCloseable {
    private final Inventory inventory;
    private final RunHolder holder;
    private final LocalRunLock local;
    private MemberRunLocks members;

    private RunLock(Inventory inventory, RunHolder holder, LocalRunLock local) {
        this.inventory = inventory;
        this.holder = holder;
        this.local = local;
    }

    /** Before connecting: this machine's lock, which costs no network. */
    public static RunLock local(Inventory inventory, RunHolder holder) {
        return new RunLock(inventory, holder, LocalRunLock.acquire(inventory.cluster().pkiDir(), inventory.cluster().name(), holder));
    }

    /** After connecting: the members this run reaches, in inventory order. */
    public RunLock onMembers(ConnectedHosts hosts) {
        List<Connection> reachable = inventory.members().stream().map(Host::name).filter(hosts::connected)
                .map(hosts::connection).toList();
        members = MemberRunLocks.acquire(reachable, inventory.cluster().name(), holder);
        return this;
    }

    @Override
    public void close() {
        if (members != null) {
            members.close();
        }
        local.close();
    }
}
