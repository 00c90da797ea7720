package dev.dcsprov.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Patroni 3.0.2 (bookworm) as the first client: dcs-60..62 are etcd members, Patroni runs on dcs-60 (primary)
 * and dcs-61 (replica) with a config.yml without any etcd section. Everything etcd-related comes from dcsprov;
 * every change runs with the primary's /primary polled every 0.5 s: zero non-200 answers, no failover.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniIT {
    static final List<String> MEMBERS = List.of("dcs-60", "dcs-61", "dcs-62");
    static final List<String> GROWN = List.of("dcs-60", "dcs-61", "dcs-62", "dcs-63", "dcs-64");
    static final List<String> PATRONI = List.of("dcs-60", "dcs-61");
    /** Every kill in Patroni's delivery (recorded steps and random moments) and the re-runs that finished it. */
    static final String DELIVERY = "patroni-delivery";
    /** What rotate-certs prints as Patroni's delivery starts: the random kills are drawn from this line on. */
    static final String DELIVERY_STARTS = "Patroni: the client certificates as the local PKI has them";
    final ChaosFigures figures = new ChaosFigures(3);
    PatroniScenario s;

    @BeforeAll
    void prepare() throws IOException {
        s = new PatroniScenario("bookworm", MEMBERS, PATRONI);
        s.prepare();
    }

    @Test
    @Order(1)
    void aPatroniHostWithoutPatroniIsRefusedBeforeAnyMemberIsTouched() throws IOException {
        var wrong = s.writeInventory(MEMBERS, List.of("dcs-60", "dcs-62"));
        Proc.Result r = s.dcsprov("apply", wrong.toString());
        assertEquals(6, r.exit(), r::toString);
        assertTrue(r.err().contains("Patroni host dcs-62 has no systemd unit 'patroni'"), r::toString);
        assertTrue(r.err().contains("install Patroni on dcs-62"), r::toString);
        // Nothing was touched: no member has etcd's config yet.
        for (String h : MEMBERS) {
            assertEquals(1, Lab.ssh(h, "test -e /etc/dcs/etcd").exit(), h);
        }
        s.inventory = s.writeInventory(MEMBERS, PATRONI);
    }

    @Test
    @Order(2)
    void applyDeliversEverythingAndPatroniBecomesPrimary() {
        Proc.Result r = s.dcsprovOk("apply", s.inventory.toString());
        assertTrue(r.out().contains("/etc/patroni_env.conf"), r::toString);
        for (String h : PATRONI) {
            assertEquals("root postgres 640", Lab.sshOk(h, "stat -c '%U %G %a' /etc/patroni_env.conf").strip());
            assertEquals("postgres 600", Lab.sshOk(h, "stat -Lc '%U %a' /etc/patroni/dcs/current/client.key").strip());
            assertTrue(Lab.sshOk(h, "readlink /etc/patroni/dcs/current").strip().matches("[0-9a-f]{16}"));
            assertFalse(Lab.sshOk(h, "cat /etc/patroni/config.yml").matches("(?ms).*^etcd3?:.*"), "config.yml has no etcd section");
            // The client certificate has no CN: etcd's JSON gateway, which Patroni speaks, refuses one with a CN.
            String subject = Proc.run(List.of("openssl", "x509", "-noout", "-subject", "-in",
                    s.pki().resolve("clients/patroni_main.crt").toString())).out();
            assertFalse(subject.contains("CN"), subject);
        }
        s.startPatroni();
        assertEquals("dcs-60 timeline 1", s.leaderAndTimeline());
        assertEquals(0, s.dcsprov("apply", s.inventory.toString()).exit());
        assertTrue(s.dcsprov("plan", s.inventory.toString()).out().contains("No changes"), "Patroni running changes nothing");
    }

    @Test
    @Order(3)
    void patronisLeaderKeyIsUnderItsScopeAndItsUserIsRefusedOutside() {
        Proc.Result leader = Cli.etcdctl(s.pki(), Cli.endpoints(MEMBERS), "get", "--print-value-only", "/service/main/leader");
        assertEquals(0, leader.exit(), leader::toString);
        assertEquals("dcs-60", leader.out().strip());
        Proc.Result own = s.etcdctlAsPatroni("get", "--print-value-only", "/service/main/leader");
        assertEquals("dcs-60", own.out().strip(), own::toString);
        Proc.Result outside = s.etcdctlAsPatroni("put", "/service/other/x", "1");
        assertTrue(outside.exit() != 0 && outside.all().contains("permission denied"), outside::toString);
    }

    @Test
    @Order(4)
    void leafRotation() {
        s.underPatroni("leaf rotation", "rotate-certs", s.inventory.toString());
    }

    @Test
    @Order(5)
    void clientRotationHandsPatroniItsNewCertificate() {
        String before = Lab.sshOk("dcs-60", "readlink /etc/patroni/dcs/current");
        Proc.Result r = s.underPatroni("--clients rotation", "rotate-certs", "--clients", s.inventory.toString());
        assertTrue(r.out().contains("reload patroni"), r::toString);
        String after = Lab.sshOk("dcs-60", "readlink /etc/patroni/dcs/current");
        assertFalse(before.equals(after), "a new generation");
        Lab.sshOk("dcs-60", "test -d /etc/patroni/dcs/" + before.strip()); // the old one is kept
        assertEquals(Proc.run(List.of("sha256sum", s.pki().resolve("clients/patroni_main.crt").toString())).out().split(" ")[0],
                Lab.sshOk("dcs-60", "sha256sum < /etc/patroni/dcs/current/client.crt").split(" ")[0]);
    }

    /**
     * rotate-certs --clients killed inside Patroni's delivery, at its recorded steps (DCSPROV_KILL_AT), then the same
     * command until it exits 0: first after dcs-60's new generation is switched in, before its reload (files that
     * match, so a re-run from facts alone would never reload it); then, in the re-run, before dcs-61's files. Checked
     * with ssh, openssl, etcdctl and Patroni's own REST API; the primary is polled throughout.
     */
    @Test
    @Order(6)
    void aClientRotationKilledInPatronisDeliveryIsFinishedByTheSameCommand() throws IOException {
        String[] command = {"rotate-certs", "--clients", s.inventory.toString()};
        Map<String, String> previous = generations();
        long[] endedAt = new long[1];
        s.underPatroni("--clients rotation killed twice in Patroni's delivery", () -> {
            long t0 = hostClock("dcs-60");
            Proc.Result first = killedAt("patroni-delivery:rotate-certs:reload#1", "dcs-60", command);
            assertFalse(previous.get("dcs-60").equals(current("dcs-60")), "dcs-60's new generation is in place: " + first);
            assertEquals(previous.get("dcs-61"), current("dcs-61"), "dcs-61 not touched yet");
            assertTrue(Lab.sshOk("dcs-60", "cat /var/lib/dcsprov/journal-patroni").contains("step=reload\nstate=started"));
            assertFalse(Lab.sshOk("dcs-60", "cat /var/lib/dcsprov/journal 2>/dev/null || :").contains("patroni-delivery"),
                    "the member's own record is not Patroni's");
            Proc.Result status = s.dcsprov("status", s.inventory.toString());
            assertTrue(status.out().contains("INTERRUPTED: patroni-delivery (rotate-certs): stopped while reloading Patroni on dcs-60"),
                    status::toString);
            assertTrue(status.out().contains("finish it with: dcsprov " + String.join(" ", command)), status::toString);
            assertEquals(0, reloads("dcs-60", t0), "the killed run did not reload dcs-60");

            long t1 = hostClock("dcs-60");
            killedAt("patroni-delivery:rotate-certs:files#1", "dcs-61", command);
            // dcs-60's files already matched: only the journal made this run reload it (and wait for it).
            assertEquals(1, reloads("dcs-60", t1), "the re-run reloaded dcs-60, left mid-step");
            assertEquals(previous.get("dcs-61"), current("dcs-61"), "halted before dcs-61's files");

            long t2 = hostClock("dcs-61");
            Proc.Result last = s.dcsprovOk(command);
            assertTrue(last.out().contains("ROTATED"), last::toString);
            assertEquals(1, reloads("dcs-61", t2), "dcs-61 reloaded once, after its files");
            endedAt[0] = hostClock("dcs-60");
            figures.ranAgain(DELIVERY, 1); // each of the two kills: one re-run (the first re-run was the one killed again)
            figures.ranAgain(DELIVERY, 1);
            return last;
        });
        assertDeliveredAfter(previous, endedAt[0]);
    }

    /**
     * Independently of dcsprov, after a delivery that was killed and finished: each Patroni host's current generation
     * whole and the local client certificate (openssl), the previous one kept whole, the delivered files reaching etcd
     * with the password (etcdctl), Patroni running and reaching etcd after the last run (REST), nothing interrupted.
     */
    private void assertDeliveredAfter(Map<String, String> previous, long endedAt) throws IOException {
        String localCert = sha256(s.pki().resolve("clients/patroni_main.crt"));
        String localCa = sha256(s.pki().resolve("ca.crt"));
        for (String h : PATRONI) {
            java.nio.file.Path got = copyGeneration(h, "current");
            assertEquals(localCert, sha256(got.resolve("client.crt")), h + ": the new client certificate");
            assertEquals(localCa, sha256(got.resolve("ca.crt")), h);
            assertWhole(h + " current", got);
            // The previous generation is kept, whole.
            assertWhole(h + " previous " + previous.get(h), copyGeneration(h, previous.get(h)));
            assertFalse(previous.get(h).equals(current(h)));
            assertTrue(Lab.sshOk(h, "cat /var/lib/dcsprov/journal-patroni").contains("step=done\nstate=done"), h);
            // The delivered files themselves reach etcd (with the password, as Patroni logs in).
            Proc.Result leader = Proc.run(List.of("etcdctl", "--endpoints=" + String.join(",", Cli.endpoints(MEMBERS)),
                    "--cacert=" + got.resolve("ca.crt"), "--cert=" + got.resolve("client.crt"), "--key=" + got.resolve("client.key"),
                    "--dial-timeout=3s", "--command-timeout=10s", "get", "--print-value-only", "/service/main/leader"),
                    java.util.Map.of("ETCDCTL_API", "3", "ETCDCTL_USER", "patroni_main:" + PatroniScenario.PATRONI_PW), null, 60);
            assertEquals("dcs-60", leader.out().strip(), leader::toString);
            // Patroni itself runs and reaches etcd after the last run ended (its REST API, asked from this machine).
            awaitReachedEtcdAfter(h, endedAt);
        }
        Proc.Result status = s.dcsprov("status", s.inventory.toString());
        assertFalse(status.out().contains("INTERRUPTED"), status::toString);
        assertEquals("dcs-60 timeline 1", s.leaderAndTimeline(), "no failover");
    }

    /**
     * rotate-certs --clients SIGKILLed at random moments of Patroni's delivery, {@code chaos.randomKills} rounds: drawn
     * at 10-90% of a clean run's delivery (measured from the line that starts it to the last Patroni host's "reached
     * etcd"), counted from that line ({@link ChaosFigures#killAtRandomAfter}); then the same command until it exits 0
     * (at most 3 runs). The primary is polled throughout; after each round the checks of the recorded-step kills.
     */
    @Test
    @Order(7)
    void aClientRotationKilledAtRandomInPatronisDeliveryIsFinishedByTheSameCommand() throws Exception {
        String[] command = {"rotate-certs", "--clients", s.inventory.toString()};
        Map<String, String> env = Map.of("PATRONI_IT_ROOT_PW", PatroniScenario.ROOT_PW);
        String last = PATRONI.get(PATRONI.size() - 1);
        ChaosFigures.Timed clean = s.underPatroni("--clients rotation, its delivery to Patroni measured", () -> unchecked(() ->
                ChaosFigures.measure(env, DELIVERY_STARTS, "Patroni on " + last + " is ", command)));
        assertFalse(clean.output().contains(PatroniScenario.PATRONI_PW), "the Patroni password is never in dcsprov's output");
        assertTrue(clean.millis() > 0, clean::toString);
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        java.util.Random random = new java.util.Random(seed);
        int rounds = Integer.getInteger("chaos.randomKills", 1);
        for (int i = 1; i <= rounds; i++) {
            Map<String, String> previous = generations();
            long after = (long) (clean.millis() * (0.1 + 0.8 * random.nextDouble()));
            long[] endedAt = new long[1];
            int round = i;
            s.underPatroni("--clients rotation killed at random in Patroni's delivery (round " + i + ")", () -> unchecked(() -> {
                ChaosFigures.Run run = figures.runKillingAfter(DELIVERY, env, DELIVERY_STARTS, after, command);
                boolean killed = run.killed();
                assertFalse(run.output().contains(PatroniScenario.PATRONI_PW), "the Patroni password is never in dcsprov's output");
                StringBuilder journals = new StringBuilder();
                for (String h : PATRONI) {
                    String j = Lab.ssh(h, "cat /var/lib/dcsprov/journal-patroni 2>/dev/null").out();
                    journals.append(' ').append(h).append(": ").append(field(j, "step")).append('/').append(field(j, "state"))
                            .append(previous.get(h).equals(current(h)) ? " (previous generation)" : " (new generation)");
                }
                System.out.println("PATRONI-RANDOM-KILL seed " + seed + " round " + round + ": " + (killed
                        ? "killed " + after + " ms into a delivery of " + clean.millis() + " ms; host journals:" + journals
                        : "the run finished before " + after + " ms into its delivery"));
                if (killed) {
                    Proc.Result done = figures.rerunUntilDone(DELIVERY, env, command);
                    assertFalse(done.all().contains(PatroniScenario.PATRONI_PW), "the Patroni password is never in dcsprov's output");
                    assertTrue(done.out().contains("ROTATED"), done::toString);
                }
                endedAt[0] = hostClock("dcs-60");
                return null;
            }));
            assertDeliveredAfter(previous, endedAt[0]);
        }
    }

    @AfterAll
    void printFigures() {
        // One line for bench/chaos.sh: every kill in Patroni's delivery (recorded steps and random), re-runs, failures.
        figures.print();
    }

    private static Map<String, String> generations() {
        Map<String, String> g = new java.util.LinkedHashMap<>();
        PATRONI.forEach(h -> g.put(h, current(h)));
        return g;
    }

    private static String field(String record, String key) {
        return record.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).findFirst().orElse("-");
    }

    private static <T> T unchecked(java.util.concurrent.Callable<T> body) {
        try {
            return body.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Proc.Result killedAt(String point, String host, String... command) {
        Proc.Result r = Cli.dcsprov(Map.of("PATRONI_IT_ROOT_PW", PatroniScenario.ROOT_PW, "DCSPROV_KILL_AT", point), command);
        assertEquals(137, r.exit(), () -> "halted at " + point + ":\n" + r);
        figures.killed(DELIVERY);
        assertTrue(r.err().contains("DCSPROV_KILL_AT: halting at " + point.replaceFirst("#.*", "") + " on " + host), r::toString);
        assertFalse(r.all().contains(PatroniScenario.PATRONI_PW), "the Patroni password is never in dcsprov's output");
        return r;
    }

    private static String current(String host) {
        return Lab.sshOk(host, "readlink /etc/patroni/dcs/current").strip();
    }

    private static long hostClock(String host) {
        return Long.parseLong(Lab.sshOk(host, "date +%s").strip());
    }

    /** systemd's own record of {@code systemctl reload patroni} on the host since {@code epochSeconds}. */
    private static int reloads(String host, long epochSeconds) {
        String log = Lab.ssh(host, "journalctl -u patroni --no-pager -o cat --since @" + epochSeconds).out();
        return (int) log.lines().filter(l -> l.startsWith("Reloaded ")).count();
    }

    /** The generation's three files, copied from the host with ssh (test material only). */
    private java.nio.file.Path copyGeneration(String host, String generation) throws IOException {
        java.nio.file.Path d = java.nio.file.Files.createTempDirectory(s.dir, "gen-" + host + "-");
        for (String f : List.of("ca.crt", "client.crt", "client.key")) {
            Proc.Result r = Lab.ssh(host, "base64 -w0 /etc/patroni/dcs/" + generation + "/" + f);
            assertEquals(0, r.exit(), () -> host + " " + generation + "/" + f + ": " + r);
            java.nio.file.Files.write(d.resolve(f), java.util.Base64.getDecoder().decode(r.out().strip()));
        }
        return d;
    }

    /** openssl: the certificate parses, is signed by the generation's CA file, and its key is the key beside it. */
    private static void assertWhole(String what, java.nio.file.Path gen) {
        Proc.Result verify = Proc.run(List.of("openssl", "verify", "-CAfile", gen.resolve("ca.crt").toString(), gen.resolve("client.crt").toString()));
        assertEquals(0, verify.exit(), () -> what + ": " + verify);
        Proc.Result certKey = Proc.run(List.of("openssl", "x509", "-noout", "-pubkey", "-in", gen.resolve("client.crt").toString()));
        Proc.Result key = Proc.run(List.of("openssl", "pkey", "-pubout", "-in", gen.resolve("client.key").toString()));
        assertEquals(0, certKey.exit(), certKey::toString);
        assertEquals(0, key.exit(), () -> what + ": the key parses: " + key);
        assertEquals(certKey.out(), key.out(), what + ": the key is the certificate's");
    }

    /** Patroni's /patroni on the host says running, and dcs_last_seen at or after {@code epochSeconds} (host clock). */
    private static void awaitReachedEtcdAfter(String host, long epochSeconds) {
        long end = System.nanoTime() + java.time.Duration.ofSeconds(40).toNanos();
        String body = "";
        while (System.nanoTime() < end) {
            body = PatroniScenario.get(host, "/patroni");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"dcs_last_seen\": (\\d+)").matcher(body);
            if (body.contains("\"state\": \"running\"") && m.find() && Long.parseLong(m.group(1)) >= epochSeconds) {
                return;
            }
            PatroniScenario.sleep(1000);
        }
        throw new AssertionError(host + ": Patroni did not reach etcd after the run: " + body);
    }

    @Test
    @Order(8)
    void aRotationIsRefusedBeforeAnythingChangesWhenPatronisRestApiDoesNotAnswer() throws IOException {
        String localCa = sha256(s.pki().resolve("ca.crt"));
        String deployedCa = Lab.sshOk("dcs-62", "sha256sum < /etc/dcs/cert/ca.crt").split(" ")[0];
        Proc.Result r = s.dcsprov("rotate-certs", "--ca", "-e", "dcsprov_patroni_rest_port=8999", s.inventory.toString());
        assertEquals(6, r.exit(), r::toString);
        assertTrue(r.err().contains("REST API does not answer on port 8999"), r::toString);
        assertTrue(r.err().contains("dcsprov_patroni_rest_port"), "the fix names the setting: " + r);
        assertEquals(localCa, sha256(s.pki().resolve("ca.crt")), "no new CA was made");
        assertEquals(deployedCa, Lab.sshOk("dcs-62", "sha256sum < /etc/dcs/cert/ca.crt").split(" ")[0]);
        // The same command with Patroni's real port is the next test, and it finishes the whole rotation.
    }

    private static String sha256(java.nio.file.Path file) {
        return Proc.run(List.of("sha256sum", file.toString())).out().split(" ")[0];
    }

    @Test
    @Order(9)
    void oneCommandCaRotation() {
        String oldCa = sha256(s.pki().resolve("ca.crt"));
        String[] command = {"rotate-certs", "--ca", s.inventory.toString()};
        // Killed in its last delivery to Patroni (phase 2 delivered to dcs-60 and dcs-61: files #1 and #2), after every
        // member's phase 3 made the new CA the CA: the same command finishes that delivery and makes no new CA.
        Proc.Result r = s.underPatroni("CA rotation (3 phases), killed in its last delivery to Patroni", () -> {
            killedAt("patroni-delivery:rotate-certs-ca:files#3", "dcs-60", command);
            String newCa = sha256(s.pki().resolve("ca.crt"));
            assertFalse(oldCa.equals(newCa), "the killed run had made the new CA the CA");
            Proc.Result again = s.dcsprovOk(command);
            assertTrue(again.out().contains("had finished the CA rotation on every member"), again::toString);
            assertEquals(newCa, sha256(s.pki().resolve("ca.crt")), "the re-run started no new CA rotation");
            assertFalse(java.nio.file.Files.exists(s.pki().resolve("ca-next.crt")), "no next CA");
            figures.ranAgain(DELIVERY, 1);
            return again;
        });
        assertTrue(r.out().contains("CA ROTATED"), r::toString);
        // Patroni ends with the new CA alone, as the members do.
        for (String h : PATRONI) {
            assertEquals(sha256(s.pki().resolve("ca.crt")), Lab.sshOk(h, "sha256sum < /etc/patroni/dcs/current/ca.crt").split(" ")[0], h);
            assertEquals(sha256(s.pki().resolve("clients/patroni_main.crt")),
                    Lab.sshOk(h, "sha256sum < /etc/patroni/dcs/current/client.crt").split(" ")[0], h);
        }
        for (String h : MEMBERS) {
            assertEquals(sha256(s.pki().resolve("ca.crt")), Lab.sshOk(h, "sha256sum < /etc/dcs/cert/ca.crt").split(" ")[0], h);
        }
        assertEquals("dcs-60", s.etcdctlAsPatroni("get", "--print-value-only", "/service/main/leader").out().strip());
    }

    @Test
    @Order(10)
    void aConfigurationChangeRestartsEveryMemberUnderPatroni() {
        // apply's rolling restart waits, like the rotations, until Patroni reached etcd again after each member.
        Proc.Result r = s.underPatroni("config change (3 restarts)", "apply", "-e", "etcd_snapshot_count=20000", s.inventory.toString());
        for (String h : MEMBERS) {
            assertTrue(Lab.sshOk(h, "cat /etc/dcs/etcd").contains("ETCD_SNAPSHOT_COUNT=\"20000\""), h);
        }
        assertTrue(r.out().contains("waiting for Patroni on dcs-60 to talk to etcd after"), r::toString);
    }

    /**
     * Grow 3->5 with apply's own delivery to Patroni (the env file's new host list goes last, once the membership is
     * final) killed at its recorded step: after dcs-60's new env file, before its reload. status names the delivery and
     * apply's own command line; the same apply finishes it: dcs-60 reloaded although its file already matched (systemd's
     * journal), dcs-61's file and reload, both Patroni running and reaching etcd after it (REST), no failover.
     */
    @Test
    @Order(11)
    void growTo5WithApplysDeliveryToPatroniKilledBeforeItsFirstReload() throws IOException {
        PatroniScenario.recreate("bookworm", List.of("dcs-63", "dcs-64"));
        s.inventory = s.writeInventory(GROWN, PATRONI);
        String[] apply = {"apply", s.inventory.toString()};
        String newHost = Lab.address("dcs-64") + ":2379";
        long[] endedAt = new long[1];
        s.underPatroni("grow 3->5, apply killed in its delivery to Patroni, then the same apply", () -> {
            long t0 = hostClock("dcs-60");
            killedAt("patroni-delivery:apply:reload#1", "dcs-60", apply);
            assertTrue(Lab.sshOk("dcs-60", "cat /etc/patroni_env.conf").contains(newHost), "dcs-60's new env file is in place");
            assertFalse(Lab.sshOk("dcs-61", "cat /etc/patroni_env.conf").contains(newHost), "dcs-61 not touched yet");
            String own = Lab.sshOk("dcs-60", "cat /var/lib/dcsprov/journal-patroni");
            assertTrue(own.contains("phase=apply") && own.contains("step=reload\nstate=started"), own);
            assertEquals(0, reloads("dcs-60", t0), "the killed run did not reload dcs-60");
            Proc.Result status = s.dcsprov("status", s.inventory.toString());
            assertTrue(status.out().contains("INTERRUPTED: patroni-delivery (apply): stopped while reloading Patroni on dcs-60"),
                    status::toString);
            assertTrue(status.out().contains("finish it with: dcsprov " + String.join(" ", apply)), status::toString);

            long t1 = hostClock("dcs-60");
            Proc.Result again = s.dcsprovOk(apply);
            assertTrue(again.err().contains("an interrupted Patroni delivery is finished first"), again::toString);
            assertEquals(1, reloads("dcs-60", t1), "the same apply reloaded dcs-60, left mid-step");
            assertEquals(1, reloads("dcs-61", t1), "dcs-61 reloaded once, after its file");
            figures.ranAgain(DELIVERY, 1);
            endedAt[0] = hostClock("dcs-60");
            return again;
        });
        for (String h : PATRONI) {
            assertTrue(Lab.sshOk(h, "cat /etc/patroni_env.conf").contains(newHost), h);
            assertTrue(Lab.sshOk(h, "cat /var/lib/dcsprov/journal-patroni").contains("step=done\nstate=done"), h);
            awaitReachedEtcdAfter(h, endedAt[0]);
        }
        assertEquals("dcs-60", s.etcdctlAsPatroni("get", "--print-value-only", "/service/main/leader").out().strip());
        Proc.Result status = s.dcsprov("status", s.inventory.toString());
        assertFalse(status.out().contains("INTERRUPTED"), status::toString);
    }

    @Test
    @Order(12)
    void shrinkTo3() throws IOException {
        s.inventory = s.writeInventory(MEMBERS, PATRONI);
        s.underPatroni("shrink 5->3", "apply", "--remove-absent-members", s.inventory.toString());
        assertFalse(Lab.sshOk("dcs-60", "cat /etc/patroni_env.conf").contains(Lab.address("dcs-64") + ":2379"));
    }

    @Test
    @Order(13)
    void memberReplace() {
        s.underPatroni("member replace dcs-62", "member", "replace", s.inventory.toString(), "dcs-62");
        s.log("done");
    }
}
