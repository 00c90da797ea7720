package dev.dcsprov.patroni;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.rotate.ClientDelivery;

import java.util.Map;
import java.util.function.Consumer;

/** Patroni as the client rotations carry through: {@link PatroniDelivery} behind the rotations' {@link ClientDelivery}. */
public final class PatroniClients implements ClientDelivery {
    private final PatroniDelivery delivery;
    private final Reporter reporter;

    public PatroniClients(PatroniDelivery delivery, Consumer<String> progress) {
        this.delivery = delivery;
        this.reporter = Reporter.lines(progress);
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

    /** Every running Patroni still answers and still reaches etcd. */
    @Override
    public void afterMember(String member) {
        if (!delivery.any()) {
            return;
        }
        Map<String, PatroniFacts> facts = delivery.read();
        facts.forEach((host, f) -> {
            if (f.unitActive() && f.patroni().isEmpty()) {
                throw new DcsprovException(ExitCode.HOST_FAILED, "Patroni on " + host + " stopped answering after " + member + " restarted",
                        f.restError(), "see 'journalctl -u patroni' on " + host + "; the rotation stopped here, run it again once Patroni is back");
            }
        });
    }
}
