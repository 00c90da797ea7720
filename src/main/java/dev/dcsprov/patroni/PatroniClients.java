package dev.dcsprov.patroni;

import dev.dcsprov.auth.Secrets;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.rotate.ClientDelivery;

import java.util.function.Consumer;

/** Patroni as the client rotations carry through: {@link PatroniDelivery} behind the rotations' {@link ClientDelivery}. */
public final class PatroniClients implements ClientDelivery {
    private final PatroniDelivery delivery;
    private final Reporter reporter;
    private final DcsOutage outage;

    /** The inventory's Patroni hosts (none is fine: then every hook does nothing), reporting to {@code progress}. */
    public static PatroniClients of(Inventory inventory, ConnectedHosts hosts, PkiStore store, Consumer<String> progress) {
        return new PatroniClients(new PatroniDelivery(inventory, hosts, store, new Secrets()), progress);
    }

    /** As above, each delivery journaled ({@link PatroniDelivery#journaled}) so the same command finishes a killed one. */
    public static PatroniClients of(Inventory inventory, ConnectedHosts hosts, PkiStore store, Consumer<String> progress,
                                    Journal journal, String phase) {
        return new PatroniClients(new PatroniDelivery(inventory, hosts, store, new Secrets()).journaled(journal, phase), progress);
    }

    public PatroniClients(PatroniDelivery delivery, Consumer<String> progress) {
        this(delivery, Reporter.lines(progress));
    }

    public PatroniClients(PatroniDelivery delivery, Reporter reporter) {
        this(delivery, reporter, delivery.memberCount());
    }

    /** @param members voting members of the cluster the run restarts (apply: those already in it, not those to join) */
    public PatroniClients(PatroniDelivery delivery, Reporter reporter, int members) {
        this.delivery = delivery;
        this.reporter = reporter;
        this.outage = new DcsOutage(delivery::read, System::nanoTime, reporter::progress, members);
    }

    @Override
    public void preflight() {
        if (delivery.any()) {
            delivery.preflight();
        }
    }

    @Override
    public void deliver(String why) {
        delivery.deliver(why, reporter);
    }

    /** A restart that costs quorum (one or two members) is announced with what Patroni tolerates, and measured. */
    @Override
    public void beforeMember(String member) {
        if (delivery.any()) {
            outage.before(member);
        }
    }

    /**
     * Patroni's leader updates its key once per loop; a leadership move and the old leader's restart right after it
     * fell inside one retry and demoted the primary once in CI (PatroniTrixieIT, Patroni 4 on etcd 3.5). So every
     * running Patroni reaches etcd after the move before the restart.
     */
    @Override
    public void afterLeadershipMoved(String from, String to) {
        if (delivery.any()) {
            delivery.awaitReachedEtcd("leadership moved from " + from + " to " + to, reporter);
        }
    }

    /** Every running Patroni still answers and has reached etcd since the member came back (see {@link PatroniDelivery#awaitReachedEtcd}). */
    @Override
    public void afterMember(String member) {
        if (delivery.any()) {
            outage.after(member);
            delivery.awaitReachedEtcd(member + " restarted", reporter);
        }
    }
}
