package dev.dcsprov.upgrade;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.cluster.ClusterHealth;
import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.EtcdCluster;
import dev.dcsprov.cluster.HealthGate;
import dev.dcsprov.cluster.ResumeGate;
import dev.dcsprov.cluster.RollingRestart;
import dev.dcsprov.cluster.Waiting;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.Member;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The cluster side of an upgrade: the gates before it (healthy, no learner, a path etcd supports from every member's
 * version) and the member-by-member move through {@link RollingRestart}. A member that does not come back healthy
 * and reporting the new version is put back on the version it had, and the run stops there.
 */
public final class RollingUpgrade {
    static final long POLL_MILLIS = 300;

    /** Puts a version of etcd on a member and restarts it; the host side (apt, tarball) is behind it. */
    public interface Installer {
        /** Installs {@code release} on the member without restarting etcd. */
        void install(ClusterMember member, Release release);

        /** Restarts etcd on the member; throws when systemd reports a failure. */
        void restart(ClusterMember member);
    }

    /** How a release is installed. */
    public enum Kind {
        /** Debian packages; the label starts with the Debian version */
        PACKAGE,
        /** the inventory's etcd_tarball, unpacked under /opt/dcsprov/etcd/VERSION */
        TARBALL,
        /** a directory an earlier tarball left under /opt/dcsprov/etcd (the label) */
        DIRECTORY
    }

    /** A version as it is installed: the etcd version and what the installer needs (a Debian version, a tarball). */
    public record Release(EtcdVersion version, String label, Kind kind) {
        public Release(EtcdVersion version, String label) {
            this(version, label, Kind.PACKAGE);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * What the gates found.
     *
     * @param running what each member runs (a member the interrupted run left down: the version installed on it)
     * @param todo    the members to move, in inventory order
     * @param down    the member the interrupted run left down, admitted because the others keep quorum: it goes first
     */
    public record Preflight(Map<String, EtcdVersion> running, Optional<String> clusterVersion, List<String> todo, Optional<String> down) {
    }

    /** How long a re-run waits for the cluster to be healthy (without the member it finishes) before it refuses. */
    static final java.time.Duration RESUME_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final EtcdCluster etcd;
    private final List<ClusterMember> members;
    private final Installer installer;
    private final Consumer<String> progress;
    private final Waiting waiting;
    private final HealthGate gate;
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    public RollingUpgrade(EtcdCluster etcd, List<ClusterMember> members, Installer installer, Consumer<String> progress, Waiting waiting) {
        this.etcd = etcd;
        this.members = List.copyOf(members);
        this.installer = installer;
        this.progress = progress;
        this.waiting = waiting;
        this.gate = new HealthGate(etcd, endpoints(), waiting);
    }

    private List<String> endpoints() {
        return members.stream().map(ClusterMember::clientUrl).toList();
    }

    /** Refuses (exit 6, nothing changed) unless every member is healthy, none is a learner and the path is supported. */
    public Preflight preflight(EtcdVersion target) {
        return preflight(target, Optional.empty(), Map.of(), "run 'dcsprov upgrade' again");
    }

    /**
     * As {@link #preflight(EtcdVersion)}, for a run that continues an interrupted one: {@code interrupted} (the member
     * the journal says the killed run left mid-step) may be down, as long as the others keep quorum ({@link ResumeGate});
     * its version is then {@code installed}'s (what is on its disk), and it is still to do. Members already on the
     * target (the killed run moved them) are not: mixed versions are what an interrupted upgrade leaves.
     *
     * @param resume the command that finishes the job, for messages
     */
    public Preflight preflight(EtcdVersion target, Optional<String> interrupted, Map<String, EtcdVersion> installed, String resume) {
        ClusterHealth health;
        Optional<String> down = Optional.empty();
        if (interrupted.isPresent()) {
            try {
                ResumeGate.Admission a = new ResumeGate(etcd, members, gate, waiting).admit(interrupted, RESUME_TIMEOUT, "upgrade", resume);
                health = a.health();
                down = a.downMember();
            } catch (ResumeGate.Refusal r) {
                throw r;
            } catch (DcsprovException e) {
                throw notHealthy(gate.check());
            }
        } else {
            health = gate.check();
            if (!health.healthy()) {
                throw notHealthy(health);
            }
        }
        List<Member> learners = etcd.memberList(endpoints()).members().stream().filter(Member::learner).toList();
        if (!learners.isEmpty()) {
            throw new DcsprovException(ExitCode.UNSAFE, "upgrade refused: a learner is pending: "
                    + String.join(", ", learners.stream().map(Member::name).toList()),
                    "etcd upgrades assume a settled membership (learners promoted on some releases were never persisted, etcd#19557). "
                            + "No member was changed.",
                    "finish the join with 'dcsprov apply' (it promotes the learner) or remove it with 'dcsprov member remove', then upgrade");
        }
        Map<String, EtcdVersion> running = new LinkedHashMap<>();
        for (ClusterMember m : members) {
            if (down.filter(m.name()::equals).isPresent()) {
                EtcdVersion onDisk = installed.get(m.name());
                if (onDisk != null) {
                    running.put(m.name(), onDisk);
                }
                continue;
            }
            EndpointStatus s = health.statusOf(m.clientUrl()).orElseThrow();
            running.put(m.name(), EtcdVersion.parse(s.version()));
        }
        Optional<String> clusterVersion = etcd.clusterVersion(endpoints());
        Optional<EtcdVersion> cv = clusterVersion.flatMap(EtcdVersion::find);
        if (cv.isEmpty()) {
            // The cluster version is the lowest minor line all members run; without /version, derive it the same way.
            cv = running.values().stream().min(EtcdVersion::compareTo).map(v -> new EtcdVersion(v.major(), v.minor(), 0));
        }
        List<String> todo = new ArrayList<>();
        for (Map.Entry<String, EtcdVersion> e : running.entrySet()) {
            VersionPath.Verdict v = VersionPath.check(e.getValue(), target, cv);
            if (!v.allowed()) {
                throw new DcsprovException(ExitCode.UNSAFE, "upgrade refused: " + v.reason(),
                        e.getKey() + " runs etcd " + e.getValue() + "; the cluster version is " + cv.map(EtcdVersion::minorLine).orElse("unknown")
                                + ". No member was changed.", v.fix());
            }
        }
        for (ClusterMember m : members) {
            EtcdVersion v = running.get(m.name());
            if (v == null || !v.equals(target) || down.filter(m.name()::equals).isPresent()) {
                todo.add(m.name());
            }
        }
        return new Preflight(running, clusterVersion, todo, down);
    }

    private DcsprovException notHealthy(ClusterHealth health) {
        List<EndpointHealth> h = etcd.health(endpoints());
        String down = h.stream().filter(e -> !e.healthy()).map(e -> name(e.endpoint()) + " (" + e.error().orElse("unhealthy") + ")")
                .reduce((a, b) -> a + ", " + b).orElse(health.problem());
        return new DcsprovException(ExitCode.UNSAFE, "upgrade refused: the cluster is not healthy",
                health.problem() + "\nNot healthy: " + down + ". An upgrade restarts every member in turn; with one already "
                        + "down that could cost quorum. No member was changed.",
                "bring the member back ('systemctl start etcd' on it, or 'dcsprov apply'), check with 'dcsprov status', "
                        + "then run 'dcsprov upgrade' again");
    }

    /**
     * Moves {@code todo} to {@code target} one member at a time; {@code previous} is what each member ran before, to put
     * it back when it fails on the new version; {@code afterEach} carries the clients (Patroni) through each restart.
     */
    public List<String> run(List<String> todo, Release target, Map<String, Release> previous, RollingRestart.Hooks afterEach) {
        return run(todo, target, previous, afterEach, RollingRestart.Resume.none(), "run 'dcsprov upgrade' again");
    }

    /**
     * As {@link #run(List, Release, Map, RollingRestart.Hooks)}, with each member's steps recorded and an interrupted
     * run's member first ({@code resume}); {@code again} says how to continue after a stop.
     */
    public List<String> run(List<String> todo, Release target, Map<String, Release> previous, RollingRestart.Hooks afterEach,
                            RollingRestart.Resume resume, String again) {
        RollingRestart rolling = new RollingRestart(etcd, members, m -> upgradeOne(m, target, putBack(m.name(), previous, target)),
                progress, waiting);
        Optional<Release> back = wayBack(previous, target);
        return rolling.run(todo, afterEach, new RollingRestart.Labels("the upgrade",
                again + back.map(b -> " (or 'dcsprov upgrade --to " + b.version() + "' to go back)").orElse(""),
                "etcd " + target.version()), resume);
    }

    /**
     * What a member that fails on the target is put back on: what it ran before, unless that already is the target (the
     * interrupted run had installed it before it was killed): then what the members not moved yet run. Empty when no
     * member ran anything else: there is nothing to put it back on.
     */
    static Optional<Release> putBack(String member, Map<String, Release> previous, Release target) {
        Release own = previous.get(member);
        if (own != null && !own.version().equals(target.version())) {
            return Optional.of(own);
        }
        return wayBack(previous, target);
    }

    /** The release the members ran before the upgrade: the first one, in inventory order, that is not the target. */
    static Optional<Release> wayBack(Map<String, Release> previous, Release target) {
        return previous.values().stream().filter(r -> !r.version().equals(target.version())).findFirst();
    }

    /** Seconds from the start of each member's install until it was healthy on the new version. */
    public Map<String, Double> secondsPerMember() {
        return Map.copyOf(seconds);
    }

    private void upgradeOne(ClusterMember m, Release target, Optional<Release> putBack) {
        long start = waiting.nanoTime();
        progress.accept("installing etcd " + target + " on " + m.name());
        installer.install(m, target);
        try {
            installer.restart(m);
            awaitVersion(m, target.version());
            double s = (waiting.nanoTime() - start) / 1e9;
            seconds.put(m.name(), s);
            progress.accept(String.format(java.util.Locale.ROOT, "%s runs etcd %s (%.1f s)", m.name(), target.version(), s));
        } catch (DcsprovException e) {
            if (putBack.isEmpty()) {
                throw new DcsprovException(ExitCode.HOST_FAILED, m.name() + " did not come back healthy on etcd " + target.version(),
                        e.summary() + e.detail().map(d -> "\n" + d).orElse("")
                                + "\nEvery other member already runs " + target.version() + ", so there is no older release to put it back on.",
                        "see 'journalctl -u etcd' on " + m.name() + "; fix the cause, then run the same command again", e);
            }
            Release old = putBack.get();
            progress.accept(m.name() + " did not come back on etcd " + target.version() + ": " + e.summary() + "; putting it back on " + old);
            try {
                installer.install(m, old);
                installer.restart(m);
                awaitVersion(m, old.version());
            } catch (DcsprovException back) {
                throw new DcsprovException(ExitCode.HOST_FAILED, m.name() + " did not come back on etcd " + target.version()
                        + ", and putting it back on etcd " + old.version() + " failed too: " + back.summary(),
                        "On " + target.version() + ": " + e.summary() + e.detail().map(d -> " " + d).orElse("")
                                + "\nBack on " + old.version() + ": " + back.detail().orElse(back.summary())
                                + "\nThe other members are untouched by this step, so the cluster stays quorate without it.",
                        "see 'journalctl -u etcd' on " + m.name() + "; once it runs again, 'dcsprov upgrade --to " + old.version()
                                + " INVENTORY' puts the members already done back", back);
            }
            throw new DcsprovException(ExitCode.HOST_FAILED, m.name() + " did not come back healthy on etcd " + target.version()
                    + "; it was put back on etcd " + old.version() + " and is healthy",
                    e.summary() + e.detail().map(d -> "\n" + d).orElse("")
                            + "\nThe cluster version did not move: not every member runs " + target.version().minorLine() + ".",
                    "see 'journalctl -u etcd' on " + m.name() + "; to put the members already done back too: 'dcsprov upgrade --to "
                            + old.version() + " INVENTORY'", e);
        }
    }

    /** The member is healthy and its server reports {@code version}. */
    private void awaitVersion(ClusterMember m, EtcdVersion version) {
        long deadline = waiting.nanoTime() + HealthGate.MEMBER_TIMEOUT.toNanos();
        String last = "no answer";
        while (true) {
            List<EndpointHealth> h = etcd.health(List.of(m.clientUrl()));
            if (!h.isEmpty() && h.get(0).healthy()) {
                List<EndpointStatus> s = etcd.status(List.of(m.clientUrl()));
                if (!s.isEmpty()) {
                    Optional<EtcdVersion> v = EtcdVersion.find(s.get(0).version());
                    if (v.isPresent() && v.get().equals(version)) {
                        return;
                    }
                    last = "healthy, but reports etcd " + s.get(0).version();
                }
            } else {
                last = h.isEmpty() ? "no answer" : h.get(0).error().orElse("unhealthy");
            }
            if (waiting.nanoTime() > deadline) {
                throw new DcsprovException(ExitCode.UNSAFE, m.name() + " is not healthy on etcd " + version,
                        "After " + HealthGate.MEMBER_TIMEOUT.toSeconds() + " s: " + last + ".", "");
            }
            waiting.pause(POLL_MILLIS);
        }
    }

    /** Waits (up to a minute) for the cluster version to reach {@code target}'s minor line and returns what etcd reports. */
    public Optional<String> awaitClusterVersion(EtcdVersion target) {
        long deadline = waiting.nanoTime() + HealthGate.MEMBER_TIMEOUT.toNanos();
        Optional<String> v = etcd.clusterVersion(endpoints());
        if (v.isEmpty()) {
            return v; // not askable from here: say so rather than wait
        }
        while (v.flatMap(EtcdVersion::find).map(x -> !x.sameMinor(target)).orElse(true) && waiting.nanoTime() < deadline) {
            waiting.pause(1000);
            v = etcd.clusterVersion(endpoints());
        }
        return v;
    }

    private String name(String endpoint) {
        return members.stream().filter(m -> m.clientUrl().equals(endpoint)).map(ClusterMember::name).findFirst().orElse(endpoint);
    }
}
