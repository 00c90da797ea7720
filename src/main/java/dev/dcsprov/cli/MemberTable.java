package dev.dcsprov.cli;

import dev.dcsprov.membership.MembershipPlan;
import dev.dcsprov.etcd.EndpointHealth;
import dev.dcsprov.etcd.EndpointStatus;
import dev.dcsprov.etcd.Member;
import dev.dcsprov.etcd.MemberList;
import dev.dcsprov.inventory.Host;
import dev.dcsprov.inventory.Inventory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The membership as {@code dcsprov member list} prints it, with each member's inventory host (or none). */
final class MemberTable {
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final String clusterId;

    MemberTable(Inventory inventory, MemberList list, List<EndpointStatus> status, List<EndpointHealth> health) {
        this.clusterId = list.header().clusterId().hex();
        for (Member m : list.members()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", m.idHex());
            r.put("name", MembershipPlan.displayName(m));
            r.put("status", !m.started() ? "unstarted" : health.stream().anyMatch(h -> m.clientUrls().contains(h.endpoint()) && h.healthy())
                    ? "healthy" : m.learner() ? "started" : "unhealthy");
            r.put("role", m.learner() ? "learner" : "voter");
            r.put("leader", status.stream().anyMatch(s -> s.isLeader() && s.header().memberId().equals(m.id())));
            r.put("peer_urls", String.join(",", m.peerUrls()));
            r.put("client_urls", String.join(",", m.clientUrls()));
            r.put("inventory_host", inventory.members().stream()
                    .filter(h -> h.memberName().equals(m.name()) || m.peerUrls().contains(h.peerUrl(inventory.cluster())))
                    .map(Host::name).findFirst().orElse(""));
            rows.add(r);
        }
    }

    String text() {
        String[] cols = {"id", "name", "status", "role", "leader", "peer_urls", "client_urls", "inventory_host"};
        String[] heads = {"ID", "NAME", "STATUS", "ROLE", "LEADER", "PEER URLS", "CLIENT URLS", "INVENTORY HOST"};
        int[] width = new int[cols.length];
        for (int i = 0; i < cols.length; i++) {
            width[i] = heads[i].length();
            for (Map<String, Object> r : rows) {
                width[i] = Math.max(width[i], cell(r, cols[i]).length());
            }
        }
        StringBuilder out = new StringBuilder("cluster ID " + clusterId + ", " + rows.size() + " members\n");
        line(out, heads, width);
        for (Map<String, Object> r : rows) {
            String[] cells = new String[cols.length];
            for (int i = 0; i < cols.length; i++) {
                cells[i] = cell(r, cols[i]);
            }
            line(out, cells, width);
        }
        return out.toString();
    }

    String json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("cluster_id", clusterId);
        doc.put("members", rows);
        try {
            return JsonReporter.JSON.writeValueAsString(doc);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cell(Map<String, Object> r, String col) {
        Object v = r.get(col);
        if (v instanceof Boolean b) {
            return b ? "*" : "";
        }
        return v.toString().isEmpty() ? "-" : v.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] width) {
        for (int i = 0; i < cells.length; i++) {
            out.append(i == cells.length - 1 ? cells[i] : String.format("%-" + (width[i] + 2) + "s", cells[i]));
        }
        out.append('\n');
    }
}
