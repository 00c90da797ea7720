package dev.dcsprov.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dcsprov.pki.KeyAlgorithm;
import dev.dcsprov.pki.PkiStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.dcsprov.cli.MainTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dcsprov monitoring: the files parse, hold every rule and a path (never the content) of the key, and promtool accepts them. */
class MonitoringCommandTest {
    private static final List<String> RULES = List.of("EtcdMemberDown", "EtcdNoLeader", "EtcdFrequentLeaderChanges",
            "EtcdDatabaseQuotaHigh", "EtcdWalFsyncSlow", "EtcdBackendCommitSlow", "EtcdPeerRoundTripSlow",
            "EtcdProposalsFailing", "EtcdLearnerNotPromoted", "EtcdCertificateRenewalDue", "EtcdCertificateExpired");

    private static Path inventory(Path dir, String extraVars) throws IOException {
        Path inv = dir.resolve("inv.yml");
        Files.writeString(inv, """
                all:
                  vars:
                    etcd_cluster_name: mon
                %s  children:
                    etcd:
                      hosts:
                        dcs-33: {ansible_host: 192.168.56.43}
                        dcs-34: {ansible_host: 192.168.56.44}
                        dcs-35: {ansible_host: 192.168.56.45}
                """.formatted(extraVars));
        PkiStore pki = new PkiStore(dir.resolve("pki/mon"));
        pki.ensureCa("mon", KeyAlgorithm.ECDSA_P256, 3650);
        return inv;
    }

    /** {@code dcsprov monitoring INVENTORY --out OUT -o json} on an inventory with these all.vars lines; it must exit 0. */
    private static JsonNode packJson(Path dir, String vars, Path out) throws Exception {
        MainTest.Run r = run("monitoring", inventory(dir, vars).toString(), "--out", out.toString(), "-o", "json");
        assertEquals(0, r.exit(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutMetricsPortScrapesHttpsOnTheClientPortWithAClientCertificateByPath(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("pack");
        JsonNode doc = packJson(dir, "", out);
        assertEquals(List.of(out.resolve("prometheus-etcd.yml").toAbsolutePath().toString(),
                out.resolve("etcd-alerts.yml").toAbsolutePath().toString()),
                List.of(doc.get("files").get(0).asText(), doc.get("files").get(1).asText()), doc.toString());

        Map<String, Object> config = yaml(out.resolve("prometheus-etcd.yml"));
        Map<String, Object> job = ((List<Map<String, Object>>) config.get("scrape_configs")).get(0);
        assertEquals("https", job.get("scheme"));
        Map<String, Object> tls = (Map<String, Object>) job.get("tls_config");
        Path key = Path.of((String) tls.get("key_file"));
        assertEquals(dir.resolve("pki/mon/clients/prometheus.key").toAbsolutePath(), key, "the prometheus client certificate");
        assertTrue(Files.isRegularFile(key));
        List<Map<String, Object>> statics = (List<Map<String, Object>>) job.get("static_configs");
        assertEquals(List.of("192.168.56.43:2379", "192.168.56.44:2379", "192.168.56.45:2379"),
                statics.stream().map(s -> ((List<String>) s.get("targets")).get(0)).toList());
        assertEquals("dcs-34", ((Map<String, Object>) statics.get(1).get("labels")).get("member"));
        for (String file : List.of("prometheus-etcd.yml", "etcd-alerts.yml")) {
            assertFalse(Files.readString(out.resolve(file)).contains("PRIVATE KEY"), file + " holds a key");
        }

        Map<String, Object> alerts = yaml(out.resolve("etcd-alerts.yml"));
        List<Map<String, Object>> rules = (List<Map<String, Object>>) ((List<Map<String, Object>>) alerts.get("groups")).get(0).get("rules");
        List<String> names = rules.stream().map(x -> (String) x.get("alert")).toList();
        for (String rule : RULES) {
            assertTrue(names.contains(rule), rule + " in " + names);
        }
        Map<String, Object> quota = rules.stream().filter(x -> x.get("alert").equals("EtcdDatabaseQuotaHigh")).findFirst().orElseThrow();
        assertEquals("etcd_mvcc_db_total_size_in_bytes{job=\"etcd-mon\"} / etcd_server_quota_backend_bytes{job=\"etcd-mon\"} > 0.8",
                quota.get("expr"));
        assertEquals("1m", quota.get("for"), "a realistic default");
        // CA, the prometheus client: each has a renewal and an expiry rule with its not-after written in.
        long expiry = rules.stream().filter(x -> x.get("alert").equals("EtcdCertificateExpired")).count();
        assertEquals(2, expiry, names.toString());
        Map<String, Object> ca = rules.stream().filter(x -> x.get("alert").equals("EtcdCertificateExpired")
                && "ca".equals(((Map<String, Object>) x.get("labels")).get("certificate"))).findFirst().orElseThrow();
        long notAfter = new PkiStore(dir.resolve("pki/mon")).caInfo().orElseThrow().notAfter().getEpochSecond();
        assertEquals("vector(time()) > " + notAfter, ca.get("expr"));

        promtool("check", "rules", out.resolve("etcd-alerts.yml").toString());
        promtool("check", "config", out.resolve("prometheus-etcd.yml").toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void metricsPortScrapesPlainHttpOnThatPortWithoutCertificate(@TempDir Path dir) throws Exception {
        Path inv = inventory(dir, "    etcd_metrics_port: 2381\n");
        Path out = dir.resolve("pack");
        MainTest.Run r = run("monitoring", inv.toString(), "--out", out.toString(), "--interval", "2s", "--alert-for", "5s");
        assertEquals(0, r.exit(), r.err());
        Map<String, Object> config = yaml(out.resolve("prometheus-etcd.yml"));
        assertEquals("2s", ((Map<String, Object>) config.get("global")).get("scrape_interval"));
        Map<String, Object> job = ((List<Map<String, Object>>) config.get("scrape_configs")).get(0);
        assertEquals("http", job.get("scheme"));
        assertFalse(job.containsKey("tls_config"));
        assertEquals(List.of("192.168.56.43:2381"), ((List<Map<String, Object>>) job.get("static_configs")).get(0).get("targets"));
        assertFalse(Files.exists(dir.resolve("pki/mon/clients/prometheus.crt")), "no client certificate needed");
        assertTrue(Files.readString(out.resolve("etcd-alerts.yml")).contains("for: 5s"));
        promtool("check", "rules", out.resolve("etcd-alerts.yml").toString());
        promtool("check", "config", out.resolve("prometheus-etcd.yml").toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void nodeExporterAddsAJobAndSnapshotRulesWithTheAgeDerivedFromTheSchedule(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("pack");
        JsonNode doc = packJson(dir, "    etcd_node_exporter_port: 9100\n    dcsprov_backup_schedule: daily\n", out);
        assertEquals("etcd-mon-node", doc.get("node_exporter_job").asText(), doc.toString());
        assertEquals(86_400 + 16 * 60, doc.get("snapshot_max_age_seconds").asLong(), "one day plus the 16 min allowance");
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) yaml(out.resolve("prometheus-etcd.yml")).get("scrape_configs");
        assertEquals(List.of("etcd-mon", "etcd-mon-node"), jobs.stream().map(j -> j.get("job_name")).toList());
        Map<String, Object> node = jobs.get(1);
        assertEquals("http", node.get("scheme"));
        List<Map<String, Object>> statics = (List<Map<String, Object>>) node.get("static_configs");
        assertEquals(List.of("192.168.56.43:9100", "192.168.56.44:9100", "192.168.56.45:9100"),
                statics.stream().map(x -> ((List<String>) x.get("targets")).get(0)).toList());
        assertEquals("dcs-35", ((Map<String, Object>) statics.get(2).get("labels")).get("member"), "the same member label as etcd's job");
        Map<String, Map<String, Object>> rules = rulesByName(out);
        assertEquals("time() - dcsprov_snapshot_last_success_timestamp_seconds{job=\"etcd-mon-node\"} > 87360",
                rules.get("EtcdSnapshotTooOld").get("expr"));
        assertEquals("1d16m", rules.get("EtcdSnapshotMetricMissing").get("for"), "absent for as long as a snapshot may be old");
        assertTrue(rules.containsKey("EtcdSnapshotFailed"), rules.keySet().toString());
        promtool("check", "rules", out.resolve("etcd-alerts.yml").toString());
        promtool("check", "config", out.resolve("prometheus-etcd.yml").toString());

        // Without a schedule there is nothing to be late: the job, but no snapshot rule.
        Path plain = dir.resolve("plain");
        Files.createDirectories(plain);
        Path inv2 = inventory(plain, "    etcd_node_exporter_port: 9100\n");
        assertEquals(0, run("monitoring", inv2.toString(), "--out", plain.resolve("pack").toString()).exit());
        assertFalse(rulesByName(plain.resolve("pack")).containsKey("EtcdSnapshotTooOld"));
        assertTrue(Files.readString(plain.resolve("pack/prometheus-etcd.yml")).contains("etcd-mon-node"));
    }

    /**
     * promtool test rules runs the pack's snapshot rules on made-up series: dcs-33 snapshots every minute (never
     * late), dcs-34 took one at time 0 and none since, and its last run failed; dcs-35's node_exporter answers
     * without any snapshot metric. With a maximum age of 5m and --alert-for 1m: at 4m nothing fires, at 10m the age
     * alert fires for dcs-34 only, the failure alert for dcs-34 only, and the missing-metric alert for dcs-35 only.
     */
    @Test
    void promtoolUnitTestsTheSnapshotRulesOnMadeUpSeries(@TempDir Path dir) throws Exception {
        Path inv = inventory(dir, "    etcd_node_exporter_port: 9100\n    dcsprov_backup_schedule: '*-*-* *:00/5:00'\n"
                + "    dcsprov_backup_max_age: 5m\n");
        Path out = dir.resolve("pack");
        MainTest.Run r = run("monitoring", inv.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("snapshot age alert above 5m"), r.out());
        String series = "{job=\"etcd-mon-node\",cluster=\"mon\",instance=\"192.168.56.4%d:9100\",member=\"dcs-3%d\"}";
        String tests = """
                rule_files: [etcd-alerts.yml]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'up%1$s'
                        values: '1x20'
                      - series: 'up%2$s'
                        values: '1x20'
                      - series: 'up%3$s'
                        values: '1x20'
                      - series: 'dcsprov_snapshot_last_success_timestamp_seconds%1$s'
                        values: '0+60x20'
                      - series: 'dcsprov_snapshot_last_failure_timestamp_seconds%1$s'
                        values: '10x20'
                      - series: 'dcsprov_snapshot_last_success_timestamp_seconds%2$s'
                        values: '0x20'
                      - series: 'dcsprov_snapshot_last_failure_timestamp_seconds%2$s'
                        values: '100x20'
                    alert_rule_test:
                      - {eval_time: 4m, alertname: EtcdSnapshotTooOld, exp_alerts: []}
                      - {eval_time: 4m, alertname: EtcdSnapshotMetricMissing, exp_alerts: []}
                      - eval_time: 10m
                        alertname: EtcdSnapshotTooOld
                        exp_alerts:
                          - exp_labels: {severity: warning, job: etcd-mon-node, cluster: mon, instance: '192.168.56.44:9100', member: dcs-34}
                            exp_annotations:
                              summary: 'the newest scheduled snapshot of etcd member dcs-34 is 10m 0s old (more than 5m): see systemctl status dcsprov-snapshot.timer dcsprov-snapshot on it'
                      - eval_time: 10m
                        alertname: EtcdSnapshotMetricMissing
                        exp_alerts:
                          - exp_labels: {severity: warning, job: etcd-mon-node, cluster: mon, instance: '192.168.56.45:9100', member: dcs-35}
                            exp_annotations:
                              summary: 'etcd member dcs-35 has published no snapshot metric for 5m: node_exporter down or not installed, or no scheduled snapshot succeeded there'
                      - eval_time: 10m
                        alertname: EtcdSnapshotFailed
                        exp_alerts:
                          - exp_labels: {severity: warning, job: etcd-mon-node, cluster: mon, instance: '192.168.56.44:9100', member: dcs-34}
                            exp_annotations:
                              summary: 'the last scheduled snapshot run on etcd member dcs-34 failed: see journalctl -u dcsprov-snapshot on it'
                """.formatted(series.formatted(3, 3), series.formatted(4, 4), series.formatted(5, 5));
        Path file = Files.writeString(out.resolve("snapshot-rules-test.yml"), tests);
        promtool("test", "rules", file.toString());
    }

    @Test
    void aCalendarWithoutAKnownPeriodNeedsAMaximumAgeOnceNodeExporterIsSet(@TempDir Path dir) throws Exception {
        Path inv = inventory(dir, "    etcd_node_exporter_port: 9100\n    dcsprov_backup_schedule: '*-*-* 02:30:00'\n");
        MainTest.Run r = run("monitoring", inv.toString(), "--out", dir.resolve("pack").toString());
        assertEquals(3, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("has no period dcsprov knows") && r.err().contains("dcsprov_backup_max_age"), r.err());
        Path clash = dir.resolve("clash");
        Files.createDirectories(clash);
        MainTest.Run c = run("monitoring", inventory(clash, "    etcd_node_exporter_port: 2379\n").toString());
        assertEquals(3, c.exit(), c.err());
        assertTrue(c.err().contains("etcd_node_exporter_port 2379 is also etcd's client port"), c.err());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> rulesByName(Path pack) throws IOException {
        Map<String, Object> alerts = yaml(pack.resolve("etcd-alerts.yml"));
        List<Map<String, Object>> rules = (List<Map<String, Object>>) ((List<Map<String, Object>>) alerts.get("groups")).get(0).get("rules");
        Map<String, Map<String, Object>> byName = new java.util.LinkedHashMap<>();
        rules.forEach(x -> byName.putIfAbsent((String) x.get("alert"), x));
        return byName;
    }

    @Test
    void badDurationAndMissingPkiAreRefused(@TempDir Path dir) throws Exception {
        Path inv = inventory(dir, "");
        assertEquals(2, run("monitoring", inv.toString(), "--alert-for", "5 minutes").exit());
        Path bare = dir.resolve("other");
        Files.createDirectories(bare);
        Files.copy(inv, bare.resolve("inv.yml"));
        MainTest.Run r = run("monitoring", bare.resolve("inv.yml").toString(), "--out", dir.resolve("x").toString());
        assertEquals(8, r.exit(), r.err());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written");
    }

    private static void promtool(String... args) throws Exception {
        boolean present = Files.isExecutable(Path.of("/usr/bin/promtool"));
        Assumptions.assumeTrue(present, "promtool is not installed (apt-get install prometheus): the files were not checked by promtool");
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + output);
    }
}
