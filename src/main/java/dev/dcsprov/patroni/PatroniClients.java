package dev.dcsprov.patroni;

import dev.dcsprov.auth.Secrets;
import dev.dcsprov.cluster.Hosts;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.rotate.ClientDelivery;

import java.util.function.Consumer;

/** Patroni as the client rotations carry through: {@link PatroniDelivery} behind the rotations' {@link ClientDelivery}. */
public final class PatroniClients implements ClientDelivery {
    private final PatroniDelivery delivery;
    private final Reporter reporter;

    /** The inventory's Patroni hosts (none is fine: then every hook does nothing), reporting to {@code progress}. */
    public static PatroniClients of(Inventory inventory, Hosts hosts, PkiStore store, Consumer<String> progress) {
        return new PatroniClients(new PatroniDelivery(inventory, hosts, store, new Secrets()), progress);
    }

    public PatroniClients(PatroniDelivery delivery, Consumer<String> progress) {
        this(delivery, Reporter.lines(progress));
    }

    public PatroniClients(PatroniDelivery delivery, Reporter reporter) {
        this.delivery = delivery;
        this.reporter = reporter;
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

    /** Every running Patroni still answers and has reached etcd since the member came back (see {@link PatroniDelivery#awaitReachedEtcd}). */
    @Override
    public void afterMember(String member) {
        if (delivery.any()) {
            delivery.awaitReachedEtcd(member + " restarted", reporter);
        }
    }
}
