package dev.dcsprov.etcd;

import java.util.List;
import java.util.Optional;

/** {@code etcdctl member list}: the members and the header, whose cluster ID tells one cluster from another. */
public record MemberList(ResponseHeader header, List<Member> members) {

    public MemberList {
        members = List.copyOf(members);
    }

    public Optional<Member> byName(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** Finds a member by peer URL, the only thing known of a member that was added but not started. */
    public Optional<Member> byPeerUrl(String peerUrl) {
        return members.stream().filter(m -> m.peerUrls().contains(peerUrl)).findFirst();
    }
}
