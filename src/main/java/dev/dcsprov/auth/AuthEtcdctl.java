package dev.dcsprov.auth;

import dev.dcsprov.etcd.EtcdctlInvocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;
import dev.dcsprov.inventory.Permission;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.dcsprov.Shell.quote;

/**
 * etcdctl on a member for users, roles and auth, with dcsprov's admin certificate (CN=root: etcd
 * takes it as the root user once auth is on, so no password is needed for dcsprov's own work).
 * Passwords only ever reach etcdctl on standard input or in its environment, never in argv.
 */
public final class AuthEtcdctl {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A user that never exists: authenticating as it tells whether etcd enforces auth. */
    static final String PROBE_USER = "dcsprov-auth-probe";

    private final Connection via;
    private final String prefix;

    public AuthEtcdctl(Connection via, List<String> endpoints, String caCert, String cert, String key) {
        this.via = via;
        this.prefix = new EtcdctlInvocation(endpoints, caCert, cert, key).command() + " --dial-timeout=2s --command-timeout=5s ";
    }

    public String host() {
        return via.hostName();
    }

    /** A script running etcdctl with these (already quoted) arguments. */
    public String script(String args) {
        return prefix + args;
    }

    /** A script that reads one line (a password) from stdin and runs etcdctl as that user. */
    String asUser(String user, String args) {
        return "IFS= read -r p || [ -n \"$p\" ]; ETCDCTL_USER=" + quote(user) + ":\"$p\" " + prefix + args;
    }

    public AuthState read() {
        boolean enabled = authEnabled();
        Map<String, Set<RolePermission>> roles = new LinkedHashMap<>();
        for (String role : list("role list -w json", "roles")) {
            roles.put(role, permissions(json(run("role get " + quote(role) + " -w json"))));
        }
        Map<String, Set<String>> users = new LinkedHashMap<>();
        for (String user : list("user list -w json", "users")) {
            users.put(user, new LinkedHashSet<>(strings(json(run("user get " + quote(user) + " -w json")).path("roles"))));
        }
        return new AuthState(enabled, roles, users);
    }

    /**
     * Whether etcd enforces auth: a user that does not exist is refused only then (etcdctl
     * ignores "authentication is not enabled" and goes on without a token).
     */
    boolean authEnabled() {
        CommandResult r = via.run(RemoteCommand.of(asUser(PROBE_USER, "user list")).withStdin("-\n").withTimeout(timeout()));
        if (r.ok()) {
            return false;
        }
        if (r.stderr().contains("authentication failed")) {
            return true;
        }
        throw failure("could not tell whether etcd authentication is on", r);
    }

    /** True if the password authenticates the user now. */
    public boolean authenticates(String user, String password) {
        CommandResult r = via.run(RemoteCommand.of(asUser(user, "user get " + quote(user)))
                .withStdin(password + "\n").withTimeout(timeout()));
        if (r.ok()) {
            return true;
        }
        if (r.stderr().contains("authentication failed")) {
            return false;
        }
        throw failure("could not check the password of etcd user " + user, r);
    }

    private List<String> list(String args, String field) {
        return strings(json(run(args)).path(field));
    }

    private String run(String args) {
        CommandResult r = via.run(RemoteCommand.of(script(args)).withTimeout(timeout()));
        if (!r.ok()) {
            throw failure("etcdctl " + args.split(" -w")[0] + " failed on " + via.hostName(), r);
        }
        return r.stdout();
    }

    static Set<RolePermission> permissions(JsonNode role) {
        Set<RolePermission> perms = new LinkedHashSet<>();
        for (JsonNode p : role.path("perm")) {
            Permission.Type type = switch (p.path("permType").asInt(0)) {
                case 1 -> Permission.Type.WRITE;
                case 2 -> Permission.Type.READWRITE;
                default -> Permission.Type.READ;
            };
            perms.add(new RolePermission(base64(p.path("key")), base64(p.path("range_end")), type));
        }
        return perms;
    }

    private static String base64(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? ""
                : new String(Base64.getDecoder().decode(node.asText()), StandardCharsets.ISO_8859_1);
    }

    private static List<String> strings(JsonNode array) {
        return array.isArray() ? java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList()
                : List.of();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.FAILED, "etcdctl printed something that is not JSON", text, "");
        }
    }

    private static Duration timeout() {
        return Duration.ofSeconds(30);
    }

    private DcsprovException failure(String summary, CommandResult r) {
        return new DcsprovException(ExitCode.HOST_FAILED, summary, "on " + via.hostName() + ": exit status " + r.exitStatus()
                + ": " + r.stderr().strip(), "check that etcd runs and is healthy ('dcsprov status'), then run apply again");
    }
}
