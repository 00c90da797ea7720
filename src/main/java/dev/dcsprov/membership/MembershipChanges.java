package dev.dcsprov.membership;

import dev.dcsprov.apply.HostPlanner;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.etcd.Member;
import dev.dcsprov.etcd.RemoteEtcdctl;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.render.EtcdConfigRenderer;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.steps.FileStep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Carries out a {@link MembershipPlan} during apply, one membership change at a time: promote
 * learners an interrupted run left, join new hosts, remove absent members (when asked), then
 * give the joined hosts the same ETCD_INITIAL_CLUSTER as everyone else (no restart). Each step is
 * recorded in the run's journal first; once all are done (or a re-run found nothing left of an
 * interrupted run) the operation is recorded finished.
 */
public final class MembershipChanges {
    private final Inventory inventory;
    private final ClusterSettings cluster;
    private final RemotePaths paths;
    private final MembershipPlan plan;
    private final ConnectedHosts hosts;
    private final EtcdConfigRenderer renderer;
    private final Reporter reporter;
    private final Journal journal;

    public MembershipChanges(Inventory inventory, RemotePaths paths, MembershipPlan plan, ConnectedHosts hosts,
                             EtcdConfigRenderer renderer, Reporter reporter, Journal journal) {
        this.inventory = inventory;
        this.cluster = inventory.cluster();
        this.paths = paths;
        this.plan = plan;
        this.hosts = hosts;
        this.renderer = renderer;
        this.reporter = reporter;
        this.journal = journal;
    }

    /** Inventory members that are voters once the promotions ran: the ones health gates look at. */
    public List<Host> settled() {
        return inventory.members().stream().filter(h -> !plan.joining(h)).toList();
    }

    /** Shown in the plan after the membership changes: joined hosts get the full member list. */
    public List<Change> finalConfigChanges() {
        List<Change> changes = new ArrayList<>();
        for (MembershipPlan.Joiner j : plan.joiners()) {
            String full = renderer.render(inventory, j.host(), inventory.initialCluster(), "existing");
            changes.add(new Change(j.host().name(), "file", Action.UPDATE, paths.configFile(),
                    "after joining: ETCD_INITIAL_CLUSTER lists every inventory member, as on the others (no restart)", "",
                    false, false, List.of(FileStep.writeCommand(HostPlanner.configFile(paths, full, false)))));
        }
        return changes;
    }

    public void promoteLearners(List<Change> shown) {
        List<Host> voters = settled().stream().filter(h -> !plan.promotions().contains(h)).toList();
        for (Host h : plan.promotions()) {
            join().promoteStartedLearner(h, voters, find(shown, h.name(), Action.UPDATE));
        }
    }

    public void joinAndRemove(List<Change> shown) {
        List<Host> voters = new ArrayList<>(settled());
        for (MembershipPlan.Joiner j : plan.joiners()) {
            join().join(j.host(), voters, find(shown, j.host().name(), Action.CREATE), j.moveAsideFirst());
            voters.add(j.host());
        }
        if (plan.removeAbsent()) {
            RemoteEtcdctl etcdctl = new RemoteEtcdctl(hosts.connection(voters.get(0).name()), paths.caCert(), paths.adminCert(), paths.adminKey());
            for (Member m : plan.absent()) {
                Change c = find(shown, MembershipPlan.displayName(m), Action.DELETE);
                reporter.started(c);
                new MemberRemoval(new dev.dcsprov.cluster.EtcdctlCluster(etcdctl), voters.stream().map(h -> h.clientUrl(cluster)).toList(), reporter, journal)
                        .remove(MembershipPlan.displayName(m), Optional.empty(), cluster.dataDir());
                reporter.progress("member " + MembershipPlan.displayName(m) + " removed; its host is not in the inventory, so "
                        + "dcsprov did not touch it: there, stop etcd and move " + cluster.dataDir() + " aside");
                reporter.finished(c, "");
            }
        }
        List<Change> finals = shown.stream().filter(c -> c.step().equals("file") && plan.joining(inventory.member(c.host()).orElseThrow())).toList();
        Map<String, String> failed = hosts.runInParallel(finals, reporter);
        if (!failed.isEmpty()) {
            throw new dev.dcsprov.DcsprovException(dev.dcsprov.ExitCode.HOST_FAILED, "could not update " + paths.configFile()
                    + " on " + String.join(", ", failed.keySet()), String.join("\n", failed.values()), "run apply again");
        }
        if (journal.wroteThisRun() || journal.interrupted().isPresent()) {
            journal.finished(MembershipResume.JOIN);
        }
    }

    private MemberJoin join() {
        return new MemberJoin(hosts, cluster, paths, new MembershipPlanner(inventory, paths),
                (h, initialCluster) -> renderer.render(inventory, h, initialCluster, "existing"), reporter, journal);
    }

    private static Change find(List<Change> shown, String host, Action action) {
        return shown.stream().filter(c -> c.host().equals(host) && c.step().equals("member") && c.action() == action)
                .findFirst().orElseThrow();
    }
}
