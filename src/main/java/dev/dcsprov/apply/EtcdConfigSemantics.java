package dev.dcsprov.apply;

import java.util.List;

/**
 * Which config changes need a running member to restart. etcd reads ETCD_INITIAL_* only when it
 * first creates its data, so flipping the state from "new" to "existing" after a bootstrap, or
 * updating the initial member list, changes nothing for a running member.
 */
public final class EtcdConfigSemantics {
    private EtcdConfigSemantics() {
    }

    public static boolean restartNeeded(String before, String after) {
        return !effective(before).equals(effective(after));
    }

    static List<String> effective(String config) {
        return config.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("ETCD_INITIAL_"))
                .sorted().toList();
    }
}
