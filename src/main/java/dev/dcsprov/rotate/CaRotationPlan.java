package dev.dcsprov.rotate;

import dev.dcsprov.cluster.RollingPlan;
import dev.dcsprov.pki.CaRotationPhase;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.render.RemotePaths;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The plan of a CA rotation ({@code rotate-certs --ca}) from the recorded phase on, from the facts {@link CaRotation#plan} read. Pure. */
final class CaRotationPlan {
    private CaRotationPlan() {
    }

    /**
     * @param recorded the phase recorded in the PKI dir (empty: this run starts the rotation)
     * @param phase    the phase this run starts with
     * @param pending  the members still to roll in that phase (later phases roll every member)
     */
    record Facts(String cluster, List<String> members, String leader, Optional<CaRotationPhase> recorded, CaRotationPhase phase,
                 int stopAfter, List<String> pending, Optional<String> interrupted, String pkiDir, RemotePaths paths, boolean patroni) {
    }

    static OperationPlan of(Facts f) {
        List<String> notes = new ArrayList<>();
        notes.add("the cluster is healthy; " + (f.leader().isEmpty() ? "no leader known" : f.leader() + " leads"));
        f.recorded().ifPresent(p -> notes.add("continuing the CA rotation at " + p.describe()));
        if (f.stopAfter() < CaRotationPhase.values().length) {
            notes.add("stops after phase " + f.stopAfter() + " (--stop-after-phase); run rotate-certs --ca again to continue");
        }
        List<Change> steps = new ArrayList<>();
        if (f.recorded().isEmpty()) {
            steps.add(OperationPlan.sensitive(OperationPlan.LOCAL, "pki", Action.CREATE, f.pkiDir() + "/ca-next.crt " + f.pkiDir() + "/ca-next.key",
                    "the new CA; the phase is recorded in " + f.pkiDir() + "/ca-rotation"));
        }
        String leader = f.leader();
        for (CaRotationPhase phase : CaRotationPhase.values()) {
            if (phase.ordinal() < f.phase().ordinal() || phase.number() > f.stopAfter()) {
                continue;
            }
            List<String> todo = RollingPlan.todo(f.members(), phase == f.phase() ? f.pending() : f.members(),
                    phase == f.phase() ? f.interrupted() : Optional.empty());
            String why = phase.describe();
            switch (phase) {
                case TRUST_BOTH -> leader = RollingPlan.steps(steps, todo, leader, f.members(), m -> List.of(OperationPlan.step(m, "file",
                        Action.UPDATE, f.paths().caCert(), why + ": the old and the new CA")));
                case NEW_LEAVES -> {
                    steps.add(OperationPlan.sensitive(OperationPlan.LOCAL, "pki", Action.UPDATE, f.pkiDir() + "/hosts " + f.pkiDir() + "/clients",
                            why + ": every member, admin and client certificate not yet signed by the new CA is reissued from it"));
                    for (String h : f.members()) {
                        steps.add(OperationPlan.sensitive(h, "file", Action.UPDATE, f.paths().adminCert() + " " + f.paths().adminKey(),
                                why + ": dcsprov's admin certificate where it differs; no restart"));
                    }
                    if (f.patroni()) {
                        steps.add(OperationPlan.sensitive("patroni hosts", "patroni", Action.UPDATE, "CA bundle and client certificates",
                                why + ": old + new CA and their client certificate from the new CA, before any member gets one"));
                    }
                    leader = RollingPlan.steps(steps, todo, leader, f.members(), m -> List.of(OperationPlan.sensitive(m, "file",
                            Action.UPDATE, f.paths().serverCert() + " " + f.paths().serverKey(), why + ": its certificate from the new CA")));
                }
                case DROP_OLD -> {
                    leader = RollingPlan.steps(steps, todo, leader, f.members(), m -> List.of(OperationPlan.step(m, "file",
                            Action.UPDATE, f.paths().caCert(), why + ": the new CA only")));
                    steps.add(OperationPlan.step(OperationPlan.LOCAL, "pki", Action.UPDATE, f.pkiDir() + "/ca.crt " + f.pkiDir() + "/ca.key",
                            "the new CA becomes the CA; the old one goes to the PKI archive"));
                }
            }
        }
        return new OperationPlan("rotate-certs --ca", f.cluster(), f.members(), steps, notes);
    }
}
