package dev.dcsprov.maintain;

import java.util.List;

/**
 * What {@code dcsprov maintain} would do, from the figures before it starts: compaction target,
 * per member the verdict on defragmentation (sizes as they are now: a compaction frees space in
 * use, so more may be reclaimable by the time a member's turn comes), and the active alarms.
 *
 * @param revision  the cluster's current revision
 * @param compactTo the compaction target, or 0 when there is nothing to compact
 * @param alarms    active alarms as "member: TYPE"
 */
public record MaintenancePlan(long revision, long compactTo, List<MemberVerdict> members, List<String> alarms) {

    public MaintenancePlan {
        members = List.copyOf(members);
        alarms = List.copyOf(alarms);
    }

    public List<String> named(MemberVerdict.Action action) {
        return members.stream().filter(m -> m.action() == action).map(MemberVerdict::member).toList();
    }

    public boolean noSpaceAlarm() {
        return alarms.stream().anyMatch(a -> a.endsWith(": NOSPACE"));
    }
}
