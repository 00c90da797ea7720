package dev.dcsprov.etcd;

import java.util.List;

/**
 * One entry of {@code etcdctl member list}. A member that was added but has not started yet has
 * an empty name and no client URLs (etcd only learns them when the member first joins).
 */
public record Member(EtcdId id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {

    public Member {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }

    /** The ID as {@code etcdctl member remove} and {@code member promote} take it. */
    public String idHex() {
        return id.hex();
    }

    public boolean started() {
        return !name.isEmpty();
    }
}
