package dev.dcsprov.membership;

import dev.dcsprov.etcd.Member;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The membership changes a run makes, decided from the member list and the inventory before
 * anything changes: learners left by an interrupted run to promote, hosts to join (one at a
 * time, in this order), and members the inventory no longer lists.
 *
 * @param promotions    inventory hosts whose member is a started learner (an earlier run stopped before promote)
 * @param joiners       inventory hosts without data that join the running cluster
 * @param absent        members of the cluster that match no inventory host
 * @param removeAbsent  the user asked to remove the absent members
 */
public record MembershipPlan(List<Host> promotions, List<Joiner> joiners, List<Member> absent, boolean removeAbsent) {

    /**
     * One host to join.
     *
     * @param reuse          a member added earlier (by an interrupted run or by hand) with this host's peer URL, not started yet
     * @param initialCluster ETCD_INITIAL_CLUSTER for its first start: the membership at that moment, itself included
     * @param moveAsideFirst the host's data dir holds what an interrupted run's start of this (still unstarted) member
     *                       left: it is moved aside, never deleted, before etcd starts again
     */
    public record Joiner(Host host, String peerUrl, Optional<Member> reuse, String initialCluster, boolean moveAsideFirst) {
        public Joiner(Host host, String peerUrl, Optional<Member> reuse, String initialCluster) {
            this(host, peerUrl, reuse, initialCluster, false);
        }
    }

    public MembershipPlan {
        promotions = List.copyOf(promotions);
        joiners = List.copyOf(joiners);
        absent = List.copyOf(absent);
    }

    public static MembershipPlan none() {
        return new MembershipPlan(List.of(), List.of(), List.of(), false);
    }

    public boolean joining(Host h) {
        return joiners.stream().anyMatch(j -> j.host().name().equals(h.name()));
    }

    public Optional<Joiner> joiner(Host h) {
        return joiners.stream().filter(j -> j.host().name().equals(h.name())).findFirst();
    }

    /** The membership changes as the plan shows them, in the order they run. */
    public List<Change> changes() {
        List<Change> changes = new ArrayList<>();
        for (Host h : promotions) {
            changes.add(change(h.name(), Action.UPDATE, h.memberName(),
                    "a started learner (an earlier run stopped before promoting it): promote to voter"));
        }
        for (Joiner j : joiners) {
            String how = j.reuse().map(m -> "reuse the unstarted member " + m.idHex() + " added earlier for " + j.peerUrl())
                    .orElse("member add --learner " + j.peerUrl());
            if (j.moveAsideFirst()) {
                how = "move aside (keep) the data dir an interrupted start left, " + how;
            }
            changes.add(change(j.host().name(), Action.CREATE, j.host().memberName(), "join: " + how
                    + ", start with state existing and ETCD_INITIAL_CLUSTER=" + j.initialCluster()
                    + ", wait until caught up, promote to voter"));
        }
        if (removeAbsent) {
            for (Member m : absent) {
                changes.add(change(displayName(m), Action.DELETE, displayName(m), "not in the inventory: "
                        + "check quorum, move the leadership away if it leads, member remove " + m.idHex()));
            }
        }
        return changes;
    }

    /** Notes for the plan: what the run will not do without being asked. */
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (!removeAbsent) {
            for (Member m : absent) {
                notes.add("member " + displayName(m) + " (" + m.idHex() + ", " + String.join(",", m.peerUrls())
                        + ") is not in the inventory; apply --remove-absent-members removes it, "
                        + "or add its host back to the inventory");
            }
        }
        return notes;
    }

    /** apply stops before any change while members the inventory does not list remain and removing them was not asked for. */
    public void refuseAbsentUnlessAsked(String inventoryFile) {
        if (removeAbsent || absent.isEmpty()) {
            return;
        }
        String names = String.join(", ", absent.stream().map(MembershipPlan::displayName).toList());
        throw new dev.dcsprov.DcsprovException(dev.dcsprov.ExitCode.UNSAFE, "the cluster has members the inventory does not list: " + names,
                "dcsprov never removes a member silently. Nothing was changed.",
                "to remove them: dcsprov apply --remove-absent-members " + inventoryFile + " (or dcsprov member remove "
                        + inventoryFile + " NAME); if they belong in the cluster, add their hosts back to the inventory");
    }

    /** A member added but never started has no name yet; its ID stands in. */
    public static String displayName(Member m) {
        return m.started() ? m.name() : "unstarted-" + m.idHex();
    }

    private static Change change(String host, Action action, String member, String reason) {
        return new Change(host, "member", action, member, reason, "", false, false, List.of());
    }
}
