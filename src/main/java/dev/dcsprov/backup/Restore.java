package dev.dcsprov.backup;

import dev.dcsprov.apply.HostPlanner;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.EtcdctlCluster;
import dev.dcsprov.cluster.HealthGate;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.RemoteEtcdctl;
import dev.dcsprov.etcd.SnapshotTool;
import dev.dcsprov.facts.FactsProbe;
import dev.dcsprov.facts.HostFacts;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.OperationPlan;
import dev.dcsprov.render.EtcdConfigRenderer;
import dev.dcsprov.render.RemotePaths;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.ssh.StagedUpload;
import dev.dcsprov.steps.FileStep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static dev.dcsprov.Shell.quote;

/**
 * dcsprov restore: rebuilds the whole cluster from one snapshot. Everything that can be checked is checked
 * before etcd is stopped anywhere (the file's own SHA-256, its recorded checksum, the copy on every member,
 * a trial restore on every member). Then: stop every member, move every data dir aside (never deleted),
 * restore each member with its own name and peer URL, the full initial cluster and a new cluster token,
 * write the config apply would write, start all members together and wait for health.
 *
 * <p>The token: the restored cluster must not be able to talk to members of the old one, so it gets a new
 * token, used by {@code snapshot restore} where it makes the new cluster ID. The config file keeps the
 * inventory's token: etcd reads ETCD_INITIAL_CLUSTER_TOKEN only when it creates a data dir with state
 * "new", never for an existing member or one joining with state "existing", so that line is inert after a
 * restore, and keeping it as apply renders it makes the next apply a no-op. The new token is recorded in
 * {@code <etcd_config_dir>/restore-history} on every member.
 */
public final class Restore {
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Inventory inventory;
    private final ClusterSettings cluster;
    private final RemotePaths paths;
    private final ConnectedHosts hosts;
    private final Consumer<String> progress;
    private Journal journal = Journal.none();

    /** How a member came back. */
    public record MemberResult(String host, String movedAside, long revision, boolean leader) {
    }

    /**
     * @param status   the snapshot's status, from a member's copy (empty when the run finished an interrupted one: no copy)
     * @param finished true when this run finished an interrupted restore of the same snapshot instead of restoring again
     */
    public record Result(Path snapshot, String sha256, Optional<SnapshotStatus> status, String token, long keys,
                         List<MemberResult> members, boolean finished) {
    }

    public Restore(Inventory inventory, ConnectedHosts hosts, Consumer<String> progress) {
        this.inventory = inventory;
        this.cluster = inventory.cluster();
        this.paths = RemotePaths.of(cluster);
        this.hosts = hosts;
        this.progress = progress;
    }

    /** Records each step in {@code journal} ({@link RestoreResume}); a re-run reads it to finish an interrupted run. */
    public Restore journaled(Journal journal) {
        this.journal = journal;
        return this;
    }

    /** Checks the file alone, before any host is contacted. */
    public static String verifyLocally(Path snapshot) {
        if (!Files.isRegularFile(snapshot)) {
            throw new DcsprovException(ExitCode.USAGE, "no snapshot at " + snapshot, "",
                    "give the path of a .db file written by 'dcsprov backup' or 'etcdctl snapshot save'");
        }
        String sha = SnapshotFile.sha256(snapshot);
        LocalBackups.recordedSha256(snapshot).ifPresent(recorded -> {
            if (!recorded.equals(sha)) {
                throw new DcsprovException(ExitCode.USAGE, "the snapshot " + snapshot + " does not match its recorded checksum",
                        "SHA-256 recorded in " + snapshot.getFileName() + ".sha256: " + recorded + "\nSHA-256 of the file: " + sha
                                + "\nNothing was stopped or changed on any host.",
                        "use another backup; this one was changed or damaged after it was taken");
            }
        });
        SnapshotFile.verifyIntegrity(snapshot);
        return sha;
    }

    /**
     * The plan, with what the run needs that the plan fixed (the checksum, the time stamp, the new token, and whether it
     * finishes an interrupted run: then the stamp and token are that run's).
     */
    public record Planned(OperationPlan plan, Path snapshot, String sha256, String stamp, String token, RestoreResume.Decision decision,
                          List<RestoreMemberFacts> facts) {
        public boolean finishes() {
            return decision.kind() == RestoreResume.Kind.FINISH;
        }
    }

    /**
     * Every check that needs no change (the file, every member prepared by apply, not serving unless asked) and the
     * plan: per member the copy and trial restore, then stop, move the data dir aside, restore, config, start.
     * Nothing is copied, stopped or written, here or on a host.
     */
    public Planned plan(Path snapshot, boolean replaceHealthy) {
        String sha = verifyLocally(snapshot);
        checkHostsArePrepared();
        List<RestoreMemberFacts> facts = new ArrayList<>(hosts.eachInParallel(inventory.members(),
                (h, c) -> RestoreMemberFacts.read(c, historyFile())).values());
        RestoreMemberFacts.refuseForeignDropIns(facts, tarballDir());
        RestoreResume.Decision decision = RestoreResume.decide(journal.interrupted(), sha, RestoreMemberFacts.histories(facts));
        List<String> notes = new ArrayList<>();
        notes.add("snapshot " + snapshot + ": SHA-256 " + sha + ", its own trailer checked"
                + (LocalBackups.recordedSha256(snapshot).isPresent() ? " and its recorded .sha256 matches" : " (no recorded .sha256 beside it)"));
        decision.note().ifPresent(notes::add);
        List<RestorePlan.Member> members = inventory.members().stream()
                .map(h -> new RestorePlan.Member(h.name(), h.memberName(), h.peerUrl(cluster))).toList();
        if (decision.kind() == RestoreResume.Kind.FINISH) {
            // Its members hold this snapshot's data, restored by that run: replacing a serving cluster is not what happens.
            RestoreResume.Detail d = decision.finishing().orElseThrow();
            OperationPlan plan = RestorePlan.finishing(new RestorePlan.Facts(cluster.name(), members, cluster.dataDir(), d.stamp(), d.token(),
                    paths.configFile(), historyFile(), notes));
            return new Planned(plan, snapshot, sha, d.stamp(), d.token(), decision, facts);
        }
        notes.add(checkNotServing(replaceHealthy));
        notes.add("each phase runs on every member in parallel, the next only once it succeeded on all; etcd is stopped "
                + "nowhere before the copy and trial restore passed on every member");
        String stamp = STAMP.format(Instant.now());
        String token = cluster.token() + "-restored-" + stamp.toLowerCase(java.util.Locale.ROOT);
        OperationPlan plan = RestorePlan.of(new RestorePlan.Facts(cluster.name(), members, cluster.dataDir(), stamp, token,
                paths.configFile(), historyFile(), notes));
        return new Planned(plan, snapshot, sha, stamp, token, decision, facts);
    }

    private String historyFile() {
        return cluster.configDir() + "/restore-history";
    }

    /** Where the inventory's etcd_tarball runs from on the members, if it names one. */
    private Optional<String> tarballDir() {
        return cluster.etcdSource().tarball()
                .map(t -> dev.dcsprov.upgrade.Tarball.inspect(t, cluster.etcdSource().tarballSha256().orElse("")).installDir());
    }

    public Result run(Path snapshot, boolean replaceHealthy) {
        return run(plan(snapshot, replaceHealthy));
    }

    /** Carries out the plan, phase by phase, each phase's steps on every member in parallel. */
    public Result run(Planned planned) {
        removeStagedCopies(); // left by a run that was killed; the run lock says no other restore uses them
        try {
            journal.detail(new RestoreResume.Detail(planned.sha256(), planned.token(), planned.stamp()).text());
            return planned.finishes() ? finish(planned) : restoreStaged(planned);
        } finally {
            // Success or not: the snapshot copies on the members are ours and no longer needed.
            removeStagedCopies();
        }
    }

    /** Our private staging dirs on every member (root-owned real directories only: /var/tmp is world-writable). */
    static final String REMOVE_STAGED = "for d in /var/tmp/dcsprov-restore.*; do"
            + " if [ -d \"$d\" ] && [ ! -L \"$d\" ] && [ -O \"$d\" ]; then rm -rf -- \"$d\"; fi; done";

    private void removeStagedCopies() {
        for (Host h : inventory.members()) {
            try {
                hosts.connection(h.name()).run(RemoteCommand.of(REMOVE_STAGED));
            } catch (RuntimeException e) {
                progress.accept("could not remove the snapshot copy in /var/tmp on " + h.name() + ": " + e.getMessage());
            }
        }
    }

    private Result restoreStaged(Planned planned) {
        Path snapshot = planned.snapshot();
        String sha = planned.sha256();
        OperationPlan plan = planned.plan();
        Reporter reporter = Reporter.lines(progress);
        progress.accept("copying the snapshot to every member and checking it there (trial restore)");
        journal.starting(RestoreResume.PHASE, RestoreResume.STAGE);
        List<Change> stageSteps = RestorePlan.Phase.STAGE.of(plan);
        Map<String, String> staged;
        try {
            staged = hosts.eachInParallel(inventory.members(), (h, c) -> {
                Change step = stageSteps.stream().filter(x -> x.host().equals(h.name())).findFirst().orElseThrow();
                reporter.started(step);
                String dir = stage(c, snapshot, sha);
                reporter.finished(step, "");
                return dir;
            });
        } catch (RuntimeException e) {
            // A copy or trial restore failed: etcd was touched nowhere, so there is nothing for a re-run to finish.
            journal.finished(RestoreResume.PHASE);
            throw e;
        }
        SnapshotStatus status = SnapshotStatus.parse(Backup.mustRun(hosts.connection(inventory.members().get(0).name()),
                SnapshotTool.DEFINE + SnapshotTool.status(quote(staged.get(inventory.members().get(0).name()) + "/snapshot.db")),
                "snapshot status").stdout());

        String stamp = planned.stamp();
        String token = planned.token();
        progress.accept("stopping etcd on every member");
        must(run(plan, RestorePlan.Phase.STOP, RestoreResume.STOP, reporter, h -> RemoteCommand.of("systemctl stop etcd").withTimeout(Duration.ofSeconds(90))),
                "stopping etcd", "etcd may still run on the hosts named; nothing was moved or restored yet. Run restore again");

        progress.accept("moving data dirs aside and restoring member by member data from the snapshot");
        Map<String, String> aside = new LinkedHashMap<>();
        for (Host h : inventory.members()) {
            aside.put(h.name(), cluster.dataDir() + ".before-restore-" + stamp);
        }
        String fixRestore = "etcd is stopped on every member. The old data dirs were moved to " + cluster.dataDir() + ".before-restore-" + stamp
                + " where the step got that far. Fix the cause and run restore again; it moves the half-restored dir aside too";
        must(run(plan, RestorePlan.Phase.MOVE_ASIDE, RestoreResume.MOVE_ASIDE, reporter, h -> RemoteCommand.of(moveAsideScript(staged.get(h.name()), aside.get(h.name())))
                .withTimeout(Duration.ofMinutes(5))), "moving the data dir aside", fixRestore);
        must(run(plan, RestorePlan.Phase.RESTORE, RestoreResume.RESTORE, reporter, h -> RemoteCommand.of(restoreScript(h, staged.get(h.name()), token, sha))
                .withTimeout(Duration.ofMinutes(30))), "restoring the snapshot", fixRestore);
        return startRestored(planned, reporter, Optional.of(status), aside, false);
    }

    /**
     * The interrupted run of this snapshot had restored every member (each one's restore-history names its token): the
     * config apply writes, every member started, health, one cluster ID. Nothing is stopped, moved or restored again.
     */
    private Result finish(Planned planned) {
        progress.accept("finishing the interrupted restore of this snapshot (token " + planned.token() + "): every member was restored by it");
        Map<String, String> aside = new LinkedHashMap<>();
        planned.facts().forEach(f -> aside.put(f.host(), f.history().map(RestoreResume.History::previousData).orElse("")));
        return startRestored(planned, Reporter.lines(progress), Optional.empty(), aside, true);
    }

    /** Config, then each member started (recorded one by one), then health: the end of a restore, and all of a finish. */
    private Result startRestored(Planned planned, Reporter reporter, Optional<SnapshotStatus> status, Map<String, String> aside, boolean finishing) {
        OperationPlan plan = planned.plan();
        EtcdConfigRenderer renderer = new EtcdConfigRenderer(cluster.templateDir());
        must(run(plan, RestorePlan.Phase.CONFIG, RestoreResume.CONFIG, reporter, h -> {
            String config = renderer.render(inventory, h, inventory.initialCluster(), "existing");
            return FileStep.writeCommand(HostPlanner.configFile(paths, config, false));
        }), "writing " + paths.configFile(), "run restore again");

        progress.accept("starting every member");
        // One by one, each recorded first: a re-run knows the members from here on may serve the restored data.
        for (Host h : inventory.members()) {
            must(run(plan, RestorePlan.Phase.START, RestoreResume.START, reporter, x -> RemoteCommand.of("systemctl start --no-block etcd"),
                    h.name()), "starting etcd", "see 'journalctl -u etcd' on those hosts; then run restore again: it finishes this one");
        }
        journal.mark(RestoreResume.PHASE, RestoreResume.STARTED);
        HealthGate gate = gate();
        dev.dcsprov.cluster.ClusterHealth health = gate.await(START_TIMEOUT, "after the restore");
        journal.mark(RestoreResume.PHASE, RestoreResume.HEALTHY);
        progress.accept("cluster '" + cluster.name() + "' is healthy again");

        List<MemberResult> members = new ArrayList<>();
        for (Host h : inventory.members()) {
            EndpointStatus s = health.status().stream().filter(x -> x.endpoint().equals(h.clientUrl(cluster))).findFirst().orElseThrow();
            members.add(new MemberResult(h.name(), aside.get(h.name()), s.header().revision(), s.isLeader()));
            journal.done(RestoreResume.PHASE, h.name(), RestoreResume.DONE);
        }
        long keys = countKeys();
        journal.finished(RestoreResume.PHASE);
        return new Result(planned.snapshot(), planned.sha256(), status, planned.token(), keys, members, finishing);
    }

    // ---- checks before anything changes ---------------------------------------------------------

    private void checkHostsArePrepared() {
        FactsProbe.Request request = new FactsProbe.Request(List.of(paths.caCert(), paths.serverCert(), paths.serverKey(),
                paths.adminCert(), paths.adminKey(), paths.configFile()), paths.configFile(), paths.defaultsLink(),
                cluster.dataDir(), "https://127.0.0.1:" + cluster.clientPort(), paths.caCert(), paths.adminCert(), paths.adminKey(), List.of());
        Map<String, HostFacts> facts = hosts.eachInParallel(inventory.members(), (h, c) -> FactsProbe.gather(c, request));
        List<String> unprepared = new ArrayList<>();
        facts.forEach((host, f) -> {
            boolean ok = f.hasPackage("etcd-server") && f.file(paths.serverKey()).exists() && f.file(paths.adminKey()).exists()
                    && f.file(paths.configFile()).exists() && f.defaultsLink().filter(paths.configFile()::equals).isPresent();
            if (!ok) {
                unprepared.add(host);
            }
        });
        if (!unprepared.isEmpty()) {
            throw new DcsprovException(ExitCode.UNSAFE, "not prepared by dcsprov apply: " + String.join(", ", unprepared),
                    "restore needs etcd installed, the certificates in " + paths.certDir() + " and " + paths.configFile()
                            + " on every member. Nothing was changed.",
                    "run 'dcsprov apply' with this inventory first (on new hosts it starts an empty cluster, which restore "
                            + "then replaces), then run restore again");
        }
    }

    /**
     * A serving cluster is only replaced when asked to. "Serving": any member answers health checks and the
     * cluster holds data (revision above 1). A cluster apply just bootstrapped on new hosts holds nothing.
     */
    private String checkNotServing(boolean replaceHealthy) {
        RemoteEtcdctl etcdctl = etcdctl();
        List<String> endpoints = endpoints();
        List<String> healthy = etcdctl.health(endpoints).stream().filter(EndpointHealth::healthy).map(EndpointHealth::endpoint).toList();
        if (healthy.isEmpty()) {
            return "no member is healthy: the cluster is not serving";
        }
        long revision = etcdctl.status(healthy).stream().mapToLong(s -> s.header().revision()).max().orElse(0);
        if (revision > 1 && !replaceHealthy) {
            throw new DcsprovException(ExitCode.UNSAFE, "refusing to restore over a cluster that is serving: "
                    + healthy.size() + " of " + endpoints.size() + " members are healthy (revision " + revision + ")",
                    "A restore stops every member and replaces all data written since the snapshot was taken. "
                            + "The current data dirs would be moved aside, not deleted. Nothing was changed.",
                    "take a backup first ('dcsprov backup'), then, if this is really wanted, run restore again with "
                            + "--replace-healthy-cluster");
        }
        return revision > 1 ? healthy.size() + " of " + endpoints.size() + " members are healthy at revision " + revision
                + ": everything written since the snapshot is replaced, as --replace-healthy-cluster asks"
                : "the cluster holds nothing yet (revision " + revision + "): no --replace-healthy-cluster needed";
    }

    /** Copies the snapshot into a new private dir on the host, checks it arrived whole, and test-restores it there. */
    private String stage(Connection c, Path snapshot, String sha) {
        String script = "set -eu\numask 077\nd=$(mktemp -d /var/tmp/dcsprov-restore.XXXXXX)\n"
                + StagedUpload.receive("\"$d/snapshot.db\"", "the snapshot copy", "rm -rf \"$d\"")
                + SnapshotTool.DEFINE
                + "if ! " + SnapshotTool.restore("\"$d/snapshot.db\"", "\"$d/trial\"", "trial", "trial=https://127.0.0.1:1",
                "trial-restore", List.of("https://127.0.0.1:1")) + " >\"$d/trial.log\" 2>&1; then\n"
                + "  tail -n 3 \"$d/trial.log\" >&2; rm -rf \"$d\"; exit 1\nfi\n"
                + "rm -rf \"$d/trial\" \"$d/trial.log\"\n"
                + "printf '%s\\n' \"$d\"\n";
        CommandResult r = c.run(RemoteCommand.of(script).withStdinFrom(StagedUpload.frame(snapshot, size(snapshot), sha))
                .withTimeout(Backup.TRANSFER_TIMEOUT));
        if (!r.ok()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "the snapshot failed its check on " + c.hostName(),
                    ConnectedHosts.lastLines(r.stderr(), 5) + "\nNothing was stopped or changed on any host.",
                    "a failed trial restore means the snapshot is damaged or too new for this etcd; use another backup");
        }
        return r.stdout().strip();
    }

    private static long size(Path snapshot) {
        try {
            return Files.size(snapshot);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- the restore itself -----------------------------------------------------------------------

    /** Moves the data dir aside (never over an earlier one) and notes where it went in the private staging dir. */
    private String moveAsideScript(String staged, String aside) {
        String data = quote(cluster.dataDir());
        return "set -eu\n"
                + "if [ -e " + data + " ]; then\n"
                + "  a=" + quote(aside) + "; i=0; while [ -e \"$a\" ]; do i=$((i+1)); a=" + quote(aside) + ".$i; done\n"
                + "  mv -T " + data + " \"$a\"\nelse a=none; fi\n"
                + "printf '%s\\n' \"$a\" > " + quote(staged + "/previous-data") + "\n";
    }

    private String restoreScript(Host h, String staged, String token, String sha) {
        String data = quote(cluster.dataDir());
        return "set -eu\n"
                + "a=$(cat " + quote(staged + "/previous-data") + ")\n"
                + "if [ -e " + data + " ]; then echo " + data + " is in the way: it was moved aside before the restore >&2; exit 1; fi\n"
                + "mkdir -p \"$(dirname " + data + ")\"\n"
                + SnapshotTool.DEFINE
                + "if ! " + SnapshotTool.restore(quote(staged + "/snapshot.db"), data, h.memberName(), inventory.initialCluster(), token,
                List.of(h.peerUrl(cluster))) + " >" + quote(staged + "/restore.log") + " 2>&1; then\n"
                + "  tail -n 5 " + quote(staged + "/restore.log") + " >&2; exit 1\nfi\n"
                + "chown -R etcd:etcd " + data + "\nchmod 0700 " + data + "\n"
                + "printf '%s restored snapshot sha256=%s token=%s previous-data=%s\\n' \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" "
                + quote(sha) + " " + quote(token) + " \"$a\" >> " + quote(cluster.configDir() + "/restore-history") + "\n";
    }

    /** The keys of the restored keyspace: a range's count is its total size even with --limit=1 (3.4 has no --count-only). */
    private long countKeys() {
        CommandResult r = etcdctl().run(List.of(inventory.members().get(0).clientUrl(cluster)), "get '' --prefix --keys-only --limit=1 -w json");
        if (!r.ok()) {
            return -1;
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.stdout()).path("count").asLong(0);
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * One phase of the plan: its steps (of {@code only} members, all when none is named), each recorded in the journal
     * first (member by member, locally and on the member), then each with its member's command, on every member in
     * parallel; failures by host.
     */
    private Map<String, String> run(OperationPlan plan, RestorePlan.Phase phase, String step, Reporter reporter,
                                    java.util.function.Function<Host, RemoteCommand> command, String... only) {
        List<String> hostsOf = List.of(only);
        List<Change> steps = phase.of(plan).stream().filter(c -> hostsOf.isEmpty() || hostsOf.contains(c.host()))
                .map(c -> new Change(c.host(), c.step(), c.action(), c.subject(), c.reason(), "",
                c.sensitive(), c.restartsEtcd(), List.of(command.apply(inventory.member(c.host()).orElseThrow())))).toList();
        steps.forEach(c -> journal.begin(RestoreResume.PHASE, c.host(), step));
        return hosts.runInParallel(steps, reporter);
    }

    private static void must(Map<String, String> failed, String what, String fix) {
        if (!failed.isEmpty()) {
            throw new DcsprovException(ExitCode.HOST_FAILED, what + " failed on " + String.join(", ", failed.keySet()),
                    String.join("\n", failed.values()), fix);
        }
    }

    private List<String> endpoints() {
        return inventory.members().stream().map(h -> h.clientUrl(cluster)).toList();
    }

    private RemoteEtcdctl etcdctl() {
        return new RemoteEtcdctl(hosts.connection(inventory.members().get(0).name()), paths.caCert(), paths.adminCert(), paths.adminKey());
    }

    private HealthGate gate() {
        return new HealthGate(new EtcdctlCluster(etcdctl()), endpoints());
    }

}
