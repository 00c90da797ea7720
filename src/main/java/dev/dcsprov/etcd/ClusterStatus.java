package dev.dcsprov.etcd;

import dev.dcsprov.cluster.ClusterHealth;

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

    /** Healthy as every gate means it ({@link ClusterHealth}), and every member reachable over SSH. */
    public boolean healthy(int expectedMembers) {
        return unreachable.isEmpty() && health.size() == expectedMembers && judge().healthy();
    }

    /** The verdict on the members' answers: health lists every inventory member's endpoint. */
    public ClusterHealth judge() {
        return ClusterHealth.judge(health.stream().map(EndpointHealth::endpoint).toList(), Optional.of(health), status);
    }
}
