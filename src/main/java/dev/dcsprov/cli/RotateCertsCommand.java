package dev.dcsprov.cli;

import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.pki.CertificateInfo;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.plan.OperationPlanText;
import dev.dcsprov.rotate.CaRotation;
import dev.dcsprov.rotate.CertRotation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** dcsprov rotate-certs: new member certificates, rolled out without downtime. */
@Command(name = "rotate-certs", mixinStandardHelpOptions = true,
        description = {"Renews the member certificates (or with --ca the CA itself) without downtime.",
                "It issues new member certificates from the same CA (the old ones go to the PKI archive), pushes them "
                + "and restarts members one at a time: followers first, the leader last after leadership moved away; "
                + "each next member only once the cluster is healthy and the restarted member caught up.",
                "Refuses to start unless every member is healthy. If it stops midway, run it again: it continues with "
                        + "the members that still carry their previous certificate.",
                "With --ca it replaces the CA itself, in three rolling phases, each resumable."})
final class RotateCertsCommand extends InventoryCommand implements TakesLimit {
    @Option(names = "--clients", description = "Also reissue the application client certificates in the PKI dir "
            + "(clients/*; dcsprov's own admin certificate is always rotated in a run without --limit)")
    boolean clients;

    @Option(names = "--ca", description = "Replace the CA itself, in three rolling phases: members trust old and new CA; "
            + "member, admin and client certificates are reissued from the new CA; the old CA is dropped. "
            + "Resumable: a re-run continues the recorded phase ('dcsprov certs' shows it).")
    boolean ca;

    @Option(names = "--stop-after-phase", paramLabel = "N", description = "With --ca: stop after phase N (1-3, default 3), "
            + "e.g. 2 to hand the reissued client certificates to applications before the old CA is dropped")
    int stopAfterPhase = 3;

    @Option(names = "--check", description = "Show the plan (members, order, steps) after the same refusals; "
            + "change nothing, locally or on a host")
    boolean check;

    @Override
    public Integer call() {
        if (ca && (options.limit != null || clients)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--ca rotates every member and every client certificate; it takes neither --limit nor --clients");
        }
        if (stopAfterPhase < 1 || stopAfterPhase > 3 || (!ca && stopAfterPhase != 3)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--stop-after-phase takes 1, 2 or 3, and only with --ca");
        }
        if (ca) {
            return rotateCa();
        }
        Inventory inventory = loadInventory();
        Set<String> limit = limit(inventory);
        PkiStore store = new PkiStore(inventory.cluster().pkiDir());
        boolean json = json();
        List<String> progress = new ArrayList<>();
        long started = System.nanoTime();
        CertRotation.Result result;
        OperationPlan plan;
        if (check) {
            // As apply --check and maintain --check: no run lock, since nothing is changed.
            try (ConnectedHosts hosts = connect(inventory, true)) {
                plan = new CertRotation(inventory, hosts, store, progressTo(progress), journal(inventory, hosts, "rotate-certs", true))
                        .carrying(patroni(inventory, hosts, store, progress, ca ? "rotate-certs-ca" : "rotate-certs")).plan(new CertRotation.Options(limit, clients)).plan();
            }
            return printCheck(plan);
        }
        try (var lock = lockRun(inventory); ConnectedHosts hosts = connect(inventory, true)) {
            lock.onMembers(hosts);
            CertRotation rotation = new CertRotation(inventory, hosts, store, progressTo(progress), journal(inventory, hosts, "rotate-certs", true))
                    .carrying(patroni(inventory, hosts, store, progress, ca ? "rotate-certs-ca" : "rotate-certs"));
            CertRotation.Planned planned = rotation.plan(new CertRotation.Options(limit, clients));
            plan = planned.plan();
            showPlan(plan);
            result = rotation.run(planned);
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("plan", plan);
            doc.put("issued", result.issued());
            doc.put("members", result.members().stream().map(m -> Map.of("member", m.member(), "old_serial", m.oldSerial(),
                    "new_serial", m.newSerial(), "not_after", m.notAfter().toString())).toList());
            doc.put("clients_reissued", result.clientsReissued());
            doc.put("admin_pushed", result.adminPushed());
            doc.put("progress", progress);
            printJson(doc);
        } else {
            out().println();
            out().println("ROTATED");
            for (CertRotation.MemberResult m : result.members()) {
                out().printf("%-16s serial %s -> %s, valid until %s%n", m.member(), m.oldSerial().isEmpty() ? "(none)" : m.oldSerial(),
                        m.newSerial(), m.notAfter());
            }
            if (!result.clientsReissued().isEmpty()) {
                out().println("client certificates reissued in the PKI dir (hand them to their applications): "
                        + String.join(", ", result.clientsReissued()));
            }
            out().printf("done in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
        out().flush();
        return ExitCode.OK.code();
    }

    /** Progress is printed as it happens for people, and collected into the JSON document otherwise. */
    private java.util.function.Consumer<String> progressTo(List<String> collected) {
        return message -> {
            collected.add(message);
            if (!json()) {
                out().println("[cluster] " + message);
                out().flush();
            }
        };
    }

    /** Patroni carried through, each delivery journaled under {@code phase} so the same command finishes a killed one. */
    private dev.dcsprov.rotate.ClientDelivery patroni(Inventory inventory, ConnectedHosts hosts, PkiStore store, List<String> progress,
                                                      String phase) {
        return dev.dcsprov.patroni.PatroniClients.of(inventory, hosts, store, progressTo(progress), patroniJournal(inventory, hosts), phase);
    }

    private Integer rotateCa() {
        Inventory inventory = loadInventory();
        PkiStore store = new PkiStore(inventory.cluster().pkiDir());
        boolean json = json();
        List<String> progress = new ArrayList<>();
        long started = System.nanoTime();
        CaRotation.Result result;
        OperationPlan plan;
        if (check) {
            try (ConnectedHosts hosts = connect(inventory, true)) {
                plan = new CaRotation(inventory, hosts, store, progressTo(progress), journal(inventory, hosts, "rotate-certs-ca", true))
                        .carrying(patroni(inventory, hosts, store, progress, ca ? "rotate-certs-ca" : "rotate-certs")).plan(new CaRotation.Options(stopAfterPhase)).plan();
            }
            return printCheck(plan);
        }
        try (var lock = lockRun(inventory); ConnectedHosts hosts = connect(inventory, true)) {
            lock.onMembers(hosts);
            CaRotation rotation = new CaRotation(inventory, hosts, store, progressTo(progress), journal(inventory, hosts, "rotate-certs-ca", true))
                    .carrying(patroni(inventory, hosts, store, progress, ca ? "rotate-certs-ca" : "rotate-certs"));
            CaRotation.Planned planned = rotation.plan(new CaRotation.Options(stopAfterPhase));
            plan = planned.plan();
            showPlan(plan);
            result = rotation.run(planned);
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("plan", plan);
            doc.put("started", result.started());
            doc.put("phases_run", result.phasesRun().stream().map(p -> p.number()).toList());
            doc.put("finished", result.finished());
            result.ca().ifPresent(c -> doc.put("ca", Map.of("subject", c.subject(), "serial", c.serialHex(),
                    "not_after", c.notAfter().toString())));
            doc.put("clients_reissued", result.clientsReissued());
            doc.put("progress", progress);
            printJson(doc);
        } else {
            out().println();
            if (result.finished()) {
                CertificateInfo c = result.ca().orElseThrow();
                out().printf("CA ROTATED: %s, serial %s, valid until %s%n", c.subject(), c.serialHex(), c.notAfter());
            } else {
                out().println("CA ROTATION PAUSED after phase " + stopAfterPhase + "; run rotate-certs --ca again to continue");
            }
            if (!result.clientsReissued().isEmpty()) {
                out().println("client certificates reissued from the new CA (hand them to their applications): "
                        + String.join(", ", result.clientsReissued()));
            }
            out().printf("done in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
        out().flush();
        return ExitCode.OK.code();
    }
}
