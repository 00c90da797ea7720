package dev.dcsprov.rotate;

import dev.dcsprov.steps.Ownership;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.pki.MemberCertificates;
import dev.dcsprov.cluster.ClusterHealth;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.HealthGate;
import dev.dcsprov.cluster.RollingPlan;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.facts.FactsProbe;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.pki.CaRotationPhase;
import dev.dcsprov.pki.CertificateInfo;
import dev.dcsprov.pki.HostCertificateRequest;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.RemoteCommand;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code dcsprov rotate-certs --ca}: a new CA without downtime, in three rolling phases (see
 * {@link CaRotationPhase}). The phase is recorded in the PKI dir; within a phase, what is left is
 * decided from deployed versus desired fingerprints, so a re-run continues where a run stopped.
 *
 * <p>Why the order is safe: in phase 1 leaves are still old-CA signed, which members trust whether
 * or not they were restarted yet. Phase 2 starts only when every member trusts both CAs, so old
 * and new leaves (and dcsprov's admin certificate) are accepted everywhere. Phase 3 starts only
 * when every leaf is new-CA signed, so dropping the old CA rejects nothing dcsprov deployed.
 */
public final class CaRotation {

    /** @param stopAfter the last phase to run (3 = to the end): lets an operator hand out new client certificates before the old CA goes */
    public record Options(int stopAfter) {
    }

    /** @param started true when this run created the new CA; @param finished true when the rotation is complete */
    public record Result(boolean started, List<CaRotationPhase> phasesRun, boolean finished, Optional<CertificateInfo> ca,
                         List<String> clientsReissued) {
    }

    private final Inventory inventory;
    private final ClusterSettings cluster;
    private final RemotePaths paths;
    private final ConnectedHosts hosts;
    private final PkiStore store;
    private final Consumer<String> progress;
    private final CertRotation rolling;
    private final Journal journal;

    public CaRotation(Inventory inventory, ConnectedHosts hosts, PkiStore store, Consumer<String> progress) {
        this(inventory, hosts, store, progress, Journal.none());
    }

    /** @param journal where each step is recorded before it happens, and what an interrupted run left */
    public CaRotation(Inventory inventory, ConnectedHosts hosts, PkiStore store, Consumer<String> progress, Journal journal) {
        this.journal = journal;
        this.inventory = inventory;
        this.cluster = inventory.cluster();
        this.paths = RemotePaths.of(cluster);
        this.hosts = hosts;
        this.store = store;
        this.progress = progress;
        this.rolling = new CertRotation(inventory, hosts, store, progress, journal);
    }

    /** The clients (Patroni) this rotation carries through: the bundle before phase 2's members, the new CA alone at the end. */
    public CaRotation carrying(ClientDelivery clients) {
        rolling.carrying(clients);
        return this;
    }

    /**
     * What a CA rotation will do from the recorded phase on, decided after every refusal; nothing changed yet.
     *
     * @param started true when this run creates the new CA (no phase recorded)
     */
    public record Planned(Options options, boolean started, OperationPlan plan, boolean onlyDeliveryLeft) {
        public Planned(Options options, boolean started, OperationPlan plan) {
            this(options, started, plan, false);
        }
    }

    /**
     * True when the interrupted run had ended the rotation on every member (phase 3 done, the new CA made the CA, so no
     * phase is recorded any more) and was killed before it recorded {@code finished}: only the clients' delivery of the
     * new CA alone was left. Without this a re-run would start a whole new CA rotation, which nobody asked for and which
     * would leave every application's client certificate signed by a CA the members no longer trust.
     */
    static boolean onlyDeliveryLeft(Optional<CaRotationPhase> recorded, Optional<dev.dcsprov.journal.JournalEntry> interrupted) {
        return recorded.isEmpty() && interrupted.filter(e -> e.phase().equals(CaRotationPhase.DROP_OLD.name())).isPresent();
    }

    public Result run(Options options) {
        return run(plan(options));
    }

    /** Reads facts and makes every refusal; changes nothing, locally or on a host. */
    public Planned plan(Options options) {
        if (store.caInfo().isEmpty()) {
            throw new DcsprovException(ExitCode.PKI, "there is no CA in " + store.directory(),
                    "rotate-certs --ca replaces the CA of a cluster that apply created.", "run dcsprov apply first");
        }
        HealthGate gate = rolling.gate();
        Optional<CaRotationPhase> recorded = store.caRotationPhase();
        if (onlyDeliveryLeft(recorded, journal.interrupted())) {
            rolling.clients().preflight();
            List<String> names = inventory.members().stream().map(Host::name).toList();
            List<dev.dcsprov.plan.Change> steps = inventory.patroni().isEmpty() ? List.of()
                    : List.of(OperationPlan.sensitive("patroni hosts", "patroni", dev.dcsprov.plan.Action.UPDATE, "CA file",
                    "the new CA alone, which the interrupted run did not finish delivering"));
            return new Planned(options, false, new OperationPlan("rotate-certs --ca", cluster.name(), names, steps,
                    List.of("the interrupted run finished the rotation on every member (the new CA is the CA); "
                            + "only the delivery to the clients is left, and no new CA is made")), true);
        }
        boolean started = recorded.isEmpty();
        List<CertificateRow> rows = survey();
        if (started) {
            rolling.requireSameCa(rows);
            List<String> leafPending = rows.stream().filter(r -> !r.role().equals("ca") && r.match() != CertificateRow.Match.MATCH)
                    .map(r -> r.host() + " " + r.role()).toList();
            if (!leafPending.isEmpty()) {
                throw new DcsprovException(ExitCode.UNSAFE, "rotate-certs --ca refused: deployed certificates differ from the local PKI",
                        "Differ: " + String.join(", ", leafPending) + ". A CA rotation starts from a cluster that carries exactly "
                                + "the local certificates. Nothing was changed.",
                        "finish the leaf rotation (dcsprov rotate-certs) or run dcsprov apply, check with 'dcsprov certs', then try again");
            }
        }
        ClusterHealth health = rolling.precheckHealth(gate);
        rolling.clients().preflight();
        CaRotationPhase phase = recorded.orElse(CaRotationPhase.TRUST_BOTH);
        List<String> names = inventory.members().stream().map(Host::name).toList();
        List<String> pending = started ? names : switch (phase) {
            case TRUST_BOTH, DROP_OLD -> rows.stream().filter(r -> r.role().equals("ca") && r.match() != CertificateRow.Match.MATCH)
                    .map(CertificateRow::host).toList();
            case NEW_LEAVES -> names.stream().filter(n -> !store.signedByNewCa(store.hostCertificateFile(inventory.member(n)
                    .orElseThrow().memberName())) || CertificateSelection.notYetDeployed(rows.stream()
                    .filter(r -> r.role().equals("server")).toList()).contains(n)).toList();
        };
        String leader = RollingPlan.leaderName(health, ClusterMember.of(inventory.members(), cluster)).orElse("");
        OperationPlan plan = CaRotationPlan.of(new CaRotationPlan.Facts(cluster.name(), names, leader, recorded, phase,
                options.stopAfter(), pending, rolling.journalInterrupted(), store.directory().toString(), paths,
                !inventory.patroni().isEmpty()));
        return new Planned(options, started, plan);
    }

    /** Carries a plan out: creates the new CA when it says so, then the phases up to --stop-after-phase. */
    public Result run(Planned planned) {
        Options options = planned.options();
        boolean started = planned.started();
        if (planned.onlyDeliveryLeft()) {
            progress.accept("the interrupted run had finished the CA rotation on every member; delivering the new CA to the clients");
            rolling.clients().deliver("the new CA alone, now that no member presents an old-CA certificate");
            journal.finished(CaRotationPhase.DROP_OLD.name());
            return new Result(false, List.of(), true, store.caInfo(), List.of());
        }
        if (started) {
            store.startCaRotation(cluster.name(), cluster.keyAlgorithm(), cluster.caDays());
            journal.mark(CaRotationPhase.TRUST_BOTH.name(), "new-ca");
            progress.accept("created a new CA in " + store.caNextCertificateFile() + " ("
                    + CertificateSurvey.local(store.caNextCertificateFile()).get(0).subject() + ")");
        } else {
            progress.accept("continuing the CA rotation at " + store.caRotationPhase().orElseThrow().describe());
        }
        List<CaRotationPhase> run = new ArrayList<>();
        List<String> clients = new ArrayList<>();
        CaRotationPhase phase = store.caRotationPhase().orElseThrow();
        while (true) {
            if (phase.number() > options.stopAfter()) {
                journal.paused(phase.name());
                progress.accept("stopping before " + phase.describe() + " as asked; run rotate-certs --ca again to continue");
                return new Result(started, run, false, Optional.empty(), clients);
            }
            progress.accept(phase.describe() + ": starting");
            journal.mark(phase.name(), "phase-start");
            switch (phase) {
                case TRUST_BOTH -> rollTrust("the old and the new CA", phase);
                case NEW_LEAVES -> newLeaves(clients);
                case DROP_OLD -> rollTrust("the new CA only", phase);
            }
            run.add(phase);
            progress.accept(phase.describe() + ": done on every member");
            if (phase == CaRotationPhase.DROP_OLD) {
                store.finishCaRotation();
                rolling.clients().deliver("the new CA alone, now that no member presents an old-CA certificate");
                journal.finished(phase.name());
                progress.accept("the new CA is now " + store.caCertificateFile() + "; the old one is in "
                        + store.directory().resolve("archive"));
                return new Result(started, run, true, store.caInfo(), clients);
            }
            phase = CaRotationPhase.values()[phase.ordinal() + 1];
            store.advanceCaRotation(phase);
        }
    }

    /** Phases 1 and 3: each member whose ca.crt is not the phase's trust bundle gets it, then a restart. */
    private void rollTrust(String what, CaRotationPhase phase) {
        byte[] trusted = store.trustedCaPem();
        List<String> pending = survey().stream().filter(r -> r.role().equals("ca") && r.match() != CertificateRow.Match.MATCH)
                .map(CertificateRow::host).toList();
        TrustSwap swap = new TrustSwap(paths.caCert(), Ownership.ETCD_READS.chown(), Ownership.ETCD_READS.mode());
        rolling.roll(pending, member -> {
            CommandResult r = hosts.connection(member).run(swap.command(trusted));
            if (!r.ok()) {
                throw new DcsprovException(ExitCode.HOST_FAILED, "could not install the CA file", r.stderr().strip(), "");
            }
        }, "trust in " + what, phase.name());
    }

    /**
     * Phase 2: every local leaf not signed by the new CA is reissued from it (a re-run reissues
     * nothing already new), dcsprov's admin certificate goes to every host, then members roll.
     */
    private void newLeaves(List<String> clients) {
        Map<String, HostFacts> facts = hosts.eachInParallel(inventory.members(), (h, c) -> FactsProbe.gather(c, rolling.factsRequest()));
        List<String> issued = new ArrayList<>();
        for (Host h : inventory.members()) {
            HostCertificateRequest request = HostCertificateRequest.of(h.memberName(),
                    MemberCertificates.sans(h, facts.get(h.name())), cluster.certDays(), cluster.keyAlgorithm());
            if (!store.signedByNewCa(store.hostCertificateFile(h.memberName())) || store.checkHostCertificate(request, 0).reissue()) {
                store.reissueHostCertificate(request);
                issued.add(h.name());
            }
        }
        for (String name : store.clientNames()) {
            if (!store.signedByNewCa(store.clientCertificateFile(name)) || store.checkClientCertificate(name, cluster.keyAlgorithm(), 0).reissue()) {
                store.reissueClientCertificate(name, cluster.keyAlgorithm(), cluster.certDays());
                if (!name.equals(PkiStore.ADMIN_CLIENT)) {
                    clients.add(name);
                }
                issued.add("client " + name);
            }
        }
        if (!issued.isEmpty()) {
            progress.accept("issued from the new CA: " + String.join(", ", issued));
        }
        if (!clients.isEmpty()) {
            progress.accept("application client certificates reissued in " + store.directory().resolve("clients") + ": "
                    + String.join(", ", clients) + "; hand them to their applications before phase 3, which drops the old CA");
        }
        List<CertificateRow> rows = survey();
        rolling.pushAdmin(rows, false);
        // Before any member presents a new-CA certificate (the clients trust both CAs from here) and long
        // before phase 3 drops the old CA (their own certificate is already from the new one).
        rolling.clients().deliver("old + new CA and the client certificate from the new CA, before any member gets one");
        List<String> pending = CertificateSelection.notYetDeployed(rows.stream().filter(r -> r.role().equals("server")).toList());
        rolling.roll(pending, rolling::replace, "its certificate from the new CA", CaRotationPhase.NEW_LEAVES.name());
    }

    private List<CertificateRow> survey() {
        return new CertificateSurvey(inventory, hosts, store).survey(Instant.now(), 0);
    }
}
