package dev.dcsprov.upgrade;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.backup.Backup;
import dev.dcsprov.cluster.ConnectedHosts;
import dev.dcsprov.cluster.RollingRestart;
import dev.dcsprov.journal.Journal;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.EtcdctlCluster;
import dev.dcsprov.cluster.VersionEndpoint;
import dev.dcsprov.patroni.PatroniClients;
import dev.dcsprov.rotate.ClientDelivery;
import dev.dcsprov.cluster.Waiting;
import dev.dcsprov.inventory.ClusterSettings;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;
import dev.dcsprov.pki.AdminTls;
import dev.dcsprov.pki.PkiStore;
import dev.dcsprov.render.RemotePaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * dcsprov upgrade: every member moved to the etcd version the inventory's source offers (or {@code --to}), behind
 * the gates of {@link RollingUpgrade}, after a verified snapshot ({@link Backup}).
 */
public final class Upgrade {
    /** One member's line of the plan. */
    public record Row(String member, String runs, String willRun) {
    }

    /**
     * @param snapshot       the snapshot taken before the first member changed, when one was
     * @param upgraded       members moved, in order
     * @param clusterBefore  the cluster version before (etcd's /version), when it could be asked
     * @param checks         output of the checks etcd documents for the target, as shown
     */
    public record Result(String target, List<Row> rows, Optional<Backup.Result> snapshot, List<String> upgraded,
                         Optional<String> clusterBefore, Optional<String> clusterAfter, List<String> checks,
                         Map<String, Double> secondsPerMember) {
        /** The members moved and each one's time, as 'upgrade' and apply's move say it. */
        public String upgradedLine() {
            return "upgraded: " + String.join(", ", upgraded.stream().map(m -> String.format(java.util.Locale.ROOT, "%s (%.1f s)",
                    m, secondsPerMember.getOrDefault(m, 0.0))).toList());
        }

        public String clusterVersionLine() {
            return "cluster version: " + clusterBefore.orElse("unknown") + " -> " + clusterAfter.orElse("unknown");
        }
    }

    private final Inventory inventory;
    private final ClusterSettings cluster;
    private final ConnectedHosts hosts;
    private final PkiStore store;
    private final Consumer<String> progress;
    private final Journal journal;

    /** The journal's phase of an upgrade: the rolling move of the members (kill points: {@code upgrade:members:restart#2}). */
    public static final String PHASE = "members";

    public Upgrade(Inventory inventory, ConnectedHosts hosts, PkiStore store, Consumer<String> progress) {
        this(inventory, hosts, store, progress, Journal.none());
    }

    /** @param journal where each member's steps are recorded before they happen, and what an interrupted run left */
    public Upgrade(Inventory inventory, ConnectedHosts hosts, PkiStore store, Consumer<String> progress, Journal journal) {
        this.journal = journal;
        this.inventory = inventory;
        this.cluster = inventory.cluster();
        this.hosts = hosts;
        this.store = store;
        this.progress = progress;
    }

    /** @param planOnly show the rows and run the gates, change nothing */
    public Result run(Optional<String> to, boolean planOnly) {
        // A tarball is checked here (SHA-256, version, ELF header) before any host is contacted.
        Optional<Tarball> tarball = cluster.etcdSource().tarball()
                .map(t -> Tarball.inspect(t, cluster.etcdSource().tarballSha256().orElseThrow()));
        List<Host> members = inventory.members();
        // The member a killed run left mid-step (maybe stopped, maybe half-installed): the next to finish, not a refusal.
        Optional<String> interrupted = journal.interruptedMember().filter(m -> members.stream().anyMatch(h -> h.name().equals(m)));
        HostInstaller installer = new HostInstaller(hosts, cluster.etcdSource(), tarball);
        progress.accept("reading etcd versions (" + cluster.etcdSource().describe() + ")");
        // Read-only until every gate passed: no apt source, pin, list or etcd file of a member changes before.
        Map<String, HostInstaller.HostVersions> versions = hosts.eachInParallel(members, (h, c) -> installer.probe(h.name()));
        HostInstaller.HostVersions first = versions.get(members.get(0).name());
        tarball.ifPresent(t -> versions.values().forEach(v -> t.requireArch(v.host(), v.arch())));
        RollingUpgrade.Release target;
        String targetDeb;
        if (tarball.isPresent() && to.map(v -> v.equals(tarball.get().version().toString())).orElse(true)) {
            Tarball t = tarball.get();
            targetDeb = t.version().toString();
            target = new RollingUpgrade.Release(t.version(), "tarball " + t.file().getFileName() + " in " + t.installDir(),
                    RollingUpgrade.Kind.TARBALL);
        } else {
            targetDeb = to.map(v -> offered(first, v)).orElseGet(() -> first.candidate().orElseThrow(() -> new DcsprovException(
                    ExitCode.HOST_FAILED, "apt offers no etcd-server on " + first.host(), "", "check the host's apt sources")));
            for (HostInstaller.HostVersions v : versions.values()) {
                if (v.available().stream().noneMatch(a -> a.debianVersion().equals(targetDeb))) {
                    throw new DcsprovException(ExitCode.UNSAFE, "etcd-server " + targetDeb + " is not offered on " + v.host(),
                            "apt there offers: " + offers(v) + ". No member was changed.",
                            "give every member the same apt sources (dcsprov apply), then upgrade");
                }
            }
            target = new RollingUpgrade.Release(EtcdVersion.parse(targetDeb), targetDeb + " " + suite(first, targetDeb));
        }
        Map<String, RollingUpgrade.Release> previous = new LinkedHashMap<>();
        for (Host h : members) {
            HostInstaller.HostVersions v = versions.get(h.name());
            String deb = installedOn(v, interrupted.filter(h.name()::equals).isPresent());
            if (v.tarballDir().isPresent()) {
                String dir = v.tarballDir().get();
                previous.put(h.name(), new RollingUpgrade.Release(EtcdVersion.parse(dir.substring(dir.lastIndexOf('/') + 1)),
                        dir + " (an earlier etcd_tarball)", RollingUpgrade.Kind.DIRECTORY));
            } else {
                previous.put(h.name(), new RollingUpgrade.Release(v.binary().orElse(EtcdVersion.parse(deb)), deb + " " + suite(v, deb)));
            }
        }

        EtcdctlCluster etcd = EtcdctlCluster.via(hosts.connection(members.get(0).name()), RemotePaths.of(cluster));
        try {
            etcd = etcd.withVersions(new VersionEndpoint(AdminTls.context(store)));
        } catch (IOException e) {
            progress.accept("the cluster version cannot be asked from this machine (" + e.getMessage() + ")");
        }
        RollingUpgrade rolling = new RollingUpgrade(etcd, ClusterMember.of(members, cluster), installer,
                m -> progress.accept(m), Waiting.REAL);
        RollingUpgrade.Preflight pre;
        Map<String, EtcdVersion> onDisk = new LinkedHashMap<>();
        previous.forEach((h, r) -> onDisk.put(h, r.version()));
        try {
            pre = rolling.preflight(target.version(), interrupted, onDisk, again());
        } catch (DcsprovException refused) {
            throw backFromTarball(refused, previous, target, versions);
        }
        List<Row> rows = new ArrayList<>();
        for (Host h : members) {
            String runs = pre.down().filter(h.name()::equals).isPresent()
                    ? "nothing: down, left mid-step by the interrupted run; installed " + previous.get(h.name()).label()
                    : pre.running().get(h.name()) + " (" + previous.get(h.name()).label() + ")";
            rows.add(new Row(h.name(), runs, pre.todo().contains(h.name()) ? target.version() + " (" + target.label() + ")" : "unchanged"));
        }
        List<String> checks = checks(members, versions, pre, target, tarball);
        journal.interrupted().ifPresent(e -> progress.accept((planOnly ? "an interrupted upgrade, which the same command without --check "
                + "continues (" : "continuing an interrupted upgrade (") + e.describe() + ")"
                + (pre.todo().isEmpty() ? ": every member runs " + target.version() : ": still to do " + String.join(", ", pre.todo()))
                + interrupted.filter(pre.todo()::contains).map(m -> "; " + m + " was left mid-step and goes first").orElse("")));
        if (planOnly || pre.todo().isEmpty()) {
            if (!planOnly && journal.interrupted().isPresent()) {
                journal.finished(PHASE);
            }
            return new Result(targetDeb, rows, Optional.empty(), List.of(), pre.clusterVersion(), pre.clusterVersion(), checks, Map.of());
        }
        // Patroni hosts are checked before anything changes (an unreachable one stops the run here), then waited for
        // after each member's restart, as in every rolling restart.
        ClientDelivery clients = PatroniClients.of(inventory, hosts, store, progress);
        clients.preflight();
        if (target.kind() == RollingUpgrade.Kind.PACKAGE) {
            prepareApt(members, installer, targetDeb);
        }
        // A re-run takes a new verified snapshot too, before it changes more members: the cluster version moves only once
        // the last member runs the new minor, so this one is still a way back, and it loses fewer writes than the first.
        progress.accept("snapshot before the upgrade" + (journal.interrupted().isPresent() ? " (a new one: the cluster version is still "
                + pre.clusterVersion().orElse("the old one") + ", so it is the way back with the fewest writes lost)" : ""));
        journal.mark(PHASE, "snapshot");
        Backup.Result snapshot = new Backup(inventory, hosts, progress).run();
        progress.accept("snapshot " + snapshot.file() + " (sha256 " + snapshot.sha256() + "); restore it with 'dcsprov restore' "
                + "if the cluster version moved and you need to go back");
        List<String> done = rolling.run(pre.todo(), target, previous, clients.afterEachMember(),
                new RollingRestart.Resume(interrupted.filter(pre.todo()::contains), journal.recorder(PHASE)), again());
        Optional<String> after = rolling.awaitClusterVersion(target.version());
        journal.finished(PHASE);
        progress.accept("cluster version " + pre.clusterVersion().orElse("unknown") + " -> " + after.orElse("unknown"));
        return new Result(targetDeb, rows, Optional.of(snapshot), done, pre.clusterVersion(), after, checks, rolling.secondsPerMember());
    }

    /** How to continue after a stop: the journal's command (this run's own), or plain 'dcsprov upgrade'. */
    private String again() {
        return journal.resumeCommand().isEmpty() ? "run 'dcsprov upgrade' again" : "run '" + journal.resumeCommand() + "' again";
    }

    /**
     * The etcd-server version dpkg has on a member. A package dpkg did not finish installing (a killed apt-get) is
     * accepted on the member the interrupted run was upgrading (its install finishes dpkg's work first) and refused
     * on any other, which no dcsprov run explains.
     */
    static String installedOn(HostInstaller.HostVersions v, boolean interruptedMember) {
        if (v.installed().isPresent()) {
            return v.installed().get();
        }
        if (v.halfInstalled().isPresent() && interruptedMember) {
            return v.halfInstalled().get();
        }
        if (v.halfInstalled().isPresent()) {
            throw new DcsprovException(ExitCode.UNSAFE, "upgrade refused: dpkg did not finish installing etcd-server "
                    + v.halfInstalled().get() + " on " + v.host(),
                    "No dcsprov run records a step on " + v.host() + " that explains it. No member was changed.",
                    "finish it on " + v.host() + " ('dpkg --configure -a', then 'apt-get install -f'), then upgrade");
        }
        throw new DcsprovException(ExitCode.UNSAFE, "etcd-server is not installed on " + v.host(), "", "run 'dcsprov apply' first");
    }

    /**
     * A move to an older package, refused because members run a newer minor from an etcd_tarball and the cluster version
     * moved: says what "restore with the old etcd installed" means for a tarball install (README, Upgrades). The package
     * stayed installed under dcsprov's drop-in, so the way back is that drop-in removed, then restore. Any other refusal
     * is returned as it is.
     */
    static DcsprovException backFromTarball(DcsprovException refused, Map<String, RollingUpgrade.Release> previous,
                                            RollingUpgrade.Release target, Map<String, HostInstaller.HostVersions> versions) {
        Optional<RollingUpgrade.Release> newer = previous.values().stream()
                .filter(r -> r.kind() == RollingUpgrade.Kind.DIRECTORY && r.version().compareTo(target.version()) > 0
                        && !r.version().sameMinor(target.version()))
                .findFirst();
        if (refused.exitCode() != ExitCode.UNSAFE || target.kind() != RollingUpgrade.Kind.PACKAGE || newer.isEmpty()
                || refused.fix().filter(f -> f.contains("dcsprov restore")).isEmpty()) {
            return refused;
        }
        String deb = target.label().split(" ")[0];
        boolean installed = versions.values().stream().allMatch(v -> v.installed().filter(deb::equals).isPresent());
        String dir = newer.get().label().split(" ")[0];
        String fix = "etcd runs from " + dir + " through " + HostInstaller.DROP_IN + "; the distribution package "
                + (installed ? "etcd-server " + deb + " is still installed under it" : "under it is not etcd-server " + deb + " on every member")
                + ". To go back: take etcd_tarball and etcd_tarball_sha256 out of the inventory; on every member 'systemctl stop etcd', "
                + "'rm " + HostInstaller.DROP_IN + "', 'systemctl daemon-reload'"
                + (installed ? "" : ", 'apt-get install --allow-downgrades etcd-server=" + deb + " etcd-client=" + deb
                        + "' (with a policy-rc.d that exits 101, so the package starts nothing)")
                + " ('/usr/bin/etcd --version' then says " + target.version() + "); then 'dcsprov restore INVENTORY SNAPSHOT' with the "
                + "snapshot the upgrade took first (its path was printed as 'snapshot before the upgrade'). See README, Upgrades";
        return new DcsprovException(refused.exitCode(), refused.summary(), refused.detail().orElse(""), fix, refused);
    }

    /** The release's apt source and pin, and fresh lists, on every member once the run may proceed; no member changed yet. */
    private void prepareApt(List<Host> members, HostInstaller installer, String targetDeb) {
        cluster.etcdSource().release().ifPresent(r -> progress.accept("adding the apt source and pin for etcd from " + r));
        Map<String, List<HostInstaller.Available>> offered = hosts.eachInParallel(members, (h, c) -> installer.prepare(h.name()));
        offered.forEach((host, available) -> {
            if (available.stream().noneMatch(a -> a.debianVersion().equals(targetDeb))) {
                throw new DcsprovException(ExitCode.HOST_FAILED, "etcd-server " + targetDeb + " is not offered on " + host + " after 'apt-get update'",
                        "It was offered when the versions were read; the mirror changed in between. No member was changed.",
                        "run 'dcsprov upgrade --check' to see what is offered now, then upgrade");
            }
        });
    }

    /** The checks etcd documents before moving to {@code target}, run on every member; a failed one stops the run. */
    private List<String> checks(List<Host> members, Map<String, HostInstaller.HostVersions> versions, RollingUpgrade.Preflight pre,
                                RollingUpgrade.Release target, Optional<Tarball> tarball) {
        List<String> shown = new ArrayList<>();
        boolean minorUp = pre.running().values().stream().anyMatch(v -> v.compareTo(target.version()) < 0 && !v.sameMinor(target.version()));
        if (!minorUp) {
            return shown;
        }
        if (target.version().compareTo(new EtcdVersion(3, 6, 0)) < 0) {
            shown.add("no pre-upgrade check documented by etcd applies to " + target.version().minorLine()
                    + " (the gates: every member healthy, no learner, one minor step)");
            shown.forEach(progress);
            return shown;
        }
        // 3.6 reads no v2 store: etcd asks that 'etcdutl check v2store' passes on every member before the upgrade.
        Path etcdutl = target.kind() == RollingUpgrade.Kind.TARBALL && tarball.isPresent() ? tempFile() : null;
        try {
            Optional<Path> targetEtcdutl = etcdutl == null ? Optional.empty() : tarball.get().extractEtcdutl(etcdutl);
            return new V2StoreCheck(hosts::connection, cluster.dataDir(), targetEtcdutl, progress)
                    .run(members.stream().map(h -> new V2StoreCheck.Member(h.name(), versions.get(h.name()).etcdutl())).toList());
        } finally {
            if (etcdutl != null) {
                try {
                    Files.deleteIfExists(etcdutl);
                } catch (IOException ignored) {
                    // a temporary file of this machine's; the JVM's temp directory is cleaned by the system
                }
            }
        }
    }

    private static Path tempFile() {
        try {
            return Files.createTempFile("dcsprov-etcdutl", "");
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.HOST_FAILED, "cannot write a temporary file on this machine", e.getMessage(), "");
        }
    }

    private static String offered(HostInstaller.HostVersions v, String wanted) {
        return v.available().stream().filter(a -> a.debianVersion().equals(wanted) || a.version().toString().equals(wanted))
                .map(HostInstaller.Available::debianVersion).findFirst()
                .orElseThrow(() -> new DcsprovException(ExitCode.USAGE, "--to " + wanted + ": apt on " + v.host() + " offers no such etcd-server",
                        "It offers: " + offers(v) + ". No member was changed.",
                        "pick one of those (etcd version or Debian version); to go back past a moved cluster version use 'dcsprov restore'"));
    }

    private static String suite(HostInstaller.HostVersions v, String deb) {
        return v.available().stream().filter(a -> a.debianVersion().equals(deb)).map(a -> "from " + a.suite()).findFirst().orElse("(local)");
    }

    private static String offers(HostInstaller.HostVersions v) {
        return v.available().isEmpty() ? "nothing" : String.join(", ", v.available().stream()
                .map(a -> a.debianVersion() + " (" + a.suite() + ")").toList());
    }
}
