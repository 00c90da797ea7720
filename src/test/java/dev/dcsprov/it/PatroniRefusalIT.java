package dev.dcsprov.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Patroni hosts that are not ready stop apply, rotate-certs --clients and rotate-certs --ca before any etcd member is
 * touched, and the same command finishes once the inventory is fixed. A one-member cluster on dcs-55, which is also a
 * Patroni host; dcs-56 is a host without Patroni; dcs-59 does not exist. The refusals happen before anything changes,
 * so no real Patroni is needed: dcs-55's unit {@code patroni} is a stand-in serving Patroni's REST answers
 * (/patroni, /config, /cluster, in touch with etcd) on port 8009, so on 8008 nothing answers. What the real Patroni
 * does under these commands is {@link PatroniIT}'s. Checked with openssl and ssh, never with dcsprov: the member's
 * served certificate serial and etcd's PID, the local CA and client certificate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniRefusalIT {
    static final String MEMBER = "dcs-55";
    static final String NO_PATRONI = "dcs-56";
    static final String ABSENT = "dcs-59";
    static final List<String> MEMBERS = List.of(MEMBER);
    PatroniScenario s;

    /** A stand-in for Patroni's REST API: running, leader, and in touch with etcd at every answer. */
    static final String STAND_IN = """
            import http.server, json, sys, time
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    docs = {"/patroni": {"state": "running", "role": "master", "dcs_last_seen": int(time.time()),
                                         "patroni": {"version": "stand-in", "scope": "main"}},
                            "/config": {"ttl": 30, "loop_wait": 10, "retry_timeout": 10},
                            "/cluster": {"members": [{"name": "dcs-55", "role": "leader", "state": "running", "timeline": 1}]}}
                    body = json.dumps(docs.get(self.path, {})).encode()
                    self.send_response(200 if self.path in docs else 404)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *a):
                    pass
            http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
            """;

    @BeforeAll
    void prepare() throws IOException {
        Lab.requireUp();
        assertEquals(0, Proc.run(List.of(Lab.REPO.resolve("lab/down").toString(), "--quiet", ABSENT)).exit());
        Lab.recreate(List.of(MEMBER, NO_PATRONI));
        s = new PatroniScenario("bookworm", MEMBERS, List.of(MEMBER));
        Files.writeString(s.dir.resolve("patroni.pw"), PatroniScenario.PATRONI_PW);
        Files.setPosixFilePermissions(s.dir.resolve("patroni.pw"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Lab.sshOk(MEMBER, "echo 'Acquire::http::Proxy \"http://192.168.56.1:3142\";' > /etc/apt/apt.conf.d/01it-proxy"
                + " && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/tmp/it-install.log 2>&1"
                + " && useradd --system postgres && cat > /usr/local/bin/patroni-stand-in <<'EOF'\n" + STAND_IN + "EOF\n"
                + "cat > /etc/systemd/system/patroni.service <<'EOF'\n[Service]\nUser=postgres\n"
                + "ExecStart=/usr/bin/python3 /usr/local/bin/patroni-stand-in 8009\nExecReload=/bin/true\nEOF\n"
                + "systemctl daemon-reload && systemctl start patroni");
        s.log("prepared: python3 and the stand-in on " + MEMBER);
    }

    /** The inventory with these Patroni hosts; {@code fixed}: with Patroni's REST port as the stand-in has it. */
    Path inventory(String name, List<String> patroni, boolean fixed) throws IOException {
        Path file = s.writeInventory(MEMBERS, patroni);
        String y = Files.readString(file);
        if (fixed) {
            y = y.replace("dcsprov_patroni_etcd_user: patroni_main\n", "dcsprov_patroni_etcd_user: patroni_main\n"
                    + "        dcsprov_patroni_rest_port: 8009\n");
        }
        Path out = s.dir.resolve(name + ".yml");
        Files.writeString(out, y);
        return out;
    }

    /** What must not change while a command is refused. */
    record Snapshot(String serial, String pid, String ca, String client, boolean caNext) {
    }

    Snapshot snapshot() throws IOException {
        Path pki = s.pki();
        Proc.Result served = Proc.run(List.of("sh", "-c", "openssl s_client -connect " + Lab.address(MEMBER) + ":2379 -CAfile "
                + pki.resolve("ca.crt") + " -cert " + pki.resolve("clients/root.crt") + " -key " + pki.resolve("clients/root.key")
                + " </dev/null 2>/dev/null | openssl x509 -noout -serial"));
        assertEquals(0, served.exit(), served::toString);
        return new Snapshot(served.out().strip(), Lab.sshOk(MEMBER, "systemctl show -p MainPID --value etcd").strip(),
                sha256(pki.resolve("ca.crt")), sha256(pki.resolve("clients/patroni_main.crt")), Files.exists(pki.resolve("ca-next.crt")));
    }

    static String sha256(Path file) {
        return Proc.run(List.of("sha256sum", file.toString())).out().split(" ")[0];
    }

    static void refused(Proc.Result r, int exit, String... wanted) {
        assertEquals(exit, r.exit(), r::toString);
        for (String w : wanted) {
            assertTrue(r.err().contains(w), () -> "'" + w + "' in\n" + r);
        }
    }

    @Test
    @Order(1)
    void applyIsRefusedForAnAbsentOrSilentPatroniHostWithNoMemberTouched() throws IOException {
        refused(s.dcsprov("apply", inventory("absent", List.of(MEMBER, ABSENT), true).toString()), 4,
                ABSENT, "(a Patroni host)", "take " + ABSENT + " out of the Patroni group");
        refused(s.dcsprov("apply", inventory("silent", List.of(MEMBER), false).toString()), 6,
                "Patroni host " + MEMBER + " runs patroni but its REST API does not answer on port 8008", "dcsprov_patroni_rest_port");
        assertEquals(1, Lab.ssh(MEMBER, "test -e /etc/dcs/etcd").exit(), "no member has etcd's config yet");
        Proc.Result ok = s.dcsprovOk("apply", inventory("fixed", List.of(MEMBER), true).toString());
        assertTrue(ok.out().contains("reload patroni"), ok::toString);
        assertTrue(Lab.sshOk(MEMBER, "readlink /etc/patroni/dcs/current").strip().matches("[0-9a-f]{16}"));
    }

    @Test
    @Order(2)
    void clientRotationIsRefusedForAnAbsentHostOrOneWithoutPatroniThenFinishes() throws IOException {
        Snapshot before = snapshot();
        refused(s.dcsprov("rotate-certs", "--clients", inventory("absent", List.of(MEMBER, ABSENT), true).toString()), 4,
                ABSENT, "(a Patroni host)");
        refused(s.dcsprov("rotate-certs", "--clients", inventory("no-unit", List.of(MEMBER, NO_PATRONI), true).toString()), 6,
                "Patroni host " + NO_PATRONI + " has no systemd unit 'patroni'", "install Patroni on " + NO_PATRONI);
        assertEquals(before, snapshot(), "nothing changed, locally or on the member");
        s.dcsprovOk("rotate-certs", "--clients", inventory("fixed", List.of(MEMBER), true).toString());
        Snapshot after = snapshot();
        assertNotEquals(before.serial(), after.serial(), "the member got its new certificate");
        assertNotEquals(before.client(), after.client(), "Patroni's user got a new client certificate");
        assertEquals(after.client(), Lab.sshOk(MEMBER, "sha256sum < /etc/patroni/dcs/current/client.crt").split(" ")[0]);
    }

    @Test
    @Order(3)
    void caRotationIsRefusedWhilePatronisRestApiIsSilentThenFinishesInOneCommand() throws IOException {
        Snapshot before = snapshot();
        refused(s.dcsprov("rotate-certs", "--ca", inventory("absent", List.of(MEMBER, ABSENT), true).toString()), 4, ABSENT);
        refused(s.dcsprov("rotate-certs", "--ca", inventory("silent", List.of(MEMBER), false).toString()), 6,
                "REST API does not answer on port 8008", "journalctl -u patroni");
        assertEquals(before, snapshot(), "no new CA, the same certificate served by the same etcd process");
        assertFalse(before.caNext());
        Proc.Result r = s.dcsprovOk("rotate-certs", "--ca", inventory("fixed", List.of(MEMBER), true).toString());
        assertTrue(r.out().contains("CA ROTATED"), r::toString);
        // One member: each restart leaves etcd without quorum, which Patroni tolerates for retry_timeout (the stand-in's 10 s).
        assertTrue(r.out().contains("restarting " + MEMBER + " leaves etcd without quorum until it is back (a cluster of 1 member): "
                + "Patroni on " + MEMBER + " demotes its primary if that lasts longer than retry_timeout (10 s)"), r::toString);
        assertTrue(r.out().matches("(?s).*etcd was without quorum for at most \\d+\\.\\d s while " + MEMBER + " restarted.*"), r::toString);
        assertTrue(r.out().contains("(ttl 30 s, loop_wait 10 s, retry_timeout 10 s; at most 60 s)"), r::toString);
        Snapshot after = snapshot();
        assertNotEquals(before.ca(), after.ca());
        assertEquals(after.ca(), Lab.sshOk(MEMBER, "sha256sum < /etc/patroni/dcs/current/ca.crt").split(" ")[0],
                "Patroni ends with the new CA alone");
    }

    @Test
    @Order(4)
    void restoreWarnsBeforeItStopsEtcdThatAPatroniClusterNotPausedDemotesAndAnAbsentPatroniHostDoesNotStopIt() throws IOException {
        Path inv = inventory("absent", List.of(MEMBER, ABSENT), true);
        Proc.Result backup = s.dcsprovOk("backup", inv.toString());
        Path snapshot;
        try (var files = Files.list(s.dir.resolve("backups/dcs"))) {
            snapshot = files.filter(f -> f.toString().endsWith(".db")).findFirst().orElseThrow(() -> new AssertionError(backup.toString()));
        }
        String pid = Lab.sshOk(MEMBER, "systemctl show -p MainPID --value etcd").strip();
        String out = s.dcsprovOk("restore", inv.toString(), snapshot.toString(), "--replace-healthy-cluster").out();
        String warning = "[cluster] warning: Patroni cluster 'main' (" + MEMBER + ") is not paused: restore stops etcd on every "
                + "member for longer than its retry_timeout (10 s), so its primary demotes";
        assertTrue(out.contains(warning) && out.contains("'patronictl pause' before the restore"), out);
        assertTrue(out.indexOf(warning) < out.indexOf("stopping etcd on every member"), "the warning comes before etcd stops:\n" + out);
        assertTrue(out.contains("[cluster] warning: Patroni on " + ABSENT + " could not be asked"), "named, and the restore went on:\n" + out);
        assertNotEquals(pid, Lab.sshOk(MEMBER, "systemctl show -p MainPID --value etcd").strip(), "the restore ran");
        s.log("done");
    }
}
