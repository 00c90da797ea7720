package dev.dcsprov.maintain;

import dev.dcsprov.cluster.ClusterMember;
import dev.dcsprov.cluster.EtcdCluster;
import dev.dcsprov.cluster.EtcdctlCluster;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.EtcdId;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Space and alarms per member, for {@code dcsprov status}: database size, size in use, the quota and
 * the share of it used, and the alarms each member raised (etcd lists every active alarm of the
 * cluster in every member's status, each with the ID of the member that raised it).
 */
public final class SpaceReport {

    /** One member's row. {@code alarms} are the types this member raised. */
    public record Row(MemberSpace space, List<String> alarms) {
    }

    private SpaceReport() {
    }

    /** Rows for the members that answered, in member order. */
    public static List<Row> rows(List<EndpointStatus> status, List<ClusterMember> members, long quota) {
        List<EtcdCluster.Alarm> all = allAlarms(status);
        List<Row> rows = new ArrayList<>();
        for (ClusterMember m : members) {
            Optional<EndpointStatus> s = status.stream().filter(x -> x.endpoint().equals(m.clientUrl())).findFirst();
            s.ifPresent(st -> rows.add(new Row(MemberSpace.of(m.name(), st, quota), all.stream()
                    .filter(a -> a.member().equals(st.header().memberId())).map(EtcdCluster.Alarm::type).distinct().toList())));
        }
        return rows;
    }

    /** Every active alarm as "member: TYPE", the member by name when it is one of {@code members}, else by its hex ID. */
    public static List<String> alarms(List<EndpointStatus> status, List<ClusterMember> members) {
        List<String> out = new ArrayList<>();
        for (EtcdCluster.Alarm a : allAlarms(status)) {
            out.add(nameOf(a.member(), status, members) + ": " + a.type());
        }
        return out;
    }

    /** The members whose database file is above {@code percent} of the quota. */
    public static List<MemberSpace> above(List<Row> rows, int percent) {
        return rows.stream().map(Row::space).filter(s -> s.quota() > 0 && s.dbSize() * 100 > (long) percent * s.quota()).toList();
    }

    private static List<EtcdCluster.Alarm> allAlarms(List<EndpointStatus> status) {
        Set<EtcdCluster.Alarm> all = new LinkedHashSet<>();
        status.forEach(s -> s.errors().forEach(e -> all.addAll(EtcdctlCluster.parseAlarms(e))));
        return List.copyOf(all);
    }

    private static String nameOf(EtcdId id, List<EndpointStatus> status, List<ClusterMember> members) {
        return status.stream().filter(s -> s.header().memberId().equals(id)).findFirst()
                .flatMap(s -> members.stream().filter(m -> m.clientUrl().equals(s.endpoint())).findFirst())
                .map(ClusterMember::name).orElse(id.hex());
    }
}
