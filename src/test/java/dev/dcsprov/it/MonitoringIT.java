package dev.dcsprov.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitoring pack against a real Prometheus (Debian's prometheus binary, started here on loopback):
 * a cluster with a 16 MiB quota, then etcd_metrics_port added (apply restarts every member); dcsprov monitoring writes the pack; Prometheus
 * scrapes all three members over plain HTTP; then the lab is made to meet two rules — the database filled
 * above 80% of the quota with etcdctl, two members stopped — and /api/v1/alerts shows both alerts pending,
 * then firing. Before that, the scheduled snapshots' metrics end to end: Debian's prometheus-node-exporter on
 * every member (installed by the test through the lab's apt proxy; dcsprov does not install it), the same
 * apply adds a daily backup schedule, node_exporter's port and a 20 s dcsprov_backup_max_age, the snapshot
 * service started by hand publishes dcsprov_snapshot_* (curl of each member's :9100/metrics), and
 * EtcdSnapshotTooOld fires and clears, EtcdSnapshotFailed fires and clears.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIT {
    static final List<String> HOSTS = List.of("dcs-33", "dcs-34", "dcs-35");
    static final long QUOTA = 16L * 1024 * 1024;
    static final int METRICS_PORT = 2381;
    static final int NODE_EXPORTER_PORT = 9100;
    /** Small, so the age alert is met within the test: a snapshot older than this is "too old". */
    static final int MAX_AGE_SECONDS = 20;
    private static final Pattern LAST_SUCCESS = Pattern.compile("(?m)^dcsprov_snapshot_last_success_timestamp_seconds (\\S+)$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Random random = new Random(5);
    private Path inventory;
    private Path pki;
    private List<String> endpoints;
    private Process prometheus;
    private String api;

    @BeforeAll
    void clusterAndPrometheus() throws Exception {
        Lab.requireUp();
        Lab.recreate(HOSTS);
        Path dir = Files.createTempDirectory("dcsprov-monitoring-it");
        inventory = Lab.writeInventory(dir, HOSTS, "    etcd_quota_backend_bytes: " + QUOTA + "\n");
        Proc.Result apply = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, apply.exit(), apply::toString);
        // node_exporter as an operator installs it, through the apt proxy apply configured (dcsprov_apt_proxy).
        HOSTS.parallelStream().forEach(h -> {
            Proc.Result r = Lab.ssh(h, "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus-node-exporter"
                    + " && systemctl is-active prometheus-node-exporter", 300);
            assertEquals(0, r.exit(), () -> h + ": " + r);
        });
        // etcd_metrics_port on a running cluster: a config change, rolled out by apply's rolling restart.
        Map<String, String> started = new LinkedHashMap<>();
        HOSTS.forEach(h -> started.put(h, started(h)));
        Lab.addVars(inventory, "etcd_metrics_port: " + METRICS_PORT, "etcd_node_exporter_port: " + NODE_EXPORTER_PORT,
                "dcsprov_backup_schedule: daily", "dcsprov_backup_max_age: " + MAX_AGE_SECONDS + "s");
        Proc.Result roll = Cli.dcsprov("apply", inventory.toString());
        assertEquals(0, roll.exit(), roll::toString);
        for (String h : HOSTS) {
            assertTrue(!started.get(h).equals(started(h)), h + " restarted with the metrics listener: " + roll);
            assertTrue(Lab.sshOk(h, "cat /etc/dcs/etcd").contains("ETCD_LISTEN_METRICS_URLS=\"http://" + Lab.address(h) + ":"
                    + METRICS_PORT + ",http://127.0.0.1:" + METRICS_PORT + "\""), h);
        }
        pki = dir.resolve("pki/dcs");
        endpoints = Cli.endpoints(HOSTS);

        Path pack = dir.resolve("pack");
        Proc.Result m = Cli.dcsprov("monitoring", inventory.toString(), "--out", pack.toString(),
                "--interval", "1s", "--alert-for", "5s", "-o", "json");
        assertEquals(0, m.exit(), m::toString);
        JsonNode files = JSON.readTree(m.out()).get("files");
        assertEquals(pack.resolve("prometheus-etcd.yml").toAbsolutePath().toString(), files.get(0).asText(), m::toString);
        Proc.Result check = Proc.run(List.of("promtool", "check", "config", files.get(0).asText()));
        assertEquals(0, check.exit(), check::toString);

        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        api = "http://127.0.0.1:" + port + "/api/v1/";
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + files.get(0).asText(),
                "--storage.tsdb.path=" + Files.createTempDirectory(dir, "tsdb"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    @AfterAll
    void stopPrometheus() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor();
        }
    }

    @Test
    @Order(1)
    void theScheduledSnapshotsPublishTheirAgeThroughNodeExporterAndTheSnapshotAlertsFireAndClear() throws Exception {
        for (String h : HOSTS) {
            long before = System.currentTimeMillis() / 1000;
            Lab.sshOk(h, "systemctl start dcsprov-snapshot"); // the timer's service, by hand: a oneshot, so this returns when it is done
            double published = lastSuccess(h);
            assertTrue(published >= before && published <= System.currentTimeMillis() / 1000.0, h + ": " + published + " is not this run's time");
        }
        await("all six targets up", 60, () -> upTargets().size() == 6);
        assertEquals(targets(NODE_EXPORTER_PORT, METRICS_PORT), upTargets(), "etcd_metrics_port and node_exporter of every member");

        // No new snapshot for longer than dcsprov_backup_max_age: every member's alert fires; a fresh snapshot clears dcs-33's.
        List<String> old = new ArrayList<>();
        await("EtcdSnapshotTooOld firing for every member", MAX_AGE_SECONDS + 40, () -> {
            seen(old, "EtcdSnapshotTooOld");
            return firingFor("EtcdSnapshotTooOld").size() == 3;
        });
        assertEquals("pending", old.get(0), "pending before firing: " + old);
        Lab.sshOk("dcs-33", "systemctl start dcsprov-snapshot");
        await("EtcdSnapshotTooOld cleared for dcs-33 after its fresh snapshot", 30,
                () -> !members(alerts("EtcdSnapshotTooOld")).contains("dcs-33"));
        assertEquals(Set.of("dcs-34", "dcs-35"), firingFor("EtcdSnapshotTooOld"), "the others are still too old");

        // A failed run (the backup dir with a mode the script refuses) fires EtcdSnapshotFailed for that member; a good run clears it.
        Lab.sshOk("dcs-34", "chmod 0755 /var/lib/dcs/backup");
        Proc.Result failed = Lab.ssh("dcs-34", "systemctl start dcsprov-snapshot");
        assertTrue(failed.exit() != 0, failed::toString);
        assertTrue(metrics("dcs-34").contains("dcsprov_snapshot_last_failure_timestamp_seconds "), "the failure is published");
        await("EtcdSnapshotFailed firing for dcs-34", 30, () -> firingFor("EtcdSnapshotFailed").equals(Set.of("dcs-34")));
        Lab.sshOk("dcs-34", "chmod 0700 /var/lib/dcs/backup && systemctl start dcsprov-snapshot");
        await("EtcdSnapshotFailed cleared after a good run", 30, () -> alerts("EtcdSnapshotFailed").isEmpty());
    }

    @Test
    @Order(2)
    void prometheusScrapesEveryMemberAndTheQuotaAndNoLeaderAlertsFire() throws Exception {
        await("all six targets up", 60, () -> upTargets().size() == 6);
        assertEquals(targets(NODE_EXPORTER_PORT, METRICS_PORT), upTargets(),
                "plain HTTP on etcd_metrics_port of every member (and node_exporter)");

        List<String> quota = new ArrayList<>();
        fillAboveEightyPercent(() -> seen(quota, "EtcdDatabaseQuotaHigh"));
        await("EtcdDatabaseQuotaHigh firing", 60, () -> seen(quota, "EtcdDatabaseQuotaHigh").contains("firing"));
        assertEquals("pending", quota.get(0), "pending before firing: " + quota);

        Lab.sshOk("dcs-34", "systemctl stop etcd");
        Lab.sshOk("dcs-35", "systemctl stop etcd");
        List<String> noLeader = new ArrayList<>();
        await("EtcdNoLeader firing", 60, () -> seen(noLeader, "EtcdNoLeader").contains("firing"));
        assertEquals("pending", noLeader.get(0), "pending before firing: " + noLeader);
        JsonNode firing = alerts("EtcdNoLeader").stream().filter(a -> a.get("state").asText().equals("firing")).findFirst().orElseThrow();
        assertEquals("dcs-33", firing.get("labels").get("member").asText(), "the one member left has no leader");
    }

    private static Set<String> targets(int... ports) {
        Set<String> t = new java.util.TreeSet<>();
        for (int port : ports) {
            HOSTS.forEach(h -> t.add(Lab.address(h) + ":" + port));
        }
        return t;
    }

    /** node_exporter's page, fetched from this machine over the lab bridge (the lab's hosts have no curl). */
    private static String metrics(String host) {
        Proc.Result r = Proc.run(List.of("curl", "-sS", "--max-time", "5", "http://" + Lab.address(host) + ":" + NODE_EXPORTER_PORT + "/metrics"));
        assertEquals(0, r.exit(), r::toString);
        return r.out();
    }

    private static double lastSuccess(String host) {
        Matcher m = LAST_SUCCESS.matcher(metrics(host));
        assertTrue(m.find(), host + " publishes no dcsprov_snapshot_last_success_timestamp_seconds");
        assertTrue(metrics(host).contains("\ndcsprov_snapshot_last_size_bytes "), host + " publishes no size");
        return Double.parseDouble(m.group(1));
    }

    private Set<String> firingFor(String alert) {
        return members(alerts(alert).stream().filter(a -> a.get("state").asText().equals("firing")).toList());
    }

    private static Set<String> members(List<JsonNode> alerts) {
        Set<String> m = new java.util.TreeSet<>();
        alerts.forEach(a -> m.add(a.get("labels").get("member").asText()));
        return m;
    }

    private static String started(String host) {
        return Lab.sshOk(host, "systemctl show -p ActiveEnterTimestampMonotonic --value etcd").strip();
    }

    /** 100 kB values overwritten on four keys until etcd (not Prometheus) reports a file above 80% of the quota. */
    private void fillAboveEightyPercent(Runnable watch) throws IOException {
        for (int i = 0; i < 400; i++) {
            watch.run(); // the alert may go pending while we still write: its states are recorded from the start
            Proc.Result r = Cli.etcdctl(pki, endpoints, "put", "/fill/" + (i % 4), value(i));
            if (r.exit() != 0 && r.err().contains("database space exceeded")) {
                return; // above the quota: above 80% too
            }
            assertEquals(0, r.exit(), r::toString);
            if (i % 10 == 9) {
                long smallest = Long.MAX_VALUE;
                for (JsonNode s : JSON.readTree(Cli.etcdctl(pki, endpoints, "endpoint", "status", "-w", "json").out())) {
                    smallest = Math.min(smallest, s.get("Status").get("dbSize").asLong());
                }
                if (smallest > QUOTA * 0.82) {
                    return;
                }
            }
        }
        throw new AssertionError("400 writes of 100 kB did not take the database above 80% of " + QUOTA);
    }

    private String value(int i) {
        StringBuilder b = new StringBuilder("v" + i + "-");
        while (b.length() < 100_000) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    private Set<String> upTargets() {
        Set<String> up = new java.util.TreeSet<>();
        for (JsonNode t : get("targets").get("data").get("activeTargets")) {
            if (t.get("health").asText().equals("up")) {
                up.add(t.get("labels").get("instance").asText());
            }
        }
        return up;
    }

    /** Appends each new state of the alert (pending, firing) to states, and returns them. */
    private List<String> seen(List<String> states, String alert) {
        for (JsonNode a : alerts(alert)) {
            String state = a.get("state").asText();
            if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
                states.add(state);
            }
        }
        return states;
    }

    private List<JsonNode> alerts(String name) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode a : get("alerts").get("data").get("alerts")) {
            if (a.get("labels").get("alertname").asText().equals(name)) {
                found.add(a);
            }
        }
        return found;
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            // Prometheus still starting: nothing up, no alert yet.
            return JSON.createObjectNode().set("data", JSON.createObjectNode().putPOJO("activeTargets", List.of()).putPOJO("alerts", List.of()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Polls every 250 ms (pending lasts the 5 s of --alert-for, so it is seen); a deadline, not a timed assertion. */
    private static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(250);
        }
    }
}
