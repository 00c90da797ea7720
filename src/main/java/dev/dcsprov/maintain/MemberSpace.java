package dev.dcsprov.maintain;

import dev.dcsprov.etcd.EndpointStatus;

/**
 * One member's database as etcd reports it: the file's size, the part in use, and the quota
 * (ETCD_QUOTA_BACKEND_BYTES) beyond which etcd raises NOSPACE and refuses writes.
 */
public record MemberSpace(String member, long dbSize, long inUse, long quota) {

    public static MemberSpace of(String member, EndpointStatus s, long quota) {
        return new MemberSpace(member, s.dbSize(), s.dbSizeInUse(), quota);
    }

    /** Bytes a defragmentation would give back to the filesystem. */
    public long reclaimable() {
        return Math.max(0, dbSize - inUse);
    }

    /** The free share of the database file, in whole percent (rounded down). */
    public int reclaimablePercent() {
        return dbSize == 0 ? 0 : (int) (reclaimable() * 100 / dbSize);
    }

    /** The database file's size as a share of the quota, in whole percent (rounded down); etcd checks the file size. */
    public int quotaPercent() {
        return quota <= 0 ? 0 : (int) (dbSize * 100 / quota);
    }
}
