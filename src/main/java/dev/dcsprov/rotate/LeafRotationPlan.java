package dev.dcsprov.rotate;

import dev.dcsprov.cluster.RollingPlan;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.render.RemotePaths;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The plan of a leaf rotation ({@code rotate-certs}), from the facts {@link CertRotation#plan} read. Pure. */
final class LeafRotationPlan {
    private LeafRotationPlan() {
    }

    /**
     * @param members     every member, in inventory order
     * @param leader      the member that leads now
     * @param issue       a new set is issued (else an interrupted rotation is continued)
     * @param pending     the members to roll
     * @param localFiles  what is issued in the local PKI: whose certificate (member, admin, client) -> its file
     * @param adminTargets hosts that get dcsprov's admin certificate
     * @param patroni     Patroni hosts are carried through
     */
    record Facts(String cluster, List<String> members, String leader, boolean issue, List<String> pending,
                 Optional<String> interrupted, Map<String, String> localFiles, List<String> adminTargets, RemotePaths paths,
                 boolean patroni) {
    }

    static OperationPlan of(Facts f) {
        List<String> notes = new ArrayList<>();
        notes.add("the cluster is healthy; " + (f.leader().isEmpty() ? "no leader known" : f.leader() + " leads"));
        if (!f.issue()) {
            notes.add("continuing an interrupted rotation: "
                    + (f.pending().isEmpty() ? "" : String.join(", ", f.pending()) + " still carry their previous certificate")
                    + f.interrupted().map(m -> (f.pending().isEmpty() ? "" : "; ") + m + " was left mid-step and goes first").orElse("")
                    + " (nothing new is issued)");
        }
        List<Change> steps = new ArrayList<>();
        if (f.issue()) {
            f.localFiles().forEach((whose, file) -> steps.add(OperationPlan.sensitive(OperationPlan.LOCAL, "pki", Action.UPDATE, file,
                    "a new key and certificate for " + whose + " from the same CA; the old pair goes to the PKI archive")));
        }
        for (String h : f.adminTargets()) {
            steps.add(OperationPlan.sensitive(h, "file", Action.UPDATE, f.paths().adminCert() + " " + f.paths().adminKey(),
                    "dcsprov's admin client certificate; no restart: etcd checks client certificates at each handshake"));
        }
        if (f.patroni()) {
            steps.add(OperationPlan.sensitive("patroni hosts", "patroni", Action.UPDATE, "client certificates",
                    "each Patroni host whose material differs from the local PKI gets it before any member restarts"));
        }
        RollingPlan.steps(steps, RollingPlan.todo(f.members(), f.pending(), f.interrupted()), f.leader(), f.members(),
                m -> List.of(OperationPlan.sensitive(m, "file", Action.UPDATE, f.paths().serverCert() + " " + f.paths().serverKey(),
                        "its certificate and key from the local PKI, replaced together; the old pair goes to "
                                + f.paths().certDir() + "/archive/<time>/")));
        return new OperationPlan("rotate-certs", f.cluster(), f.members(), steps, notes);
    }
}
