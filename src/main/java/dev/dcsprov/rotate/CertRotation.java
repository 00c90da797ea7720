package dev.dcsprov.rotate;

import dev.dcsprov.steps.Ownership;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.pki.MemberCertificates;
import dev.dcsprov.cluster.ClusterHealth;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.EtcdctlCluster;
import dev.dcsprov.cluster.HealthGate;
import dev.dcsprov.cluster.ResumeGate;
import dev.dcsprov.cluster.RollingRestart;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.facts.FactsProbe;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.pki.CertificateInfo;
import dev.dcsprov.pki.HostCertificateRequest;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.RemoteCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code dcsprov rotate-certs}: new member certificates from the same CA, pushed and loaded one
 * member at a time by the {@link RollingRestart} (followers first, the leader last after leadership
 * moved away, each step gated on a healthy cluster with the restarted member caught up).
 *
 * <p>Resumable from facts alone: a member whose deployed server certificate differs from the local
 * PKI still has to be done. When any member is in that state the run finishes those and issues
 * nothing; only when every member carries its local certificate does a run issue a new set.
 */
public final class CertRotation {
    static final Duration PRECHECK_TIMEOUT = Duration.ofSeconds(10);

    /** @param limit members to rotate (all when empty); @param clients also reissue application client certificates */
    public record Options(Set<String> limit, boolean clients) {
    }

    /** One member's certificate before and after. */
    public record MemberResult(String member, String oldSerial, String newSerial, Instant notAfter) {
    }

    /** @param issued true when this run issued new certificates, false when it continued an interrupted rotation */
    public record Result(boolean issued, List<MemberResult> members, List<String> clientsReissued, boolean adminPushed) {
    }

    private final Inventory inventory;
    private final ClusterSettings cluster;
    private final RemotePaths paths;
    private final ConnectedHosts hosts;
    private final PkiStore store;
    private final Consumer<String> progress;
    private final Journal journal;
    private ClientDelivery clients = ClientDelivery.NONE;

    public CertRotation(Inventory inventory, ConnectedHosts hosts, PkiStore store, Consumer<String> progress) {
        this(inventory, hosts, store, progress, Journal.none());
    }

    /** @param journal where each step is recorded before it happens, and what an interrupted run left */
    public CertRotation(Inventory inventory, ConnectedHosts hosts, PkiStore store, Consumer<String> progress, Journal journal) {
        this.journal = journal;
        this.inventory = inventory;
        this.cluster = inventory.cluster();
        this.paths = RemotePaths.of(cluster);
        this.hosts = hosts;
        this.store = store;
        this.progress = progress;
    }

    /** The clients (Patroni) this rotation carries through; none by default. */
    public CertRotation carrying(ClientDelivery clients) {
        this.clients = clients;
        return this;
    }

    /** The member an interrupted run left mid-step, which a roll takes first. */
    java.util.Optional<String> journalInterrupted() {
        return journal.interruptedMember();
    }

    ClientDelivery clients() {
        return clients;
    }

    /**
     * What a leaf rotation will do, decided from facts after every refusal: nothing is changed yet, locally
     * or on a host, so a refusal before it (or {@code --check} after it) leaves everything as it was.
     *
     * @param issue   true when this run issues a new set; false when it continues an interrupted rotation
     * @param pending the members to roll (all of the scope when issuing)
     * @param clients application client certificates to reissue (--clients)
     */
    public record Planned(List<Host> scope, boolean all, boolean issue, List<String> pending, List<String> clients,
                          List<CertificateRow> rows, Map<String, String> oldSerials, OperationPlan plan) {
    }

    public Result run(Options options) {
        return run(plan(options));
    }

    /** Reads facts and makes every refusal; changes nothing. */
    public Planned plan(Options options) {
        List<Host> scope = scope(options.limit());
        boolean all = options.limit().isEmpty();
        if (store.caInfo().isEmpty()) {
            throw new DcsprovException(ExitCode.PKI, "there is no CA in " + store.directory(),
                    "rotate-certs renews certificates of a cluster that apply created.", "run dcsprov apply first");
        }
        store.caRotationPhase().ifPresent(phase -> {
            throw new DcsprovException(ExitCode.UNSAFE, "rotate-certs refused: a CA rotation is under way, " + phase.describe(),
                    "New member certificates now depend on which CA the members trust, which that rotation decides. Nothing was changed.",
                    "run 'dcsprov rotate-certs --ca' to finish it (it continues the recorded phase)");
        });
        CertificateSurvey survey = new CertificateSurvey(inventory, hosts, store);
        List<CertificateRow> rows = survey.survey(Instant.now(), 0);
        requireSameCa(rows);
        ClusterHealth health = precheckHealth(gate());
        this.clients.preflight();

        List<CertificateRow> serverRows = rows.stream().filter(r -> r.role().equals("server")
                && scope.stream().anyMatch(h -> h.name().equals(r.host()))).toList();
        List<String> pending = CertificateSelection.notYetDeployed(serverRows);
        Map<String, String> oldSerials = new LinkedHashMap<>();
        serverRows.forEach(r -> oldSerials.put(r.host(), r.deployed().isEmpty() ? "" : r.deployed().get(0).serialHex()));
        // A member the interrupted run left mid-step is still to do, even when its files already match.
        java.util.Optional<String> interrupted = journal.interruptedMember().filter(m -> scope.stream().anyMatch(h -> h.name().equals(m)));
        boolean issue = issuesNewSet(pending, interrupted, journal.interrupted());
        List<String> clients = !issue || !options.clients() ? List.of()
                : store.clientNames().stream().filter(n -> !n.equals(PkiStore.ADMIN_CLIENT)).toList();
        if (issue) {
            pending = scope.stream().map(Host::name).toList();
        }
        List<String> adminTargets = adminTargets(rows, issue && all).stream().map(Host::name).toList();
        List<String> names = inventory.members().stream().map(Host::name).toList();
        String leader = dev.dcsprov.cluster.RollingPlan.leaderName(health, ClusterMember.of(inventory.members(), cluster)).orElse("");
        Map<String, String> localFiles = new LinkedHashMap<>();
        scope.forEach(h -> localFiles.put(h.name(), store.hostCertificateFile(h.memberName()).toString()));
        if (issue && all) {
            localFiles.put("dcsprov's admin client", store.clientCertificateFile(PkiStore.ADMIN_CLIENT).toString());
        }
        clients.forEach(n -> localFiles.put("client " + n, store.clientCertificateFile(n).toString()));
        OperationPlan plan = LeafRotationPlan.of(new LeafRotationPlan.Facts(cluster.name(), names, leader, issue, pending,
                interrupted, localFiles, adminTargets, paths, !inventory.patroni().isEmpty()));
        return new Planned(scope, all, issue, pending, clients, rows, oldSerials, plan);
    }

    /** Carries a plan out: issues (when it says so), installs the admin certificate, rolls the members. */
    public Result run(Planned planned) {
        List<Host> scope = planned.scope();
        boolean all = planned.all();
        List<String> pending = planned.pending();
        if (planned.issue()) {
            if (killedWhileIssuing(journal.interrupted())) {
                progress.accept("the last run was killed while issuing certificates; none of them was deployed: issuing the whole set again");
            }
            journal.mark(LEAF, ISSUING);
            issue(scope, all);
            for (String name : planned.clients()) {
                store.reissueClientCertificate(name, cluster.keyAlgorithm(), cluster.certDays());
            }
            journal.mark(LEAF, "issued");
            progress.accept("issued new certificates for " + String.join(", ", pending)
                    + (all ? " and dcsprov's admin client" : "") + "; the old ones are in " + store.directory().resolve("archive"));
        } else {
            java.util.Optional<String> interrupted = journal.interruptedMember();
            String carry = pending.isEmpty() ? "" : String.join(", ", pending) + " still carry their previous certificate";
            progress.accept("continuing an interrupted rotation: " + carry + interrupted.map(m -> (carry.isEmpty() ? "" : "; ") + m
                    + " was left mid-step and goes first").orElse("") + " (nothing new is issued)");
        }
        boolean adminPushed = pushAdmin(planned.rows(), planned.issue() && all);
        // A new client certificate of the same CA works at once: the clients switch before any member restarts.
        this.clients.deliver("the client certificates as the local PKI has them");
        roll(pending, this::replace, "its new certificate", LEAF);
        journal.finished(LEAF);
        List<MemberResult> results = new ArrayList<>();
        for (Host h : scope) {
            CertificateInfo now = CertificateSurvey.local(store.hostCertificateFile(h.memberName())).get(0);
            results.add(new MemberResult(h.name(), planned.oldSerials().get(h.name()), now.serialHex(), now.notAfter()));
        }
        return new Result(planned.issue(), results, planned.clients(), adminPushed);
    }

    private List<Host> scope(Set<String> limit) {
        List<String> unknown = limit.stream().filter(n -> inventory.member(n).isEmpty()).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new DcsprovException(ExitCode.USAGE, "--limit names hosts that are not members: " + String.join(", ", unknown),
                    "members of group '" + inventory.group() + "': "
                            + String.join(", ", inventory.members().stream().map(Host::name).toList()),
                    "use inventory host names, separated by commas");
        }
        return inventory.members().stream().filter(h -> limit.isEmpty() || limit.contains(h.name())).toList();
    }

    void requireSameCa(List<CertificateRow> rows) {
        List<String> differ = rows.stream().filter(r -> r.role().equals("ca") && r.match() != CertificateRow.Match.MATCH)
                .map(CertificateRow::host).toList();
        if (!differ.isEmpty()) {
            throw new DcsprovException(ExitCode.UNSAFE, "rotate-certs refused: " + String.join(", ", differ)
                    + " do not carry the CA of the local PKI",
                    "New certificates come from " + store.caCertificateFile() + "; members that trust another CA would "
                            + "reject them. Nothing was changed.",
                    "run 'dcsprov apply' so every member carries the local CA (see 'dcsprov certs'), then rotate-certs again");
        }
    }

    ClusterHealth precheckHealth(HealthGate gate) {
        ClusterHealth s;
        try {
            s = new ResumeGate(etcd(), ClusterMember.of(inventory.members(), cluster), gate, dev.dcsprov.cluster.Waiting.REAL)
                    .admit(journal.interruptedMember(), PRECHECK_TIMEOUT, "rotate-certs", "run the same command again").health();
        } catch (ResumeGate.Refusal r) {
            throw r;
        } catch (DcsprovException e) {
            throw new DcsprovException(ExitCode.UNSAFE, "rotate-certs refused: the cluster is not healthy",
                    e.detail().orElse("") + "\nA rolling restart takes one member away at a time; with a member already "
                            + "down that could cost quorum. Nothing was changed.",
                    "bring every member back (systemctl start etcd, or dcsprov apply), check with 'etcdctl endpoint health', "
                            + "then run rotate-certs again");
        }
        if (s.leader().isEmpty()) {
            throw new DcsprovException(ExitCode.UNSAFE, "rotate-certs refused: the cluster has no leader", "Nothing was changed.",
                    "wait for an election, then run rotate-certs again");
        }
        return s;
    }

    private void issue(List<Host> scope, boolean admin) {
        Map<String, HostFacts> facts = hosts.eachInParallel(scope, (h, c) -> FactsProbe.gather(c, factsRequest()));
        for (Host h : scope) {
            store.reissueHostCertificate(HostCertificateRequest.of(h.memberName(),
                    MemberCertificates.sans(h, facts.get(h.name())), cluster.certDays(), cluster.keyAlgorithm()));
        }
        if (admin) {
            store.reissueClientCertificate(PkiStore.ADMIN_CLIENT, cluster.keyAlgorithm(), cluster.certDays());
        }
    }

    /**
     * dcsprov's admin certificate needs no restart: etcd checks client certificates against its CA
     * at each handshake. It goes to every host whose copy differs from the local one.
     */
    boolean pushAdmin(List<CertificateRow> rows, boolean reissued) {
        List<Host> targets = adminTargets(rows, reissued);
        if (targets.isEmpty()) {
            return false;
        }
        IssuedPair admin = pair(store.clientCertificateFile(PkiStore.ADMIN_CLIENT), store.clientKeyFile(PkiStore.ADMIN_CLIENT));
        CertificateSwap swap = new CertificateSwap(paths.adminCert(), paths.adminKey(), Ownership.ETCD_READS.chown(), Ownership.ETCD_READS.mode(),
                Ownership.ROOT_ONLY.chown(), Ownership.ROOT_ONLY.mode());
        Map<String, CommandResult> results = hosts.eachInParallel(targets, (h, c) ->
                c.run(swap.command(admin.cert, admin.key)));
        List<String> failed = results.entrySet().stream().filter(e -> !e.getValue().ok())
                .map(e -> e.getKey() + ": " + e.getValue().stderr().strip()).toList();
        if (!failed.isEmpty()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "could not install the new admin client certificate",
                    String.join("\n", failed) + "\nNo member was restarted; the old admin certificate stays valid.",
                    "fix the cause and run rotate-certs again; it continues where it stopped");
        }
        progress.accept("installed the admin client certificate on " + String.join(", ", targets.stream().map(Host::name).toList()));
        return true;
    }

    /** The hosts whose admin certificate differs from the local one (every host when it is reissued). */
    List<Host> adminTargets(List<CertificateRow> rows, boolean reissued) {
        List<CertificateInfo> local = CertificateSurvey.local(store.clientCertificateFile(PkiStore.ADMIN_CLIENT));
        return inventory.members().stream().filter(h -> reissued || rows.stream().anyMatch(r -> r.host().equals(h.name())
                && r.role().equals("admin") && CertificateSelection.compare(local, r.deployed()) != CertificateRow.Match.MATCH)).toList();
    }

    /**
     * Restarts the pending members through the one {@link RollingRestart}, each after
     * {@code install} put its new files in place (once leadership has moved away from it).
     *
     * @param what what a restarted member now carries, for progress messages ("its new certificate")
     */
    void roll(List<String> pending, Consumer<String> install, String what, String phase) {
        rolling().run(pending, RollingRestart.Hooks.before(m -> install.accept(m.name())).then(clients.afterEachMember()),
                new RollingRestart.Labels("the rotation", "run rotate-certs again with the same options", what),
                new RollingRestart.Resume(journal.interruptedMember(), journal.recorder(phase)));
    }

    /** The journal's phase of a leaf rotation. */
    static final String LEAF = "leaf";
    /** Recorded before the local issuing starts; "issued" once every pair (and every --clients pair) is written. */
    static final String ISSUING = "issuing";

    /**
     * A new set is issued when every member carries its local certificate, or when the last run was killed while
     * issuing: none of that set was deployed yet, and a pair it left half written (the old one archived, the new key
     * without its certificate) must never be pushed, so the whole set is issued again.
     */
    static boolean issuesNewSet(List<String> pending, java.util.Optional<String> interruptedMember,
                                java.util.Optional<dev.dcsprov.journal.JournalEntry> interrupted) {
        return killedWhileIssuing(interrupted) || pending.isEmpty() && interruptedMember.isEmpty();
    }

    static boolean killedWhileIssuing(java.util.Optional<dev.dcsprov.journal.JournalEntry> interrupted) {
        return interrupted.filter(e -> e.phase().equals(LEAF) && e.step().equals(ISSUING)).isPresent();
    }

    void replace(String member) {
        Host h = inventory.member(member).orElseThrow();
        IssuedPair p = pair(store.hostCertificateFile(h.memberName()), store.hostKeyFile(h.memberName()));
        CertificateSwap swap = new CertificateSwap(paths.serverCert(), paths.serverKey(), Ownership.ETCD_READS.chown(), Ownership.ETCD_READS.mode(),
                Ownership.ETCD_READS.chown(), Ownership.ETCD_READS.mode());
        CommandResult r = hosts.connection(member).run(swap.command(p.cert, p.key));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "could not install the new certificate", r.stderr().strip(), "");
        }
    }

    private void restart(ClusterMember member) {
        CommandResult r = hosts.connection(member.name()).run(RemoteCommand.of("systemctl restart etcd").withTimeout(HealthGate.MEMBER_TIMEOUT));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "etcd did not restart", r.stderr().strip(), "");
        }
    }

    private RollingRestart rolling() {
        return new RollingRestart(etcd(), ClusterMember.of(inventory.members(), cluster), this::restart, progress);
    }

    HealthGate gate() {
        return rolling().gate();
    }

    private EtcdctlCluster etcd() {
        return EtcdctlCluster.via(hosts.connection(inventory.members().get(0).name()), paths);
    }

    FactsProbe.Request factsRequest() {
        return new FactsProbe.Request(List.of(paths.serverCert()), paths.configFile(), paths.defaultsLink(), cluster.dataDir(),
                "https://127.0.0.1:" + cluster.clientPort(), paths.caCert(), paths.adminCert(), paths.adminKey(), List.of());
    }

    record IssuedPair(byte[] cert, byte[] key) {
    }

    static IssuedPair pair(java.nio.file.Path cert, java.nio.file.Path key) {
        try {
            return new IssuedPair(Files.readAllBytes(cert), Files.readAllBytes(key));
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.PKI, "cannot read " + cert + " or its key", e.toString(),
                    "check the PKI dir; rotate-certs continues where it stopped once it is readable");
        }
    }

}
