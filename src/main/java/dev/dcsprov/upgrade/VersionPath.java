package dev.dcsprov.upgrade;

import java.util.Map;
import java.util.Optional;

/**
 * The version moves etcd supports (etcd's upgrade and downgrade guides): up one minor at a time, from at least the
 * patch release etcd names for that step (3.5.26 before 3.6, where older 3.5 members may lose learner promotions
 * and panic on v2 WAL entries); any patch release within a minor; down one minor only while the cluster version has
 * not moved (before all members ran the new minor), since etcd does not let an old binary join a newer cluster.
 */
public final class VersionPath {
    /** target minor line -> lowest release a member may come from. */
    static final Map<String, EtcdVersion> FLOORS = Map.of("3.6", new EtcdVersion(3, 5, 26));

    /** @param fix empty when allowed */
    public record Verdict(boolean allowed, String reason, String fix) {
        static Verdict ok(String reason) {
            return new Verdict(true, reason, "");
        }

        static Verdict refused(String reason, String fix) {
            return new Verdict(false, reason, fix);
        }
    }

    private VersionPath() {
    }

    /**
     * @param clusterVersion the cluster version etcd reports (the lowest minor all members ran), when known
     */
    public static Verdict check(EtcdVersion from, EtcdVersion to, Optional<EtcdVersion> clusterVersion) {
        if (from.equals(to)) {
            return Verdict.ok("already runs " + to);
        }
        if (from.major() != to.major()) {
            return Verdict.refused("etcd " + from + " -> " + to + " changes the major version, which etcd does not support in place",
                    "move the data with a snapshot: 'dcsprov backup', then a new cluster and 'dcsprov restore'");
        }
        if (from.sameMinor(to)) {
            return Verdict.ok((to.compareTo(from) > 0 ? "patch upgrade " : "patch downgrade ") + from + " -> " + to);
        }
        if (to.compareTo(from) > 0) {
            if (to.minor() - from.minor() > 1) {
                EtcdVersion step = new EtcdVersion(from.major(), from.minor() + 1, 0);
                return Verdict.refused("etcd " + from + " -> " + to + " skips " + step.minorLine()
                                + "; etcd supports one minor version at a time",
                        "upgrade to the latest " + step.minorLine() + " release first (set etcd_package_release or etcd_tarball to it "
                                + "and run 'dcsprov upgrade'), then to " + to.minorLine());
            }
            EtcdVersion floor = FLOORS.get(to.minorLine());
            if (floor != null && from.compareTo(floor) < 0) {
                return Verdict.refused("etcd " + from + " -> " + to + ": etcd requires at least " + floor + " before "
                                + to.minorLine() + " (older " + from.minorLine() + " releases may not have persisted learner "
                                + "promotions or may leave v2 entries the new version cannot read)",
                        "upgrade to " + floor + " or a later " + from.minorLine() + " release first, then to " + to);
            }
            return Verdict.ok("minor upgrade " + from + " -> " + to);
        }
        if (from.minor() - to.minor() > 1) {
            return Verdict.refused("etcd " + from + " -> " + to + " goes down more than one minor version",
                    "restore the snapshot taken before the upgrade: 'dcsprov restore INVENTORY SNAPSHOT'");
        }
        if (clusterVersion.isEmpty() || clusterVersion.get().compareTo(new EtcdVersion(to.major(), to.minor(), 0)) > 0) {
            return Verdict.refused("etcd " + from + " -> " + to + ": the cluster version is already "
                            + clusterVersion.map(EtcdVersion::minorLine).orElse("unknown")
                            + ", and an etcd " + to.minorLine() + " member cannot join a " + from.minorLine() + " cluster",
                    "restore the snapshot taken before the upgrade with etcd " + to + " installed: 'dcsprov restore INVENTORY SNAPSHOT'"
                            + " (see README, Upgrades)");
        }
        return Verdict.ok("roll back " + from + " -> " + to + " (the cluster version is still " + clusterVersion.get().minorLine() + ")");
    }
}
