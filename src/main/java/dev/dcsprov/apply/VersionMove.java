package dev.dcsprov.apply;

import java.util.List;

/**
 * apply's last phase when etcd comes from elsewhere than the distribution (etcd_package_release, etcd_tarball): the
 * members are moved to the version that source gives, by the same choreography as 'dcsprov upgrade' (its gates, a
 * verified snapshot first, one member at a time, the way back). apply knows only this seam; the cli wires the upgrade.
 */
public interface VersionMove {
    /** One member's move as the plan shows it. */
    record Move(String member, String runs, String willRun) {
    }

    /**
     * The moves the source asks for, reading every member and running the gates, changing nothing; empty when every
     * member runs the source's version. Throws the upgrade's refusal (a member down, a path etcd does not support).
     */
    List<Move> plan();

    /** Moves the members (it reads them again first: a member this apply started counts as it is now). */
    void run();

    /** No move: etcd from the distribution, or a caller that does not move versions. */
    VersionMove NONE = new VersionMove() {
        @Override
        public List<Move> plan() {
            return List.of();
        }

        @Override
        public void run() {
        }
    };
}
