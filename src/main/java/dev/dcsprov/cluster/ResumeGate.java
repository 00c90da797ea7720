package dev.dcsprov.cluster;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The health gate of a run that continues an interrupted one. A member the interrupted run itself
 * took down (its journal says it stopped inside that member's step: new files, restart) is not an
 * unhealthy cluster to refuse but the next member to finish, provided the cluster keeps quorum
 * without it: every other member healthy ({@link ClusterHealth}), one leader among them, and they
 * are a majority. Anything else unhealthy is refused as before, saying what recovers it.
 */
public final class ResumeGate {

    /**
     * @param health     the cluster as judged (all members, or all but {@code downMember})
     * @param downMember the interrupted member, when it is the one not answering
     */
    public record Admission(ClusterHealth health, Optional<String> downMember) {
    }

    /** The cluster cannot lose the interrupted member safely now: said as such, not as a plain unhealthy cluster. */
    public static final class Refusal extends DcsprovException {
        Refusal(String summary, String detail, String fix) {
            super(ExitCode.UNSAFE, summary, detail, fix);
        }
    }

    private final EtcdCluster etcd;
    private final List<ClusterMember> members;
    private final HealthGate gate;
    private final Waiting waiting;

    public ResumeGate(EtcdCluster etcd, List<ClusterMember> members, HealthGate gate, Waiting waiting) {
        this.etcd = etcd;
        this.members = List.copyOf(members);
        this.gate = gate;
        this.waiting = waiting;
    }

    /**
     * @param interrupted the member the journal says the interrupted run left inside a step
     * @param operation   for messages, e.g. "rotate-certs"
     * @param resume      the command that finishes the job, for messages
     * @throws DcsprovException (exit 6) when the cluster is unhealthy and the journal does not explain it,
     *                          or the others would not keep quorum while the member is finished
     */
    public Admission admit(Optional<String> interrupted, Duration timeout, String operation, String resume) {
        Optional<ClusterMember> down = interrupted.flatMap(n -> members.stream().filter(m -> m.name().equals(n)).findFirst())
                .filter(m -> etcd.health(List.of(m.clientUrl())).stream().noneMatch(gate::healthy));
        if (down.isEmpty()) {
            // Nothing the journal explains is down: the plain rule, with the interrupted member (if any) simply first.
            return new Admission(gate.await(timeout, "before " + operation), Optional.empty());
        }
        String name = down.get().name();
        List<ClusterMember> rest = members.stream().filter(m -> !m.name().equals(name)).toList();
        boolean majority = rest.size() * 2 > members.size();
        ClusterHealth others;
        String unhealthy = "";
        try {
            others = majority ? gate.over(rest.stream().map(ClusterMember::clientUrl).toList())
                    .await(timeout, "without " + name) : gate.check();
        } catch (DcsprovException e) {
            others = null;
            unhealthy = e.detail().orElse(e.summary());
        }
        if (majority && others != null && others.healthy() && others.leader().isPresent()) {
            return new Admission(others, Optional.of(name));
        }
        String why = !majority
                ? "without " + name + " only " + rest.size() + " of " + members.size() + " members remain, not a majority"
                : "the other members are not healthy with a leader";
        throw new Refusal(operation + " refused: " + name
                + ", which the interrupted run left mid-step, cannot be finished safely",
                (unhealthy.isEmpty() ? "" : unhealthy + "\n") + "The journal explains " + name + " (the interrupted run was changing it), but "
                        + why + ": restarting " + name + " now could cost quorum. Nothing was changed.",
                "bring the other members back first (systemctl start etcd on each, then check with 'dcsprov status'), then "
                        + resume + ": it finishes " + name + " first");
    }
}
