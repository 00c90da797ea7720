package dev.dcsprov.it;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authentication and RBAC from the inventory on fresh lab hosts, checked with Debian's etcdctl on
 * this machine: as no user (a member certificate whose CN is no etcd user), as root, as the Patroni
 * user and as the monitoring user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(LabHosts.AUTH)
class RbacIT {
    static final List<String> HOSTS = List.of("dcs-10", "dcs-11", "dcs-12");
    static final String ROOT_PW = "root-Pw-7f3a!x";
    static final String PATRONI_PW = "patroni-Pw-19c2";
    static final String PATRONI_PW2 = "patroni-Pw-rotated-44e1";
    static final String MONITOR_PW = "monitor-Pw-8d0b";
    private final List<String> endpoints = Cli.endpoints(HOSTS);
    private Path dir;
    private Path inventory;
    private Path pki;

    @BeforeAll
    void freshHosts() throws IOException {
        Lab.requireUp();
        Lab.recreate(HOSTS);
        dir = Files.createTempDirectory("dcsprov-rbac-it");
        pki = dir.resolve("pki/dcs");
        secretFile("patroni.pw", PATRONI_PW + "\n");
        inventory = writeInventory("read");
    }

    private Path writeInventory(String monitoringPermission) throws IOException {
        return Lab.writeInventory(dir, HOSTS, """
                    etcd_auth_enabled: true
                    etcd_auth_root_password: {env: RBAC_IT_ROOT_PW}
                    etcd_roles:
                      patroni_main: [{prefix: /service/main/, permission: readwrite}]
                      monitoring: [{prefix: /, permission: %s}]
                    etcd_users:
                      patroni_main: {password: {file: patroni.pw}, roles: [patroni_main]}
                      monitor: {password: {env: RBAC_IT_MONITOR_PW}, roles: [monitoring]}
                      kube: {roles: [monitoring]}
                """.formatted(monitoringPermission));
    }

    private void secretFile(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    }

    private Proc.Result dcsprov(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Lab.REPO.resolve("dcsprov").toString()));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, Map.of("RBAC_IT_ROOT_PW", ROOT_PW, "RBAC_IT_MONITOR_PW", MONITOR_PW), Lab.REPO, 600);
    }

    /** etcdctl on this machine with a member certificate (CN dcs-10: no etcd user), optionally as a user. */
    private Proc.Result as(String user, String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", endpoints),
                "--cacert=" + pki.resolve("ca.crt"), "--cert=" + pki.resolve("hosts/dcs-10.crt"),
                "--key=" + pki.resolve("hosts/dcs-10.key"), "--dial-timeout=3s", "--command-timeout=10s"));
        if (user != null) {
            cmd.add("--user=" + user);
        }
        cmd.addAll(List.of(args));
        return Proc.run(cmd, Map.of("ETCDCTL_API", "3"), null, 60);
    }

    @Test
    @Order(1)
    void aMissingSecretStopsTheRunBeforeAnythingChanges() {
        List<String> cmd = List.of(Lab.REPO.resolve("dcsprov").toString(), "apply", inventory.toString());
        Proc.Result r = Proc.run(cmd, Map.of("RBAC_IT_ROOT_PW", ROOT_PW), Lab.REPO, 120); // no monitor password
        assertEquals(3, r.exit(), r::toString);
        assertTrue(r.err().contains("no password for etcd user monitor") && r.err().contains("RBAC_IT_MONITOR_PW"), r::toString);
        for (String h : HOSTS) {
            assertNotEquals(0, Lab.ssh(h, "test -e /etc/dcs").exit(), h + " was touched");
        }
    }

    @Test
    @Order(2)
    void planOnFreshHostsShowsEveryUserAndRoleToCreateWithoutPasswords() {
        Proc.Result r = dcsprov("plan", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        for (String s : List.of("+ auth role root", "+ auth user root", "+ auth role patroni_main (readwrite prefix /service/main/)",
                "+ auth role monitoring (read prefix /)", "+ auth user patroni_main", "+ auth user monitor", "~ auth authentication (enable")) {
            assertTrue(r.out().contains(s), s + "\n" + r);
        }
        assertNoSecret(r.all());
    }

    @Test
    @Order(3)
    void applyEnablesAuthWithoutShowingAPasswordAnywhere() throws Exception {
        // The watch runs until apply ends (the stop file), up to 5 minutes: a loaded machine once took
        // longer than a fixed 60 s to reach the auth step, and the watch missed it.
        CompletableFuture<String> ps = CompletableFuture.supplyAsync(() -> Lab.ssh("dcs-10",
                "end=$(($(date +%s)+300)); while [ $(date +%s) -lt $end ] && ! [ -e /tmp/rbac-it-stop ]; do "
                        + "ps -eo args; cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '; echo; done; rm -f /tmp/rbac-it-stop", 330).out());
        Thread.sleep(500);
        Proc.Result r = dcsprov("apply", inventory.toString());
        Lab.ssh("dcs-10", "touch /tmp/rbac-it-stop");
        String seen = ps.get();
        assertEquals(0, r.exit(), r::toString);
        assertNoSecret(r.all());
        assertTrue(seen.contains("etcdctl") && seen.contains("user add"), "the ps watch saw dcsprov's etcdctl calls");
        assertTrue(r.out().contains("issued a client certificate for etcd user patroni_main")
                && r.out().contains("issued a client certificate for etcd user monitor"), r::toString);
        assertNoSecret(seen);
        for (String h : HOSTS) {
            String journal = Lab.ssh(h, "journalctl -q --no-pager 2>/dev/null; cat /var/log/syslog /var/log/auth.log 2>/dev/null").out();
            assertNoSecret(journal);
        }
    }

    @Test
    @Order(4)
    void accessIsWhatTheRolesSay() {
        assertFalse(as(null, "put", "/x", "1").exit() == 0, "a client that is no user must be refused");
        assertTrue(as(null, "put", "/x", "1").err().contains("permission denied"));
        assertOk(as("root:" + ROOT_PW, "put", "/x", "1"));
        assertTrue(assertOk(as("root:" + ROOT_PW, "get", "/x")).contains("/x"));
        assertOk(as("patroni_main:" + PATRONI_PW, "put", "/service/main/leader", "pg-1"));
        assertTrue(as("patroni_main:" + PATRONI_PW, "put", "/service/other/leader", "x").err().contains("permission denied"));
        assertTrue(as("patroni_main:" + PATRONI_PW, "put", "/x", "2").err().contains("permission denied"));
        assertTrue(assertOk(as("monitor:" + MONITOR_PW, "get", "/service/main/leader")).contains("pg-1"));
        assertTrue(as("monitor:" + MONITOR_PW, "put", "/x", "3").err().contains("permission denied"));
        assertTrue(as("monitor:wrong", "get", "/x").err().contains("authentication failed"));
    }

    /**
     * Every member requires a client certificate (client-cert auth), so apply issues one per etcd
     * user: without CN for a user with a password (etcd's JSON gateway refuses a CN; the password
     * names the user), CN = the user for a certificate-only user, which authenticates by it over gRPC.
     */
    @Test
    @Order(5)
    void eachUserGetsAClientCertificateOfTheFormItsClientsCanUse() throws IOException {
        Proc.Result x = Proc.run(List.of("openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-ext", "extendedKeyUsage",
                "-in", pki.resolve("clients/patroni_main.crt").toString()));
        assertEquals(0, x.exit(), x::toString);
        assertTrue(x.out().contains("subject=OU=patroni_main,O=dcsprov") && !x.out().contains("CN=")
                && x.out().contains("TLS Web Client Authentication") && !x.out().contains("Server Authentication"), x.out());
        Proc.Result k = Proc.run(List.of("openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253",
                "-in", pki.resolve("clients/kube.crt").toString()));
        assertTrue(k.out().contains("subject=CN=kube,O=dcsprov"), k::toString);
        for (String c : List.of("patroni_main", "kube")) {
            Proc.Result v = Proc.run(List.of("openssl", "verify", "-CAfile", pki.resolve("ca.crt").toString(),
                    pki.resolve("clients/" + c + ".crt").toString()));
            assertEquals(0, v.exit(), v::toString);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve("clients/" + c + ".key"))));
        }
        assertNotEquals(0, asClient("patroni_main", null, "put", "/service/main/by-cert", "1").exit(),
                "a certificate without CN names no user: the password must");
        assertOk(asClient("patroni_main", "patroni_main:" + PATRONI_PW, "put", "/service/main/by-cert", "1"));
        assertTrue(asClient("patroni_main", "patroni_main:" + PATRONI_PW, "put", "/x", "1").err().contains("permission denied"));
        assertTrue(asClient("kube", null, "put", "/service/main/by-cert", "2").err().contains("permission denied"), "the CN is the user, no more");
        assertTrue(assertOk(asClient("kube", null, "get", "/service/main/by-cert")).contains("by-cert"));
        // certs lists them with their expiry; no member carries them, which is not a problem.
        Proc.Result certs = dcsprov("certs", inventory.toString());
        assertEquals(0, certs.exit(), certs::toString);
        assertTrue(certs.out().contains("client patroni_main local only") && certs.out().contains("client kube local only"), certs::toString);
    }

    @Test
    @Order(6)
    void theOperatorsEnvFileWorksWithoutAPasswordAndIsRoots() {
        for (String h : HOSTS) {
            assertEquals("644 root root", Lab.sshOk(h, "stat -c '%a %U %G' /etc/dcs/etcdctl.env").strip());
            assertFalse(Lab.sshOk(h, "cat /etc/dcs/etcdctl.env").contains(ROOT_PW), "no password at rest: the admin certificate authenticates");
            assertTrue(Lab.sshOk(h, ". /etc/dcs/etcdctl.env && etcdctl get /x").contains("/x"), h);
        }
        String local = dcsprov("env", inventory.toString()).out();
        assertNoSecret(local);
        Proc.Result viaEval = Proc.run(List.of("bash", "-c", "eval \"$(" + Lab.REPO.resolve("dcsprov") + " env " + inventory + ")\" && etcdctl get /x"));
        assertTrue(viaEval.out().contains("/x"), viaEval::toString);
        Proc.Result patroni = dcsprov("patroni-config", "--user", "patroni_main", inventory.toString());
        assertEquals(0, patroni.exit(), patroni::toString);
        assertTrue(patroni.out().contains("etcd3:") && patroni.out().contains("protocol: https")
                && patroni.out().contains("- 192.168.56.20:2379") && patroni.out().contains("username: \"patroni_main\"")
                && patroni.out().contains("cacert: \"/etc/patroni/dcs/ca.crt\"  # copy of " + pki.resolve("ca.crt"))
                && patroni.out().contains("cert: \"/etc/patroni/dcs/patroni_main.crt\"  # copy of " + pki.resolve("clients/patroni_main.crt"))
                && patroni.out().contains("key: \"/etc/patroni/dcs/patroni_main.key\"  # copy of " + pki.resolve("clients/patroni_main.key")),
                patroni::toString);
        assertNoSecret(patroni.out());
        Proc.Result certOnly = dcsprov("patroni-config", "--user", "kube", inventory.toString());
        assertEquals(2, certOnly.exit(), certOnly::toString);
        assertTrue(certOnly.err().contains("certificate-only") && certOnly.err().contains("give the user a password"), certOnly::toString);
    }

    @Test
    @Order(7)
    void aSecondApplyChangesNothing() {
        Proc.Result r = dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("No changes"), r::toString);
    }

    @Test
    @Order(8)
    void changingOneRolePermissionChangesExactlyThat() throws IOException {
        writeInventory("readwrite");
        Proc.Result plan = dcsprov("plan", inventory.toString());
        assertEquals(0, plan.exit(), plan::toString);
        assertTrue(plan.out().contains("~ auth role monitoring (read prefix / -> readwrite)"), plan::toString);
        assertTrue(plan.out().contains("Plan: 1 change"), plan::toString);
        assertEquals(0, dcsprov("apply", inventory.toString()).exit());
        assertOk(as("monitor:" + MONITOR_PW, "put", "/x", "4"));
        assertTrue(as("patroni_main:" + PATRONI_PW, "put", "/x", "5").err().contains("permission denied"));
        Proc.Result role = Cli.etcdctl(pki, endpoints, "role", "get", "patroni_main");
        assertTrue(role.out().contains("prefix /service/main/"), role::toString);
    }

    @Test
    @Order(9)
    void rotatingAPasswordThroughItsSourceWorksAndTheOldOneStops() throws IOException {
        secretFile("patroni.pw", PATRONI_PW2 + "\n");
        Proc.Result plan = dcsprov("plan", inventory.toString());
        assertTrue(plan.out().contains("~ auth user patroni_main (the password from file") && plan.out().contains("(sensitive)"), plan::toString);
        Proc.Result r = dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertFalse(r.all().contains(PATRONI_PW2) || r.all().contains(PATRONI_PW), r::toString);
        assertOk(as("patroni_main:" + PATRONI_PW2, "put", "/service/main/leader", "pg-2"));
        assertTrue(as("patroni_main:" + PATRONI_PW, "get", "/service/main/leader").err().contains("authentication failed"));
    }

    @Test
    @Order(10)
    void aUserMadeByHandIsReportedAndRemovedOnlyWhenAsked() throws IOException {
        Proc.Result add = Proc.run(List.of("bash", "-c", "printf 'x\\n' | ETCDCTL_API=3 etcdctl --endpoints=" + endpoints.get(0)
                + " --cacert=" + pki.resolve("ca.crt") + " --cert=" + pki.resolve("clients/root.crt") + " --key=" + pki.resolve("clients/root.key")
                + " user add handmade --interactive=false"));
        assertEquals(0, add.exit(), add::toString);
        Proc.Result plan = dcsprov("plan", inventory.toString());
        assertTrue(plan.out().contains("etcd user 'handmade' is not in the inventory: left alone"), plan::toString);
        assertEquals(0, dcsprov("apply", inventory.toString()).exit());
        assertTrue(Cli.etcdctl(pki, endpoints, "user", "list").out().contains("handmade"));
        Files.writeString(inventory, Files.readString(inventory).replace("    etcd_auth_enabled: true\n",
                "    etcd_auth_enabled: true\n    etcd_auth_remove_unmanaged: true\n"));
        Proc.Result r = dcsprov("apply", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("- auth user handmade"), r::toString);
        String users = Cli.etcdctl(pki, endpoints, "user", "list").out();
        assertFalse(users.contains("handmade"), users);
        assertTrue(users.contains("root") && users.contains("patroni_main"), users);
    }

    /**
     * {@code rotate-certs --clients} gives the applications new certificates from the same CA; the
     * old ones go to the PKI archive and the new one authenticates as its user.
     */
    @Test
    @Order(11)
    void rotateCertsWithClientsReissuesTheApplicationCertificates() throws IOException {
        String before = Files.readString(pki.resolve("clients/patroni_main.crt"));
        Proc.Result r = dcsprov("rotate-certs", "--clients", inventory.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("patroni_main") && r.out().contains("monitor"), r::toString);
        String after = Files.readString(pki.resolve("clients/patroni_main.crt"));
        assertNotEquals(before, after, "a new certificate");
        try (var archived = Files.walk(pki.resolve("archive"))) {
            assertTrue(archived.anyMatch(f -> f.getFileName().toString().equals("patroni_main.crt")), "the old one is archived");
        }
        assertTrue(Proc.run(List.of("openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in",
                pki.resolve("clients/patroni_main.crt").toString())).out().contains("subject=OU=patroni_main,O=dcsprov"), "the form is kept");
        assertOk(asClient("patroni_main", "patroni_main:" + PATRONI_PW2, "put", "/service/main/rotated", "1"));
        assertOk(asClient("kube", null, "get", "/service/main/rotated"));
        Proc.Result again = dcsprov("apply", inventory.toString());
        assertEquals(0, again.exit(), again::toString);
        assertTrue(again.out().contains("No changes") && !again.out().contains("issued a client certificate"), again::toString);
    }

    /** etcdctl on this machine with the client certificate apply issued for {@code certUser}, optionally with a password. */
    private Proc.Result asClient(String certUser, String user, String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", endpoints),
                "--cacert=" + pki.resolve("ca.crt"), "--cert=" + pki.resolve("clients/" + certUser + ".crt"),
                "--key=" + pki.resolve("clients/" + certUser + ".key"), "--dial-timeout=3s", "--command-timeout=10s"));
        if (user != null) {
            cmd.add("--user=" + user);
        }
        cmd.addAll(List.of(args));
        return Proc.run(cmd, Map.of("ETCDCTL_API", "3"), null, 60);
    }

    private static String assertOk(Proc.Result r) {
        assertEquals(0, r.exit(), r::toString);
        return r.out();
    }

    private static void assertNoSecret(String text) {
        for (String pw : List.of(ROOT_PW, PATRONI_PW, PATRONI_PW2, MONITOR_PW)) {
            assertFalse(text.contains(pw), "a password showed up:\n" + text.replace(pw, "<<<" + pw + ">>>").lines()
                    .filter(l -> l.contains("<<<")).limit(5).toList());
        }
    }
}
