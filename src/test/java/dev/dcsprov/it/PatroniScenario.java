package dev.dcsprov.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's PostgreSQL and Patroni on lab hosts, configured by the test with NO etcd section: everything
 * etcd-related comes from dcsprov. Shared by {@link PatroniIT} (bookworm) and {@link PatroniTrixieIT}.
 */
final class PatroniScenario {
    static final String ROOT_PW = "root-Pw-5b1e";
    /** Characters systemd's EnvironmentFile would otherwise interpret: $ " and a backslash. */
    static final String PATRONI_PW = "Patroni-Pw$x\"q\\7";
    static final String SCOPE = "main";

    final String release;
    final List<String> members;
    final List<String> patroni;
    final Path dir;
    Path inventory;
    final long started = System.nanoTime();

    PatroniScenario(String release, List<String> members, List<String> patroni) throws IOException {
        this.release = release;
        this.members = members;
        this.patroni = patroni;
        this.dir = Files.createTempDirectory("dcsprov-patroni-" + release);
    }

    Path pki() {
        return dir.resolve("pki/dcs");
    }

    static void recreate(String release, List<String> hosts) {
        LabHostRelease.made(hosts);
        List<String> down = new ArrayList<>(List.of(Lab.REPO.resolve("lab/down").toString(), "--quiet"));
        down.addAll(hosts);
        assertEquals(0, Proc.run(down).exit());
        List<String> up = new ArrayList<>(List.of(Lab.REPO.resolve("lab/up").toString(), "--release", release));
        up.addAll(hosts);
        Proc.Result u = Proc.run(up);
        assertEquals(0, u.exit(), () -> "lab/up " + hosts + "\n" + u);
    }

    /** Fresh hosts, PostgreSQL + Patroni installed once (in parallel) on the Patroni hosts, its config.yml without DCS. */
    void prepare() throws IOException {
        Lab.requireUp();
        recreate(release, members);
        Files.writeString(dir.resolve("patroni.pw"), PATRONI_PW, java.nio.charset.StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(dir.resolve("patroni.pw"), PosixFilePermissions.fromString("rw-------"));
        List<CompletableFuture<String>> installs = patroni.stream().map(h -> CompletableFuture.supplyAsync(() -> install(h))).toList();
        installs.forEach(CompletableFuture::join);
        inventory = writeInventory(members, patroni);
        log("prepared (packages installed)");
    }

    private String install(String host) {
        String extra = release.equals("trixie") ? " python3-etcd" : "";
        // Up to 10 minutes: PostgreSQL and Patroni took over 180 s to install on a loaded CI machine.
        return sshOkWithin(host, 600, "echo 'Acquire::http::Proxy \"http://192.168.56.1:3142\";' > /etc/apt/apt.conf.d/01it-proxy"
                + " && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql patroni" + extra
                + " >/tmp/it-install.log 2>&1 && pg_dropcluster --stop $(ls /usr/lib/postgresql | sort -n | tail -1) main"
                + " && mkdir -p /etc/patroni && cat > /etc/patroni/config.yml <<EOF\n" + config(host) + "EOF\n"
                + "chown postgres:postgres /etc/patroni/config.yml && chmod 0640 /etc/patroni/config.yml"
                + " && systemctl disable --now patroni 2>/dev/null; true");
    }

    private static String sshOkWithin(String host, int seconds, String command) {
        Proc.Result r = Lab.ssh(host, command, seconds);
        assertEquals(0, r.exit(), () -> host + ": " + command + "\n" + r);
        return r.out();
    }

    /** scope, name, restapi, postgresql and bootstrap only: no etcd, no etcd3. */
    private static String config(String host) {
        String ip = Lab.address(host);
        return "scope: " + SCOPE + "\nnamespace: /service/\nname: " + host + "\n"
                + "restapi:\n  listen: 0.0.0.0:8008\n  connect_address: " + ip + ":8008\n"
                + "bootstrap:\n  dcs:\n    ttl: 30\n    loop_wait: 10\n    retry_timeout: 10\n"
                + "  initdb: [{encoding: UTF8}]\n  pg_hba:\n  - local all all trust\n"
                + "  - host replication replicator 192.168.56.0/24 md5\n  - host all all 0.0.0.0/0 md5\n"
                + "postgresql:\n  listen: 0.0.0.0:5432\n  connect_address: " + ip + ":5432\n"
                + "  data_dir: /var/lib/postgresql/patroni\n"
                + "  bin_dir: /usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -n | tail -1)/bin\n"
                + "  pgpass: /var/lib/postgresql/.pgpass_patroni\n"
                + "  authentication:\n    replication: {username: replicator, password: rep-pass}\n"
                + "    superuser: {username: postgres, password: su-pass}\n"
                + "  parameters: {unix_socket_directories: /var/run/postgresql}\n";
    }

    Path writeInventory(List<String> etcd, List<String> patroniHosts) throws IOException {
        Path file = Lab.writeInventory(dir, etcd, """
                    etcd_auth_enabled: true
                    etcd_auth_root_password: {env: PATRONI_IT_ROOT_PW}
                    etcd_roles:
                      patroni_main: [{prefix: /service/main/, permission: readwrite}]
                    etcd_users:
                      patroni_main: {password: {file: patroni.pw}, roles: [patroni_main]}
                """);
        StringBuilder y = new StringBuilder(Files.readString(file));
        y.append("    patroni:\n      vars:\n        dcsprov_patroni_etcd_user: patroni_main\n      hosts:\n");
        for (String h : patroniHosts) {
            y.append("        ").append(h).append(":\n          ansible_host: ").append(Lab.address(h)).append('\n');
        }
        Files.writeString(file, y.toString());
        return file;
    }

    Proc.Result dcsprov(String... args) {
        return Cli.dcsprov(Map.of("PATRONI_IT_ROOT_PW", ROOT_PW), args);
    }

    Proc.Result dcsprovOk(String... args) {
        Proc.Result r = dcsprov(args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + "\n" + r);
        assertTrue(!r.all().contains(PATRONI_PW), "the Patroni password is never in dcsprov's output");
        return r;
    }

    /** Starts Patroni on the first host, waits for it to be primary, then on the others. */
    void startPatroni() {
        for (String h : patroni) {
            Lab.sshOk(h, "systemctl enable --now patroni");
            if (h.equals(patroni.get(0))) {
                awaitStatus(h, "/primary", 200, Duration.ofSeconds(90));
            }
        }
        for (String h : patroni.subList(1, patroni.size())) {
            awaitStatus(h, "/replica", 200, Duration.ofSeconds(120));
        }
        log("Patroni primary on " + patroni.get(0) + ", replicas running");
    }

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static int status(String host, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + Lab.address(host) + ":8008" + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -2;
        }
    }

    static String get(String host, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + Lab.address(host) + ":8008" + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static void awaitStatus(String host, String path, int want, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (status(host, path) != want) {
            if (System.nanoTime() > end) {
                throw new AssertionError(host + path + " did not answer " + want + " within " + limit.toSeconds() + " s: "
                        + get(host, "/patroni") + "\n" + Lab.ssh(host, "journalctl -u patroni --no-pager -n 30").out());
            }
            sleep(1000);
        }
    }

    /** Leader name and timeline as Patroni's /cluster reports them. */
    String leaderAndTimeline() {
        String cluster = get(patroni.get(0), "/cluster");
        Matcher m = Pattern.compile("\"name\": \"([^\"]+)\", \"role\": \"leader\"[^}]*\"timeline\": (\\d+)").matcher(cluster);
        assertTrue(m.find(), () -> "no leader in /cluster: " + cluster);
        return m.group(1) + " timeline " + m.group(2);
    }

    /**
     * Runs a dcsprov command while polling the primary's /primary every 0.5 s from this machine: every answer is
     * 200 and the leader and timeline are the same afterwards (no failover). Returns the command's output.
     */
    Proc.Result underPatroni(String what, String... args) {
        return underPatroni(what, () -> dcsprovOk(args));
    }

    /** As above, around any body (several runs of a command, checks between them): its result is returned. */
    <T> T underPatroni(String what, java.util.function.Supplier<T> body) {
        String before = leaderAndTimeline();
        String primary = before.split(" ")[0];
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger polls = new AtomicInteger(), bad = new AtomicInteger(), run = new AtomicInteger(), longest = new AtomicInteger();
        List<String> badAnswers = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread poller = new Thread(() -> {
            while (!stop.get()) {
                int s = status(primary, "/primary");
                polls.incrementAndGet();
                if (s != 200) {
                    bad.incrementAndGet();
                    badAnswers.add(String.valueOf(s));
                    longest.accumulateAndGet(run.incrementAndGet(), Math::max);
                } else {
                    run.set(0);
                }
                sleep(500);
            }
        });
        long t0 = System.nanoTime();
        long since = System.currentTimeMillis() / 1000 - 1;
        poller.start();
        T r;
        try {
            r = body.get();
        } finally {
            stop.set(true);
            try {
                poller.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log(what + ": " + String.format("%.1f s", (System.nanoTime() - t0) / 1e9) + ", " + polls.get() + " polls of "
                + primary + "/primary, " + bad.get() + " not 200, primary unavailable for " + longest.get() * 0.5 + " s at most"
                + ", leader " + before + " -> " + leaderAndTimeline());
        if (System.getenv("DCSPROV_BENCH") != null) {
            return r; // bench/patroni.sh: figures, not assertions
        }
        String after = leaderAndTimeline();
        if (bad.get() != 0 || !before.equals(after)) {
            log(what + ": Patroni's log during the command:\n" + patroniLogSince(since));
        }
        assertEquals(0, bad.get(), () -> what + ": " + primary + "/primary answered " + badAnswers + " during the command\n" + r);
        assertEquals(before, after, what + ": no failover, the same leader on the same timeline");
        return r;
    }

    /** Every Patroni host's journal since {@code epochSeconds}: what Patroni itself said when a check failed. */
    String patroniLogSince(long epochSeconds) {
        StringBuilder out = new StringBuilder();
        for (String h : patroni) {
            out.append("--- ").append(h).append('\n')
                    .append(Lab.ssh(h, "journalctl -u patroni --no-pager -o cat --since @" + epochSeconds).out());
        }
        return out.toString();
    }

    void log(String message) {
        System.out.printf("[PatroniIT %s %.0f s] %s%n", release, (System.nanoTime() - started) / 1e9, message);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** etcdctl from this machine as the Patroni user: its client certificate (no CN) and its password in the environment. */
    Proc.Result etcdctlAsPatroni(String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", Cli.endpoints(members)),
                "--cacert=" + pki().resolve("ca.crt"), "--cert=" + pki().resolve("clients/patroni_main.crt"),
                "--key=" + pki().resolve("clients/patroni_main.key"), "--dial-timeout=3s", "--command-timeout=10s"));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, Map.of("ETCDCTL_API", "3", "ETCDCTL_USER", "patroni_main:" + PATRONI_PW), null, 60);
    }
}
