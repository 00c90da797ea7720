package dev.dcsprov.patroni;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each Patroni cluster (scope) as Patroni itself reports it (REST /cluster), for {@code status}: its leader and
 * members, from the first Patroni host of that scope that answered. Hosts that did not answer are listed.
 *
 * @param scope    Patroni's scope (from /patroni)
 * @param leader   the member with role leader, or empty when there is none
 * @param members  name, role, state, timeline and lag of each member, as /cluster lists them
 * @param askedOn  the Patroni host whose REST API answered
 */
public record PatroniStatus(String scope, String leader, List<Map<String, Object>> members, String askedOn) {

    /** Per scope, in inventory order; {@code unanswered} collects "host: why" for hosts with no answer. */
    public static List<PatroniStatus> of(Map<String, PatroniFacts> byHost, List<String> unanswered) {
        Map<String, PatroniStatus> scopes = new LinkedHashMap<>();
        byHost.forEach((host, f) -> {
            Optional<JsonNode> cluster = f.cluster();
            if (f.patroni().isEmpty() || cluster.isEmpty()) {
                unanswered.add(host + ": " + (f.unitActive() ? "REST API not answering: " + f.restError() : "Patroni is not running"));
                return;
            }
            String scope = f.patroni().get().path("patroni").path("scope").asText("?");
            if (scopes.containsKey(scope)) {
                return;
            }
            List<Map<String, Object>> members = new ArrayList<>();
            String leader = "";
            for (JsonNode m : cluster.get().path("members")) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", m.path("name").asText());
                row.put("role", m.path("role").asText());
                row.put("state", m.path("state").asText());
                row.put("timeline", m.path("timeline").asLong(0));
                row.put("lag", m.has("lag") ? m.get("lag").asText() : "");
                row.put("host", m.path("host").asText());
                members.add(row);
                if (m.path("role").asText().equals("leader") || m.path("role").asText().equals("standby_leader")) {
                    leader = m.path("name").asText();
                }
            }
            scopes.put(scope, new PatroniStatus(scope, leader, members, host));
        });
        return List.copyOf(scopes.values());
    }
}
