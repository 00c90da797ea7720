package dev.dcsprov.maintain;

import dev.dcsprov.cluster.ClusterMember;

/** Free bytes of the filesystem that holds a member's data directory: a defragmentation writes a new copy of the database there. */
@FunctionalInterface
public interface FreeDisk {
    long freeBytes(ClusterMember member);
}
