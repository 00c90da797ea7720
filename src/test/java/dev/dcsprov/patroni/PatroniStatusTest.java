package dev.dcsprov.patroni;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatroniStatusTest {
    /** As Patroni 3.0.2's REST API answered in the lab (2026-12-02), with the probe's own fields around it. */
    static final String PROBE = """
            {"now": 1764654000.5, "load": "loaded", "active": "active", "user": true, "sections": [], "current": "d0b76d240e85c708",
             "current_sha256": "ab", "rest": {"patroni": {"state": "running", "role": "master", "dcs_last_seen": 1764653999,
             "patroni": {"version": "3.0.2", "scope": "main"}, "timeline": 1},
             "config": {"ttl": 30, "loop_wait": 10, "retry_timeout": 10},
             "cluster": {"members": [{"name": "dcs-60", "role": "leader", "state": "running", "host": "192.168.56.70", "port": 5432, "timeline": 1},
              {"name": "dcs-61", "role": "replica", "state": "running", "host": "192.168.56.71", "port": 5432, "timeline": 1, "lag": 0}]}}}
            """;

    @Test
    void leaderAndMembersAsPatroniReportsThem() {
        PatroniFacts f = PatroniProbe.parse(PROBE);
        assertEquals(30, f.ttl());
        assertEquals("master", f.role());
        assertTrue(f.dcsLastSeen() > 0);
        Map<String, PatroniFacts> byHost = new LinkedHashMap<>();
        byHost.put("dcs-60", f);
        byHost.put("dcs-61", f);
        byHost.put("dcs-62", PatroniProbe.parse("{\"load\": \"loaded\", \"active\": \"inactive\", \"rest\": {}}"));
        List<String> unanswered = new ArrayList<>();
        List<PatroniStatus> s = PatroniStatus.of(byHost, unanswered);
        assertEquals(1, s.size(), "one scope, asked once");
        assertEquals("main", s.get(0).scope());
        assertEquals("dcs-60", s.get(0).leader());
        assertEquals(2, s.get(0).members().size());
        assertEquals(List.of("dcs-62: Patroni is not running"), unanswered);
    }
}
