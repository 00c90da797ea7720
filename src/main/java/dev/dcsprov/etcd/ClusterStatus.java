package dev.dcsprov.etcd;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One look at a running cluster, as {@code dcsprov status} shows it: the member list, endpoint
 * health and status of every member (a member that does not answer is reported, not skipped),
 * and the expiry of each member's deployed certificate.
 *
 * @param via           the member etcdctl ran on
 * @param unreachable   members dcsprov could not reach over SSH, with why
 */
public record ClusterStatus(String via, List<MemberRow> members, List<EndpointHealth> health,
                            List<EndpointStatus> status, List<StatusError> statusErrors,
                            List<CertificateExpiry> certificates, List<String> unreachable) {

    public record MemberRow(String id, String status, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
    }

    /** An endpoint that gave no status, with etcdctl's error. */
    public record StatusError(String endpoint, String error) {
    }

    public record CertificateExpiry(String member, Optional<Instant> notAfter, long daysLeft, String error) {
    }

    /** Healthy means: every member endpoint healthy, every one answered its status, and there is a leader. */
    public boolean healthy(int expectedMembers) {
        return unreachable.isEmpty()
                && health.size() == expectedMembers && health.stream().allMatch(EndpointHealth::healthy)
                && status.size() == expectedMembers && status.stream().anyMatch(EndpointStatus::isLeader)
                && status.stream().allMatch(s -> s.errors().isEmpty());
    }
}
