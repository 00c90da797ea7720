package dev.dcsprov.patroni;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.Shell;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.auth.Secrets;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.inventory.PatroniHost;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.pki.PkiStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Patroni's etcd client material on every Patroni host: read and checked before any member is touched
 * ({@link #preflight}), planned as changes, delivered, and Patroni reloaded and waited for until it has
 * talked to etcd again ({@link #deliver}). apply, rotate-certs and rotate-certs --ca use it.
 */
public final class PatroniDelivery {
    private final Inventory inventory;
    private final ConnectedHosts hosts;
    private final PkiStore store;
    private final Secrets secrets;
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private Journal journal = Journal.none();
    private String phase = "";

    public PatroniDelivery(Inventory inventory, ConnectedHosts hosts, PkiStore store, Secrets secrets) {
        this.inventory = inventory;
        this.hosts = hosts;
        this.store = store;
        this.secrets = secrets;
    }

    /**
     * Records each step on a Patroni host before it happens ({@link PatroniResume}), so the next run of the same
     * command finishes a delivery killed halfway: the host it left mid-step is reloaded and waited for again.
     *
     * @param journal the journal of {@link PatroniResume#OPERATION}, its host copies in {@link PatroniResume#HOST_JOURNAL}
     * @param phase   the command that delivers (apply, rotate-certs, rotate-certs-ca), as the records name it
     */
    public PatroniDelivery journaled(Journal journal, String phase) {
        this.journal = journal;
        this.phase = phase;
        return this;
    }

    /** The members the inventory lists (a rolling restart of one or two costs quorum, see {@link DcsOutage}). */
    public int memberCount() {
        return inventory.members().size();
    }

    public boolean any() {
        return !inventory.patroni().isEmpty();
    }

    /**
     * Reads every Patroni host and refuses (exit 6, nothing touched) when one lacks its unit or account, has a
     * DCS section of its own in config.yml, or runs Patroni whose REST API does not answer.
     */
    public Map<String, PatroniFacts> preflight() {
        Map<String, PatroniFacts> facts = read();
        for (PatroniHost p : inventory.patroni()) {
            PatroniFacts f = facts.get(p.name());
            if (!f.unitLoaded()) {
                throw refuse(p, "has no systemd unit '" + p.unit() + "'", "Patroni is not installed there, or its unit has another name.",
                        "install Patroni on " + p.name() + " (apt-get install patroni), set dcsprov_patroni_unit to its unit, "
                                + "or take the host out of the Patroni group");
            }
            if (!f.python3()) {
                throw refuse(p, "has no python3", "Patroni runs on python3, and dcsprov asks Patroni's REST API with it on the host.",
                        "install Patroni on " + p.name() + " (apt-get install patroni), or take the host out of the Patroni group");
            }
            if (!f.osUserExists()) {
                throw refuse(p, "has no account '" + p.osUser() + "' for Patroni", "Its client key must belong to the account Patroni runs as.",
                        "set dcsprov_patroni_os_user to the account of " + p.unit() + " (User= in its unit)");
            }
            if (!f.dcsSections().isEmpty()) {
                throw refuse(p, p.configFile() + " has a DCS section of its own: " + String.join(", ", f.dcsSections()),
                        "Patroni would use it instead of, or mixed with, the etcd3 settings dcsprov delivers in " + p.envFile()
                                + " (an etcd: section even wins over etcd3).",
                        "remove the " + String.join("/", f.dcsSections()) + " section from " + p.configFile()
                                + " on " + p.name() + " and run again; dcsprov delivers everything etcd-related");
            }
            if (f.unitActive() && f.patroni().isEmpty()) {
                throw refuse(p, "runs " + p.unit() + " but its REST API does not answer on port " + p.restPort(),
                        f.restError(), "check 'journalctl -u " + p.unit() + "' on " + p.name() + ", or set dcsprov_patroni_rest_port "
                                + "to the port of restapi.listen in " + p.configFile());
            }
        }
        return facts;
    }

    private static DcsprovException refuse(PatroniHost p, String what, String detail, String fix) {
        return new DcsprovException(ExitCode.UNSAFE, "Patroni host " + p.name() + " " + what,
                (detail.isBlank() ? "" : detail.strip() + (detail.strip().endsWith(".") ? " " : ". ")) + "Nothing was changed on any host.", fix);
    }

    public Map<String, PatroniFacts> read() {
        return hosts.eachInParallel(inventory.patroni().stream().map(PatroniHost::host).toList(),
                (h, c) -> PatroniProbe.read(c, patroniHost(h.name())));
    }

    private PatroniHost patroniHost(String name) {
        return inventory.patroni().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** The changes for every Patroni host, from its facts. Material not issued yet (plan before apply) shows without commands. */
    public Map<String, List<Change>> plan(Map<String, PatroniFacts> facts) {
        Map<String, List<Change>> out = new LinkedHashMap<>();
        List<String> hostPorts = inventory.members().stream()
                .map(h -> h.clientUrl(inventory.cluster()).replaceFirst("^https://", "")).toList();
        // Read before this run records a step of its own: then the interrupted run's host is being finished.
        Optional<String> leftMidStep = journal.interruptedMember();
        for (PatroniHost p : inventory.patroni()) {
            Optional<PatroniMaterial> m = material(p);
            String env = PatroniEnvFile.render(p, hostPorts, password(p));
            if (m.isPresent()) {
                out.put(p.name(), PatroniSteps.plan(p, facts.get(p.name()), m.get(), env, leftMidStep.filter(p.name()::equals).isPresent()));
            } else {
                List<Change> changes = new ArrayList<>();
                changes.add(new Change(p.name(), PatroniSteps.STEP, Action.CREATE, p.current(),
                        "CA, client certificate and key of " + p.etcdUser() + " (issued by apply)", "", true, false, List.of()));
                out.put(p.name(), changes);
            }
        }
        return out;
    }

    private String password(PatroniHost p) {
        return passwords.computeIfAbsent(p.etcdUser(), u -> secrets.read(inventory.auth().users().get(u).password().orElseThrow(),
                "etcd user " + u + " (Patroni on " + p.name() + ")"));
    }

    private Optional<PatroniMaterial> material(PatroniHost p) {
        Path cert = store.clientCertificateFile(p.etcdUser());
        Path key = store.clientKeyFile(p.etcdUser());
        if (!Files.exists(cert) || !Files.exists(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new PatroniMaterial(Files.readAllBytes(store.clientTrustFile()), Files.readAllBytes(cert), Files.readAllBytes(key)));
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.PKI, "cannot read the client certificate of " + p.etcdUser(), e.getMessage(),
                    "check the permissions of " + store.directory());
        }
    }

    /** Reads, plans and delivers what changed (a rotation's new CA bundle or client certificate), then waits for Patroni. */
    public void deliver(String why, Reporter reporter) {
        if (!any()) {
            return;
        }
        reporter.progress("Patroni: " + why);
        run(plan(read()), reporter);
    }

    /**
     * Runs planned changes, hosts one at a time (two Patroni nodes of one cluster never reload together),
     * and after a reload waits until that Patroni has talked to etcd again.
     */
    public void run(Map<String, List<Change>> changes, Reporter reporter) {
        boolean delivered = false;
        for (PatroniHost p : inventory.patroni()) {
            List<Change> mine = changes.getOrDefault(p.name(), List.of());
            if (mine.isEmpty()) {
                continue;
            }
            PatroniResume.Steps steps = PatroniResume.Steps.of(mine);
            double before = PatroniProbe.read(hosts.connection(p.name()), p).now();
            if (!steps.files().isEmpty()) {
                journal.begin(phase, p.name(), PatroniResume.FILES);
                runOrThrow(p, steps.files(), reporter, "the link " + p.current() + " points at a whole generation (the previous "
                        + "one unless the failure came after its switch), so Patroni keeps working; fix the cause and run the command again");
            } else {
                reporter.progress("Patroni on " + p.name() + ": the interrupted delivery left it mid-step; reloading it and waiting for it");
            }
            if (!steps.reload().isEmpty()) {
                journal.begin(phase, p.name(), PatroniResume.RELOAD);
                runOrThrow(p, steps.reload(), reporter, "its new files are in place; fix the cause and run the command again, "
                        + "which reloads Patroni there");
                awaitHealthy(p, before, "its reload", reporter);
            }
            journal.done(phase, p.name(), PatroniResume.DONE);
            delivered = true;
        }
        if (delivered || journal.interrupted().isPresent()) {
            journal.finished(phase);
        }
    }

    private void runOrThrow(PatroniHost p, List<Change> changes, Reporter reporter, String fix) {
        Map<String, String> failed = hosts.runInParallel(changes, reporter);
        if (!failed.isEmpty()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "Patroni's etcd material could not be delivered to " + p.name(),
                    failed.get(p.name()), fix);
        }
    }

    /**
     * After a member restarted, before the next one goes down: every running Patroni answers and has talked to
     * etcd since (its next HA loop, at most loop_wait away). Back-to-back member restarts inside one Patroni loop
     * can fail its watch and its DCS reads in a row, and a leader that cannot read the DCS demotes itself.
     */
    public void awaitReachedEtcd(String event, Reporter reporter) {
        Map<String, PatroniFacts> facts = read();
        for (PatroniHost p : inventory.patroni()) {
            PatroniFacts f = facts.get(p.name());
            if (f.unitActive() && f.patroni().isEmpty()) {
                throw new DcsprovException(ExitCode.HOST_FAILED, "Patroni on " + p.name() + " stopped answering after " + event,
                        f.restError(), "see 'journalctl -u " + Shell.quote(p.unit()) + "' on " + p.name()
                        + "; the run stopped here, run it again once Patroni is back");
            }
            if (f.unitActive() && (f.dcsLastSeen() == 0 || f.now() - f.dcsLastSeen() > f.ttl())) {
                // Not in touch with etcd before this restart either (e.g. still on a certificate the gateway refuses,
                // which this run's delivery replaces at its end): no leadership of its depends on this cluster now.
                reporter.progress("Patroni on " + p.name() + " has not reached etcd for longer than its ttl; not waiting for it");
            } else if (f.unitActive()) {
                awaitHealthy(p, f.now(), event, reporter, f);
            }
        }
    }

    /** Until Patroni answers, runs, and has talked to etcd after {@code since} (host clock), e.g. with its new files. */
    void awaitHealthy(PatroniHost p, double since, String after, Reporter reporter) {
        awaitHealthy(p, since, after, reporter, PatroniProbe.read(hosts.connection(p.name()), p));
    }

    /** As above, starting from facts just read (no second probe of the same moment). */
    private void awaitHealthy(PatroniHost p, double since, String after, Reporter reporter, PatroniFacts first) {
        PatroniFacts f = first;
        Duration limit = Duration.ofSeconds(Math.max(60, f.ttl() + 3L * f.loopWait()));
        long end = System.nanoTime() + limit.toNanos();
        reporter.progress("waiting for Patroni on " + p.name() + " to talk to etcd after " + after + " (" + f.dcsSettings()
                + "; at most " + limit.toSeconds() + " s)");
        while (true) {
            if (f.patroni().isPresent() && f.state().equals("running") && f.dcsLastSeen() >= since) {
                reporter.progress("Patroni on " + p.name() + " is " + f.role() + ", running, and reached etcd");
                return;
            }
            if (System.nanoTime() > end) {
                throw new DcsprovException(ExitCode.HOST_FAILED, "Patroni on " + p.name() + " did not reach etcd within "
                        + limit.toSeconds() + " s after " + after, "state '" + f.state() + "', last reached etcd "
                        + (f.dcsLastSeen() == 0 ? "never" : String.format("%.0f s before that", since - f.dcsLastSeen()))
                        + (f.restError().isEmpty() ? "" : "; " + f.restError()),
                        "see 'journalctl -u " + Shell.quote(p.unit()) + "' on " + p.name() + "; the previous generation is kept in "
                                + p.tlsDir() + ": point " + p.current() + " back at it if needed");
            }
            Shell.pause(1000);
            f = PatroniProbe.read(hosts.connection(p.name()), p);
        }
    }
}
