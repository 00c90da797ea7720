package dev.dcsprov.maintain;

import java.util.Optional;

/**
 * What maintenance does with one member, and why.
 *
 * @param freeDisk free bytes on the data directory's filesystem, -1 when not measured
 */
public record MemberVerdict(MemberSpace space, long freeDisk, Action action, String reason) {

    public enum Action {
        DEFRAGMENT,
        /** Not worth it: too little reclaimable space (--min-reclaimable). */
        SKIP,
        /** Too little free disk for the copy a defragmentation writes; the other members are still done. */
        REFUSED
    }

    public String member() {
        return space.member();
    }

    /** Why the member lacks the free disk a defragmentation needs (database size + margin), or empty. */
    static Optional<String> diskShort(MemberSpace space, long freeDisk, MaintenanceOptions options) {
        long needed = space.dbSize() + options.diskMarginBytes();
        if (freeDisk >= needed) {
            return Optional.empty();
        }
        return Optional.of("free disk " + Bytes.show(freeDisk) + " < database " + Bytes.show(space.dbSize()) + " + margin "
                + Bytes.show(options.diskMarginBytes()) + ": a defragmentation writes a new copy of the database beside the old one");
    }

    /**
     * @param noSpace a NOSPACE alarm is active: every member is defragmented whatever its reclaimable share, since
     *                that is the repair, and etcd's in-use figure lags (it is updated when the backend next commits,
     *                and a cluster that refuses writes commits nothing, so a compaction's freed pages do not show yet)
     */
    static MemberVerdict judge(MemberSpace space, long freeDisk, MaintenanceOptions options, boolean noSpace) {
        Optional<String> short_ = diskShort(space, freeDisk, options);
        if (short_.isPresent()) {
            return new MemberVerdict(space, freeDisk, Action.REFUSED, short_.get());
        }
        if (noSpace) {
            return new MemberVerdict(space, freeDisk, Action.DEFRAGMENT, "NOSPACE alarm active: defragmented whatever its "
                    + space.reclaimablePercent() + "% reclaimable (etcd updates that figure only at its next write), free disk "
                    + Bytes.show(freeDisk));
        }
        if (space.reclaimablePercent() <= options.minReclaimablePercent()) {
            return new MemberVerdict(space, freeDisk, Action.SKIP, space.reclaimablePercent() + "% reclaimable, not more than "
                    + options.minReclaimablePercent() + "% (--min-reclaimable)");
        }
        return new MemberVerdict(space, freeDisk, Action.DEFRAGMENT, space.reclaimablePercent() + "% reclaimable ("
                + Bytes.show(space.reclaimable()) + "), free disk " + Bytes.show(freeDisk));
    }
}
