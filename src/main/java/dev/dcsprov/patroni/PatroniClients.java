package dev.dcsprov.patroni;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.Plan;
import dev.dcsprov.cluster.Recap;
import dev.dcsprov.rotate.ClientDelivery;

import java.util.Map;
import java.util.function.Consumer;

/** Patroni as the client rotations carry through: {@link PatroniDelivery} behind the rotations' {@link ClientDelivery}. */
public final class PatroniClients implements ClientDelivery {
    private final PatroniDelivery delivery;
    private final Reporter reporter;

    public PatroniClients(PatroniDelivery delivery, Consumer<String> progress) {
        this.delivery = delivery;
        this.reporter = new Reporter() {
            @Override
            public void plan(Plan plan) {
            }

            @Override
            public void started(Change change) {
            }

            @Override
            public void finished(Change change, String error) {
                progress.accept("[" + change.host() + "] " + change.action().symbol() + " " + change.subject()
                        + (change.sensitive() ? " (sensitive)" : "") + (error.isEmpty() ? " ... changed" : " ... FAILED: " + error));
            }

            @Override
            public void progress(String message) {
                progress.accept(message);
            }

            @Override
            public void recap(Recap recap) {
            }
        };
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
