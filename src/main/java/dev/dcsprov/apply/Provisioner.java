package dev.dcsprov.apply;

import dev.dcsprov.pki.MemberCertificates;
import dev.dcsprov.pki.HostMaterial;
import dev.dcsprov.auth.AuthConvergence;
import dev.dcsprov.backup.ScheduledSnapshots;
import dev.dcsprov.cluster.ClusterCondition;
import dev.dcsprov.cluster.FactsHealth;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.PhaseTimer;
import dev.dcsprov.cluster.Recap;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.membership.MembershipChanges;
import dev.dcsprov.membership.MembershipPlan;
import dev.dcsprov.membership.MembershipPlanner;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.Shell;
import dev.dcsprov.ExitCode;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.EtcdctlCluster;
import dev.dcsprov.cluster.HealthGate;
import dev.dcsprov.cluster.RollingRestart;
import dev.dcsprov.facts.FactsProbe;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.patroni.PatroniClients;
import dev.dcsprov.patroni.PatroniDelivery;
import dev.dcsprov.patroni.PatroniFacts;
import dev.dcsprov.patroni.PatroniSteps;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.HostPlan;
import dev.dcsprov.plan.Plan;
import dev.dcsprov.render.EtcdConfigRenderer;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.steps.FileStep;


import java.time.Duration;

import static dev.dcsprov.cluster.HealthGate.MEMBER_TIMEOUT;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one orchestrator of apply and plan: facts from every member, certificates, a frozen plan,
 * then per-host changes in parallel and cluster-wide changes one member at a time, each gated on
 * cluster health. plan is apply without the last two stages.
 */
public final class Provisioner {
    static final Duration BOOTSTRAP_TIMEOUT = Duration.ofSeconds(90);

    private final Inventory inventory;
    private final ClusterSettings cluster;
    private final RemotePaths paths;
    private final ConnectedHosts hosts;
    private final MemberCertificates pki;
    private final Reporter reporter;
    private final boolean removeAbsentMembers;
    /** --limit: the members that get file changes and restarts; empty for all. Health gates still look at every member. */
    private java.util.Set<String> limit = java.util.Set.of();
    /** Where membership changes record their steps first; none unless {@link #journaled}. */
    private dev.dcsprov.journal.Journal journal = dev.dcsprov.journal.Journal.none();
    /** The move to the etcd version of the inventory's source, run last; none unless {@link #movingVersionWith}. */
    private VersionMove versionMove = VersionMove.NONE;
    private dev.dcsprov.journal.Journal patroniJournal = dev.dcsprov.journal.Journal.none();
    /** The members health gates look at: all of them, except hosts still to join. */
    private List<Host> gateMembers;

    public Provisioner(Inventory inventory, ConnectedHosts hosts, MemberCertificates pki, Reporter reporter) {
        this(inventory, hosts, pki, reporter, false);
    }

    /** @param removeAbsentMembers remove cluster members the inventory does not list (apply --remove-absent-members) */
    public Provisioner(Inventory inventory, ConnectedHosts hosts, MemberCertificates pki, Reporter reporter, boolean removeAbsentMembers) {
        this.removeAbsentMembers = removeAbsentMembers;
        this.inventory = inventory;
        this.cluster = inventory.cluster();
        this.paths = RemotePaths.of(cluster);
        this.hosts = hosts;
        this.pki = pki;
        this.reporter = reporter;
    }

    /**
     * Restricts file changes and restarts to these members (--limit); facts are still read from, and health gates
     * still look at, every member. A bootstrap, membership changes and auth changes concern the whole cluster:
     * a limited apply refuses the first two unless the limit covers them, and leaves auth for a run without --limit.
     */
    public Provisioner limitedTo(java.util.Set<String> members) {
        this.limit = java.util.Set.copyOf(members);
        return this;
    }

    /** Membership changes record each step in this journal before doing it, so the next run finishes a killed one. */
    public Provisioner journaled(dev.dcsprov.journal.Journal journal) {
        this.journal = journal;
        return this;
    }

    /** With etcd from a named release or a tarball: apply moves the members to that version last, as 'dcsprov upgrade'. */
    public Provisioner movingVersionWith(VersionMove move) {
        this.versionMove = move;
        return this;
    }

    /** Patroni's delivery records each step in this journal ({@link dev.dcsprov.patroni.PatroniResume}); the next apply finishes a killed one. */
    public Provisioner deliveringWith(dev.dcsprov.journal.Journal patroniJournal) {
        this.patroniJournal = patroniJournal;
        return this;
    }

    private boolean inLimit(String host) {
        return limit.isEmpty() || limit.contains(host);
    }

    /** Runs plan (apply=false) or apply; returns how the run ended. */
    public ExitCode run(boolean apply) {
        PhaseTimer timer = new PhaseTimer();
        AuthConvergence auth = new AuthConvergence(inventory, paths, hosts, new dev.dcsprov.auth.Secrets()); // secrets first
        Map<String, HostFacts> facts = hosts.eachInParallel(inventory.members(), (h, c) -> FactsProbe.gather(c, factsRequest()));
        timer.mark("facts");
        // Patroni hosts are checked before anything changes anywhere: a host not ready stops the run here.
        PatroniDelivery patroni = new PatroniDelivery(inventory, hosts, pki.store(), new dev.dcsprov.auth.Secrets())
                .journaled(patroniJournal, "apply");
        Map<String, PatroniFacts> patroniFacts = patroni.any() ? patroni.preflight() : Map.of();
        ClusterCondition condition = ClusterCondition.assess(inventory, facts, paths.configFile());
        String state = condition == ClusterCondition.BOOTSTRAP ? "new" : "existing";
        EtcdConfigRenderer renderer = new EtcdConfigRenderer(cluster.templateDir());
        MembershipPlanner membershipPlanner = new MembershipPlanner(inventory, paths);
        MembershipPlan membership = condition == ClusterCondition.BOOTSTRAP ? MembershipPlan.none()
                : membershipPlanner.plan(facts, membershipPlanner.read(facts, hosts), removeAbsentMembers,
                        dev.dcsprov.membership.MembershipResume.interruptedJoin(journal.interrupted()));
        timer.mark("membership");
        if (apply && condition == ClusterCondition.BOOTSTRAP) {
            // before any certificate is made, locally or remotely: a limited bootstrap is refused with nothing done
            refuseOutsideLimit(condition, membership, List.of());
        }
        if (apply) {
            // Before any certificate is issued locally: a refused run must leave the PKI dir as it was.
            membership.refuseAbsentUnlessAsked(inventory.file().toString());
        }
        MembershipChanges membershipChanges = new MembershipChanges(inventory, paths, membership, hosts, renderer, reporter, journal);
        gateMembers = membershipChanges.settled();

        // Before any certificate is made, locally or remotely: the local CA must be one the members trust.
        byte[] localCa = pki.trustedCaOrEmpty();
        for (Host h : condition == ClusterCondition.BOOTSTRAP ? List.<Host>of() : inventory.members()) {
            TrustAnchorGuard.check(h.name(), facts.get(h.name()).deployedCa(), localCa, cluster.pkiDir().toString());
        }
        Map<String, HostPlan> hostPlans = new LinkedHashMap<>();
        for (Host h : inventory.members().stream().filter(h -> inLimit(h.name())).toList()) {
            HostMaterial material = pki.materialFor(h, facts.get(h.name()), apply);
            String config = renderer.render(inventory, h, membership.joiner(h)
                    .map(MembershipPlan.Joiner::initialCluster).orElse(inventory.initialCluster()), state);
            hostPlans.put(h.name(), new HostPlanner(cluster, paths).plan(h, facts.get(h.name()), material, config));
        }
        List<String> clientNotes = pki.applicationClients(inventory.auth().users().values(), apply);
        Map<String, List<Change>> patroniChanges = patroni.plan(patroniFacts);
        addPatroni(hostPlans, patroniChanges);
        timer.mark("certificates, steps");
        List<Change> clusterChanges = new ArrayList<>(condition == ClusterCondition.BOOTSTRAP
                ? bootstrapChanges(renderer)
                : convergeChanges(facts, hostPlans, membership));
        List<Change> outsideLimit = clusterChanges.stream().filter(c -> !inLimit(c.host())).toList();
        clusterChanges.removeAll(outsideLimit);
        List<Change> memberChanges = new ArrayList<>(membership.changes());
        memberChanges.addAll(membershipChanges.finalConfigChanges());
        clusterChanges.addAll(memberChanges);
        var authPlan = auth.plan(facts, condition == ClusterCondition.BOOTSTRAP);
        timer.mark("auth");
        List<String> notes = planNotes(condition);
        boolean authLeftOut = !limit.isEmpty() && !authPlan.changes().isEmpty();
        if (!limit.isEmpty()) {
            notes.add("--limit: only " + String.join(", ", hostPlans.keySet()) + " get changes and restarts; "
                    + "health gates still look at every member"
                    + (authLeftOut ? "; users, roles and auth are cluster-wide and are left for a run without --limit" : ""));
        }
        notes.addAll(membership.notes());
        notes.addAll(authPlan.notes());
        notes.addAll(clientNotes);
        notes.addAll(versionNotes(facts));
        List<Change> versionChanges = versionChanges(condition, notes);
        // Users, roles and auth come last: they need the cluster healthy with its final membership.
        Plan plan = new Plan(cluster.name(), List.copyOf(hostPlans.values()),
                java.util.stream.Stream.of(clusterChanges.stream(), authLeftOut ? java.util.stream.Stream.<Change>empty()
                        : authPlan.changes().stream(), versionChanges.stream()).flatMap(c -> c).toList(), notes);
        reporter.plan(plan);
        timer.mark("plan shown");
        if (!apply) {
            return ExitCode.OK;
        }
        refuseOutsideLimit(condition, membership, outsideLimit);

        // Patroni's files go last, once users, roles and the membership are final.
        Map<String, String> failures = hosts.applyInParallel(plan.hosts().stream().map(Provisioner::withoutPatroni).toList(), reporter);
        timer.mark("host changes");
        if (failures.isEmpty()) {
            try {
                if (condition == ClusterCondition.BOOTSTRAP) {
                    // Preflight: a slow disk makes a cluster that elects leaders under load; say so with the figure.
                    hosts.eachInParallel(inventory.members(), (h, c) -> DiskLatency.p99Millis(c, cluster.dataDir()))
                            .forEach((host, p99) -> reporter.progress(DiskLatency.report(host, cluster.dataDir(), p99)));
                    bootstrap(clusterChanges);
                } else {
                    membershipChanges.promoteLearners(memberChanges);
                    rollOut(clusterChanges.stream().filter(c -> !memberChanges.contains(c)).toList(),
                            new PatroniClients(patroni, reporter, gateMembers.size()).afterEachMember());
                    membershipChanges.joinAndRemove(memberChanges);
                }
                if (clusterChanges.isEmpty()) {
                    // Nothing was restarted, so no health gate ran: the members' own answers in the facts decide.
                    FactsHealth.require(inventory, facts);
                }
                timer.mark("cluster changes");
                if (!authLeftOut) {
                    auth.apply(reporter);
                }
                patroni.run(patroniChanges, reporter);
                if (movesVersion()) {
                    // Last: the cluster is converged and healthy, Patroni has its material; the upgrade reads it afresh.
                    versionMove.run();
                }
            } catch (DcsprovException e) {
                reporter.recap(recap(plan, failures));
                throw e;
            }
        }
        reporter.recap(recap(plan, failures));
        return failures.isEmpty() ? ExitCode.OK : ExitCode.HOST_FAILED;
    }

    /** A Patroni host that is a member gets its Patroni changes after its own; any other gets a plan of its own. */
    private static void addPatroni(Map<String, HostPlan> plans, Map<String, List<Change>> patroni) {
        patroni.forEach((host, changes) -> {
            HostPlan p = plans.get(host);
            if (p == null) {
                plans.put(host, new HostPlan(host, changes, changes.isEmpty() ? List.of("Patroni's etcd material is up to date") : List.of()));
            } else {
                List<Change> all = new ArrayList<>(p.changes());
                all.addAll(changes);
                List<String> unchanged = new ArrayList<>(p.unchanged());
                if (changes.isEmpty()) {
                    unchanged.add("Patroni's etcd material is up to date");
                }
                plans.put(host, new HostPlan(host, all, unchanged));
            }
        });
    }

    private static HostPlan withoutPatroni(HostPlan p) {
        return new HostPlan(p.host(), p.changes().stream().filter(c -> !c.step().equals(PatroniSteps.STEP)).toList(), p.unchanged());
    }

    /** A limited apply never changes the cluster as a whole behind the back of the members it leaves out. */
    private void refuseOutsideLimit(ClusterCondition condition, MembershipPlan membership, List<Change> outsideLimit) {
        if (limit.isEmpty()) {
            return;
        }
        List<String> left = inventory.members().stream().map(Host::name).filter(n -> !inLimit(n)).toList();
        if (left.isEmpty()) {
            return; // a limit that selects every member is no limit
        }
        String why = null;
        if (condition == ClusterCondition.BOOTSTRAP) {
            why = "a new cluster is bootstrapped on all members at once";
        } else if (!membership.absent().isEmpty() && removeAbsentMembers) {
            why = "removing members the inventory no longer lists changes the cluster as a whole";
        } else if (membership.joiners().stream().anyMatch(j -> !inLimit(j.host().name()))) {
            why = "a member outside the limit would join the cluster";
        } else if (membership.promotions().stream().anyMatch(h -> !inLimit(h.name()))) {
            why = "a learner outside the limit would be promoted";
        } else if (outsideLimit.stream().anyMatch(c -> c.action() == Action.START)) {
            why = "etcd is not running on " + String.join(", ", outsideLimit.stream().filter(c -> c.action() == Action.START)
                    .map(Change::host).toList()) + ", outside the limit";
        }
        if (why != null) {
            throw new DcsprovException(ExitCode.UNSAFE, "refused with --limit: " + why,
                    "--limit restricts file changes and restarts to some members; it never changes membership, bootstraps "
                            + "or starts members it leaves out (" + String.join(", ", left) + "). Nothing was changed.",
                    "run apply without --limit (or with a limit that includes those members)");
        }
    }

    private FactsProbe.Request factsRequest() {
        List<String> files = new ArrayList<>(List.of(cluster.configDir(), cluster.certDir(), paths.caCert(), paths.serverCert(),
                paths.serverKey(), paths.adminCert(), paths.adminKey(), paths.configFile(), HostPlanner.APT_PROXY_FILE,
                AuthConvergence.envFile(cluster)));
        files.addAll(new ScheduledSnapshots(cluster, paths).files());
        files.addAll(new ScheduledMaintenance(cluster, paths).files());
        return new FactsProbe.Request(files, paths.configFile(), paths.defaultsLink(), cluster.dataDir(),
                "https://127.0.0.1:" + cluster.clientPort(), paths.caCert(), paths.adminCert(), paths.adminKey(),
                List.of(HostPlanner.restartMarker(cluster)));
    }

    /** With etcd from elsewhere than the distribution: what each member has installed. */
    private List<String> versionNotes(Map<String, HostFacts> facts) {
        if (cluster.etcdSource().isDistribution()) {
            return List.of();
        }
        List<String> installed = inventory.members().stream().filter(h -> facts.get(h.name()) != null
                        && facts.get(h.name()).hasPackage("etcd-server"))
                .map(h -> h.name() + " etcd-server " + facts.get(h.name()).packages().get("etcd-server")).toList();
        if (installed.isEmpty()) {
            return List.of();
        }
        return List.of("etcd comes from " + cluster.etcdSource().describe() + "; installed: " + String.join(", ", installed)
                + ". apply moves the members to that source's version last, as 'dcsprov upgrade' does (its gates, a verified "
                + "snapshot first, one member at a time); 'dcsprov upgrade --check' shows the same move");
    }

    /** apply moves versions only on the whole cluster, and only for a source the inventory names. */
    private boolean movesVersion() {
        return !cluster.etcdSource().isDistribution() && limitCoversAll();
    }

    private boolean limitCoversAll() {
        return limit.isEmpty() || inventory.members().stream().allMatch(h -> inLimit(h.name()));
    }

    /**
     * The version move as plan changes (one per member that moves, run after everything else), or a note saying why
     * there is none now. A new cluster starts on the distribution's etcd (a tarball's binaries need its unit and user).
     */
    private List<Change> versionChanges(ClusterCondition condition, List<String> notes) {
        if (cluster.etcdSource().isDistribution()) {
            return List.of();
        }
        if (!limitCoversAll()) {
            notes.add("--limit: a move to the etcd version of " + cluster.etcdSource().describe()
                    + " is cluster-wide and is left for a run without --limit (or 'dcsprov upgrade')");
            return List.of();
        }
        if (condition == ClusterCondition.BOOTSTRAP) {
            if (cluster.etcdSource().tarball().isPresent()) {
                notes.add("the new cluster starts on the distribution's etcd; apply then moves it to the tarball's version, "
                        + "as 'dcsprov upgrade' does");
            }
            return List.of();
        }
        try {
            return versionMove.plan().stream().map(m -> new Change(m.member(), "etcd-version", Action.UPDATE, "etcd",
                    "runs " + m.runs() + ", will run " + m.willRun() + " (after every other change; 'dcsprov upgrade' gates, "
                            + "a verified snapshot first, one member at a time, leader last)", "", false, true, List.of())).toList();
        } catch (DcsprovException refused) {
            notes.add("the move to the etcd version of " + cluster.etcdSource().describe() + " is refused now: " + refused.summary()
                    + (refused.fix().map(f -> " (" + f + ")").orElse("")) + "; apply makes its other changes, then tries it again");
            return List.of();
        }
    }

    private List<String> planNotes(ClusterCondition condition) {
        List<String> notes = new ArrayList<>(inventory.warnings());
        if (condition == ClusterCondition.BOOTSTRAP) {
            notes.add("no member holds data: a new cluster '" + cluster.name() + "' will be bootstrapped on "
                    + inventory.members().size() + " members");
        }
        return notes;
    }

    // ---- bootstrap -------------------------------------------------------------------------------

    private List<Change> bootstrapChanges(EtcdConfigRenderer renderer) {
        List<Change> changes = new ArrayList<>();
        for (Host h : inventory.members()) {
            changes.add(new Change(h.name(), "service", Action.START, "etcd", "bootstrap: all members start together with state new",
                    "", false, false, List.of(RemoteCommand.of("systemctl enable --quiet etcd && systemctl start --no-block etcd"))));
        }
        for (Host h : inventory.members()) {
            String existing = renderer.render(inventory, h, inventory.initialCluster(), "existing");
            changes.add(new Change(h.name(), "file", Action.UPDATE, paths.configFile(),
                    "once healthy: ETCD_INITIAL_CLUSTER_STATE=existing, so a later start never tries to bootstrap again",
                    "", false, false, List.of(FileStep.writeCommand(HostPlanner.configFile(paths, existing, false)))));
        }
        return changes;
    }

    private void bootstrap(List<Change> changes) {
        List<Change> starts = changes.stream().filter(c -> c.action() == Action.START).toList();
        // Type=notify: a member's start only returns once it has quorum, so all start at once.
        Map<String, String> failed = hosts.runInParallel(starts, reporter);
        if (!failed.isEmpty()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "etcd did not start on " + String.join(", ", failed.keySet()),
                    String.join("\n", failed.values()), "see 'journalctl -u etcd' on those hosts, fix the cause and run apply again");
        }
        reporter.progress("waiting for the new cluster to become healthy");
        gate().await(BOOTSTRAP_TIMEOUT, "after bootstrap");
        reporter.progress("cluster '" + cluster.name() + "' is healthy");
        Map<String, String> finalizeFailed = hosts.runInParallel(changes.stream().filter(c -> c.action() != Action.START).toList(), reporter);
        if (!finalizeFailed.isEmpty()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "could not mark the config 'existing' on " + String.join(", ", finalizeFailed.keySet()),
                    String.join("\n", finalizeFailed.values()), "run apply again");
        }
    }

    // ---- converge an existing cluster ------------------------------------------------------------

    private List<Change> convergeChanges(Map<String, HostFacts> facts, Map<String, HostPlan> plans, MembershipPlan membership) {
        List<Change> changes = new ArrayList<>();
        Optional<String> leader = leaderName(facts);
        // Followers first, the leader last: one leader election instead of one per restart.
        List<Host> order = inventory.members().stream()
                .filter(h -> !membership.joining(h)) // joins start their etcd themselves
                .sorted(Comparator.comparing((Host h) -> leader.filter(h.name()::equals).isPresent())).toList();
        for (Host h : order) {
            HostFacts f = facts.get(h.name());
            if (!f.etcdActive()) {
                changes.add(new Change(h.name(), "service", Action.START, "etcd", "etcd is not running", "", false, false,
                        List.of(RemoteCommand.of("systemctl enable --quiet etcd && systemctl start etcd && rm -f "
                                + Shell.quote(HostPlanner.restartMarker(cluster))).withTimeout(MEMBER_TIMEOUT))));
            } else if (!plans.containsKey(h.name())) {
                continue; // outside --limit: no file changes, so nothing to restart (a stopped etcd above is refused)
            } else if (plans.get(h.name()).restartsEtcd() || f.etcdRunsStaleFiles()) {
                String why = plans.get(h.name()).changes().stream().filter(Change::restartsEtcd).map(Change::subject).distinct()
                        .reduce((a, b) -> a + ", " + b)
                        // An earlier run wrote the files and stopped before this restart: finish it.
                        .orElse("files an interrupted run wrote");
                changes.add(new Change(h.name(), "service", Action.RESTART, "etcd",
                        "to load " + why + (leader.filter(h.name()::equals).isPresent() ? " (leader, last)" : ""), "", false, false,
                        List.of(RemoteCommand.of("systemctl restart etcd && rm -f "
                                + Shell.quote(HostPlanner.restartMarker(cluster))).withTimeout(MEMBER_TIMEOUT))));
            }
        }
        return changes;
    }

    private Optional<String> leaderName(Map<String, HostFacts> facts) {
        for (Host h : inventory.members()) {
            String json = facts.get(h.name()).etcdStatusJson();
            if (!json.isBlank()) {
                for (EndpointStatus s : dev.dcsprov.etcd.EtcdctlJson.endpointStatus(json)) {
                    if (s.isLeader()) {
                        return Optional.of(h.name());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Members whose etcd was not running start first, each followed by a health gate, so the
     * cluster is whole before anyone else goes down; then the restarts go through the one
     * {@link RollingRestart}: followers first, leadership moved off the leader before its restart,
     * each next member only once the cluster is healthy and the restarted one caught up. A host
     * that restarted removes its restart marker, so a re-run does not restart it again.
     */
    private void rollOut(List<Change> changes, RollingRestart.Hooks afterEach) {
        if (changes.isEmpty()) {
            return;
        }
        RollingRestart rolling = rolling(changes);
        for (Change c : changes.stream().filter(c -> c.action() != Action.RESTART).toList()) {
            runOne(c);
            reporter.progress("waiting for " + c.host() + " to rejoin");
            rolling.gate().await(MEMBER_TIMEOUT, "after " + c.action().label() + " of " + c.host());
        }
        List<String> restarts = changes.stream().filter(c -> c.action() == Action.RESTART).map(Change::host).toList();
        if (!restarts.isEmpty()) {
            rolling.run(restarts, afterEach, new RollingRestart.Labels("apply's rolling restart",
                    "run apply again", "its new configuration"));
        }
    }

    private RollingRestart rolling(List<Change> changes) {
        return new RollingRestart(etcd(), ClusterMember.of(gateMembers, cluster), member -> runOne(changes.stream()
                .filter(c -> c.host().equals(member.name()) && c.action() == Action.RESTART).findFirst().orElseThrow()),
                reporter::progress);
    }

    private void runOne(Change c) {
        Map<String, String> failed = hosts.runInParallel(List.of(c), reporter);
        if (!failed.isEmpty()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, c.action().label() + " of etcd failed on " + c.host(),
                    failed.get(c.host()), "see 'journalctl -u etcd' on " + c.host() + "; the other members were not touched, "
                    + "so the cluster keeps quorum. Fix the cause and run apply again");
        }
    }

    private HealthGate gate() {
        return new HealthGate(etcd(), gateMembers.stream().map(h -> h.clientUrl(cluster)).toList());
    }

    private EtcdctlCluster etcd() {
        return EtcdctlCluster.via(hosts.connection(gateMembers.get(0).name()), paths);
    }

    private Recap recap(Plan plan, Map<String, String> failures) {
        List<Recap.HostRecap> rows = new ArrayList<>();
        for (HostPlan hp : plan.hosts()) {
            long clusterChanges = plan.cluster_changes().stream().filter(c -> c.host().equals(hp.host())).count();
            String error = failures.getOrDefault(hp.host(), "");
            rows.add(new Recap.HostRecap(hp.host(), hp.unchanged().size(),
                    error.isEmpty() ? hp.changes().size() + (int) clusterChanges : 0, error.isEmpty() ? 0 : 1, error));
        }
        return new Recap(rows);
    }
}
