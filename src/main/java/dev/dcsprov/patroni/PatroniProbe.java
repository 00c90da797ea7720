package dev.dcsprov.patroni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dcsprov.ExitCode;
import dev.dcsprov.facts.FileState;
import dev.dcsprov.inventory.PatroniHost;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;
import dev.dcsprov.ssh.RemoteException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.dcsprov.Shell.quote;

/**
 * Reads a Patroni host with one python3 script (Patroni's own interpreter: every Patroni host has it, while a
 * minimal Debian has no curl). It asks Patroni's REST API on the host itself, so nothing assumes this machine
 * can reach port 8008. The script reads no secret and prints one JSON document.
 */
public final class PatroniProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String SCRIPT = """
            import hashlib, json, os, pwd, subprocess, sys, time, urllib.request, ssl
            unit, user, port, config, tls, env = sys.argv[1:7]
            out = {"now": time.time()}
            def sh(*a):
                return subprocess.run(a, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
            out["load"] = sh("systemctl", "show", "-p", "LoadState", "--value", unit)
            out["active"] = sh("systemctl", "is-active", unit)
            try:
                pwd.getpwnam(user); out["user"] = True
            except KeyError:
                out["user"] = False
            sections, listen, https = [], "", False
            try:
                import yaml
                with open(config) as f:
                    doc = yaml.safe_load(f) or {}
                sections = [k for k in doc if k in ("etcd", "etcd3", "consul", "zookeeper", "exhibitor", "kubernetes", "raft")]
                r = doc.get("restapi") or {}
                listen = str(r.get("listen", "") or "")
                https = bool(r.get("certfile"))
            except FileNotFoundError:
                pass
            except Exception as e:
                out["config_error"] = str(e)
            out["sections"] = sections
            cur = os.path.join(tls, "current")
            out["current"] = os.readlink(cur) if os.path.islink(cur) else ""
            try:
                h = hashlib.sha256()
                for n in ("ca.crt", "client.crt", "client.key"):
                    with open(os.path.join(cur, n), "rb") as f:
                        h.update(f.read())
                out["current_sha256"] = h.hexdigest()
            except OSError:
                out["current_sha256"] = ""
            if os.path.isfile(env) and not os.path.islink(env):
                st = os.stat(env)
                with open(env, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
                import grp
                out["env"] = ["%04o" % (st.st_mode & 0o7777), pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name, digest]
            host = listen.rsplit(":", 1)[0].strip("[]") if ":" in listen else ""
            if host in ("", "0.0.0.0", "::", "*"):
                host = "127.0.0.1"
            if ":" in host:
                host = "[" + host + "]"
            base = ("https" if https else "http") + "://" + host + ":" + port
            ctx = ssl._create_unverified_context()
            out["rest"] = {}
            for path in ("patroni", "config", "cluster"):
                try:
                    with urllib.request.urlopen(base + "/" + path, timeout=3, context=ctx) as resp:
                        out["rest"][path] = json.loads(resp.read().decode())
                except Exception as e:
                    out.setdefault("rest_error", base + "/" + path + ": " + str(e))
            print(json.dumps(out))
            """;

    private PatroniProbe() {
    }

    public static PatroniFacts read(Connection connection, PatroniHost p) {
        String unit = quote(p.unit());
        // Without python3 there is no Patroni either: say what systemd knows, so the refusal names the real cause.
        String command = "if ! command -v python3 >/dev/null; then printf '{\"load\": \"%s\", \"active\": \"%s\", \"python3\": false}\\n' "
                + "\"$(systemctl show -p LoadState --value " + unit + " 2>/dev/null)\" \"$(systemctl is-active " + unit + " 2>/dev/null)\"; exit 0; fi\n"
                + "exec python3 -c " + quote(SCRIPT) + " " + String.join(" ", List.of(p.unit(), p.osUser(),
                String.valueOf(p.restPort()), p.configFile(), p.tlsDir(), p.envFile()).stream().map(a -> quote(a)).toList());
        CommandResult r = connection.run(RemoteCommand.of(command).withTimeout(Duration.ofSeconds(30)));
        if (!r.ok()) {
            throw new RemoteException(ExitCode.HOST_FAILED, p.name(), "could not read Patroni's state on " + p.name(),
                    r.stderr().strip(), "install Patroni there (it brings python3), or take the host out of the Patroni group", null);
        }
        return parse(r.stdout());
    }

    static PatroniFacts parse(String out) {
        try {
            JsonNode n = JSON.readTree(out);
            List<String> sections = new ArrayList<>();
            n.path("sections").forEach(s -> sections.add(s.asText()));
            Optional<FileState> env = Optional.empty();
            JsonNode e = n.path("env");
            if (e.isArray()) {
                env = Optional.of(new FileState("", true, e.get(0).asText(), e.get(1).asText(), e.get(2).asText(), e.get(3).asText()));
            }
            JsonNode rest = n.path("rest");
            return new PatroniFacts(n.path("load").asText().equals("loaded"), n.path("active").asText().equals("active"),
                    n.path("user").asBoolean(), sections, n.path("current").asText(""), n.path("current_sha256").asText(""), env,
                    Optional.ofNullable(rest.get("patroni")), Optional.ofNullable(rest.get("config")),
                    Optional.ofNullable(rest.get("cluster")), n.path("rest_error").asText(n.path("config_error").asText("")),
                    n.path("now").asDouble(), n.path("python3").asBoolean(true));
        } catch (IOException ex) {
            throw new IllegalStateException("unreadable answer of the Patroni probe: " + ex.getMessage(), ex);
        }
    }
}
