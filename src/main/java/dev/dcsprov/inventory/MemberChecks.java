package dev.dcsprov.inventory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Checks across members: names and addresses must be unique; the member count should give real fault tolerance. */
final class MemberChecks {
    static final int MAX_RECOMMENDED = 7;

    private MemberChecks() {
    }

    /** @param varsByHost each member's merged variables, to point at the definition that clashes */
    static void check(List<Host> hosts, Map<String, Map<String, Var>> varsByHost, Problems problems) {
        unique(hosts, Host::memberName, List.of("etcd_name"), "etcd member name", varsByHost, problems);
        unique(hosts, Host::advertiseAddress, List.of("etcd_advertise_address", "ansible_host"), "advertise address",
                varsByHost, problems);
    }

    /** Variables are tried in order: the first one set decides the value, so it is the one to blame. */
    private static void unique(List<Host> hosts, Function<Host, String> key, List<String> variables, String what,
                               Map<String, Map<String, Var>> varsByHost, Problems problems) {
        Map<String, Host> seen = new HashMap<>();
        for (Host host : hosts) {
            Host first = seen.putIfAbsent(key.apply(host), host);
            if (first == null) {
                continue;
            }
            Map<String, Var> vars = varsByHost.getOrDefault(host.name(), Map.of());
            Var var = variables.stream().map(vars::get).filter(v -> v != null).findFirst().orElse(null);
            SourceLocation at = var != null && var.isHostLevel() ? var.location() : host.location();
            problems.error(at, "hosts " + first.name() + " and " + host.name() + " have the same " + what + " '"
                    + key.apply(host) + "'", "every member needs its own " + variables.get(0));
        }
    }

    static void warnAboutSize(String group, int count, Problems problems) {
        if (count % 2 == 0) {
            problems.warn("group '" + group + "' has " + count + " members: " + count
                    + " members tolerate no more failures than " + (count - 1) + "; use an odd number");
        }
        if (count > MAX_RECOMMENDED) {
            problems.warn("group '" + group + "' has " + count + " members: more than " + MAX_RECOMMENDED
                    + " slows every write and etcd does not recommend it");
        }
    }
}
