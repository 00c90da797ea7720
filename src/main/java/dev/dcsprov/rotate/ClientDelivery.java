package dev.dcsprov.rotate;

import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.RollingRestart;

/**
 * The clients a rotation carries through (Patroni): checked before any member is touched, handed their new CA
 * bundle or client certificate at the right moment, and watched after each member's restart.
 */
public interface ClientDelivery {
    ClientDelivery NONE = new ClientDelivery() {
    };

    /** Refuses, before anything changes, when a client host is not ready. */
    default void preflight() {
    }

    /** Delivers what differs from the local PKI now and waits until the clients use it. */
    default void deliver(String why) {
    }

    /** After a member restarted: the clients still reach etcd, or the rotation stops here. */
    default void afterMember(String member) {
    }

    /** {@link #afterMember} as the hook of a {@link RollingRestart}: every operation that restarts members carries the clients through. */
    default RollingRestart.Hooks afterEachMember() {
        ClientDelivery clients = this;
        return new RollingRestart.Hooks() {
            @Override
            public void after(ClusterMember member) {
                clients.afterMember(member.name());
            }
        };
    }
}
