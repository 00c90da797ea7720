package dev.dcsprov.etcd;

/** The header of an etcd v3 response: which cluster and which member answered. */
public record ResponseHeader(EtcdId clusterId, EtcdId memberId, long revision, long raftTerm) {
}
