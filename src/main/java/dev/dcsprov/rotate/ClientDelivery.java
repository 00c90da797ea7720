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

    /** Just before a member's restart (its new files are in place): the clients are told, or the run stops here. */
    default void beforeMember(String member) {
    }

    /** After a member restarted: the clients still reach etcd, or the rotation stops here. */
    default void afterMember(String member) {
    }

    /**
     * After etcd's leadership moved away from the member about to restart: the clients reached etcd again, so the move
     * and the restart are two disruptions a client's retries see apart, not one.
     */
    default void afterLeadershipMoved(String from, String to) {
    }

    /** {@link #beforeMember}, {@link #afterLeadershipMoved} and {@link #afterMember} as the hooks of a {@link RollingRestart}: every operation that restarts members carries the clients through. */
    default RollingRestart.Hooks afterEachMember() {
        ClientDelivery clients = this;
        return new RollingRestart.Hooks() {
            @Override
            public void before(ClusterMember member) {
                clients.beforeMember(member.name());
            }

            @Override
            public void after(ClusterMember member) {
                clients.afterMember(member.name());
            }

            @Override
            public void leadershipMoved(ClusterMember from, ClusterMember to) {
                clients.afterLeadershipMoved(from.name(), to.name());
            }
        };
    }
}
