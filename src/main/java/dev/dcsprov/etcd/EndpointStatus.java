package dev.dcsprov.etcd;

import java.util.List;

/**
 * One entry of {@code etcdctl endpoint status -w json}. Raft counters are unsigned 64-bit in
 * etcd; they stay far below 2^63 in practice, so they are plain longs.
 *
 * @param errors alarms and other problems the member reports, e.g. a NOSPACE alarm
 */
public record EndpointStatus(String endpoint, ResponseHeader header, String version, long dbSize,
                             EtcdId leader, long raftIndex, long raftTerm, long raftAppliedIndex,
                             List<String> errors, long dbSizeInUse, boolean learner) {

    public EndpointStatus {
        errors = List.copyOf(errors);
    }

    /** The same answer filed under another endpoint (e.g. the host name, for a member that answered on 127.0.0.1). */
    public EndpointStatus withEndpoint(String other) {
        return new EndpointStatus(other, header, version, dbSize, leader, raftIndex, raftTerm, raftAppliedIndex, errors,
                dbSizeInUse, learner);
    }

    /** The member behind this endpoint is the leader it reports. */
    public boolean isLeader() {
        return leader.equals(header.memberId());
    }

    /** A member that knows no leader reports leader 0. */
    public boolean hasLeader() {
        return leader.bits() != 0;
    }
}
