package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VariablesTest {
    @Test
    void listsEveryVariableOnceWithADescription() {
        List<Variable> all = Variables.all();
        assertEquals(all.size(), new HashSet<>(Variables.names()).size(), "no duplicates");
        all.forEach(v -> assertFalse(v.description().isBlank(), v.name()));
        assertEquals("ansible_host", all.get(0).name());
    }

    @Test
    void documentedDefaultsMatchTheModel() {
        Map<String, String> d = Variables.all().stream().collect(Collectors.toMap(Variable::name, Variable::defaultValue));
        EtcdTuning t = EtcdTuning.defaults();
        assertEquals("2379", d.get("etcd_client_port"));
        assertEquals("2380", d.get("etcd_peer_port"));
        assertEquals(String.valueOf(t.heartbeatIntervalMs()), d.get("etcd_heartbeat_interval"));
        assertEquals(String.valueOf(t.electionTimeoutMs()), d.get("etcd_election_timeout"));
        assertEquals(String.valueOf(t.quotaBackendBytes()), d.get("etcd_quota_backend_bytes"));
        assertEquals(t.autoCompactionMode(), d.get("etcd_auto_compaction_mode"));
        assertEquals(t.autoCompactionRetention(), d.get("etcd_auto_compaction_retention"));
        assertEquals(String.valueOf(t.snapshotCount()), d.get("etcd_snapshot_count"));
        assertEquals("ecdsa-p256", d.get("dcsprov_key_algorithm"));
    }

    @Test
    void reservedPrefixesAreAcceptedAndTyposAreNot() {
        assertTrue(Variables.isKnownOrReserved("etcd_auth_enabled"));
        assertTrue(Variables.isKnownOrReserved("etcd_roles"));
        assertTrue(Variables.isKnownOrReserved("dcsprov_backup_keep"));
        assertFalse(Variables.isKnownOrReserved("dcsprov_backup_kep"), "backup variables are modelled now: typos are errors");
        assertTrue(Variables.isKnownOrReserved("dcsprov_group"));
        assertFalse(Variables.isKnownOrReserved("etcd_clinet_port"));
    }
}
