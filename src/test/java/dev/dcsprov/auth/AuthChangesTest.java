package dev.dcsprov.auth;

import dev.dcsprov.inventory.AuthSettings;
import dev.dcsprov.inventory.Permission;
import dev.dcsprov.inventory.SecretSource;
import dev.dcsprov.inventory.UserSpec;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.ssh.CommandResult;
import dev.dcsprov.ssh.Connection;
import dev.dcsprov.ssh.RemoteCommand;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Facts (an AuthState) in, changes out: order, minimality, and passwords only on stdin. */
class AuthChangesTest {
    static final Map<String, String> PASSWORDS = Map.of("root", "ROOT-SECRET", "app", "APP-SECRET");

    static final Connection NO_HOST = new Connection() {
        public String hostName() {
            return "dcs-00";
        }

        public CommandResult run(RemoteCommand command) {
            throw new AssertionError("planning runs nothing");
        }

        public CommandResult run(RemoteCommand command, java.io.OutputStream out) {
            throw new AssertionError("planning runs nothing");
        }

        public void close() {
        }
    };

    static AuthSettings want(Permission.Type type, boolean removeUnmanaged) {
        Map<String, List<Permission>> roles = new LinkedHashMap<>();
        roles.put("app", List.of(new Permission("/service/app/", true, type)));
        return new AuthSettings(Optional.of(true), Optional.of(new SecretSource.Env("R")), roles,
                Map.of("app", new UserSpec("app", new SecretSource.Env("A"), List.of("app"))), removeUnmanaged);
    }

    static AuthChanges.Result plan(AuthSettings want, AuthState have, Set<String> goodPasswords) {
        AuthEtcdctl etcdctl = new AuthEtcdctl(NO_HOST, List.of("https://10.0.0.1:2379"), "/c/ca.crt", "/c/admin.crt", "/c/admin.key");
        return new AuthChanges(want, PASSWORDS, etcdctl).plan(have, (u, p) -> goodPasswords.contains(u + ":" + p));
    }

    static AuthState converged(Permission.Type type) {
        return new AuthState(true, Map.of("root", Set.of(), "app", Set.of(RolePermission.of(new Permission("/service/app/", true, type)))),
                Map.of("root", Set.of("root"), "app", Set.of("app")));
    }

    @Test
    void aNewClusterGetsRootFirstAndAuthEnabledLast() {
        List<Change> c = plan(want(Permission.Type.READWRITE, false), AuthState.empty(), Set.of()).changes();
        assertEquals(List.of("role root", "user root", "role app", "user app", "authentication"), c.stream().map(Change::subject).toList());
        assertTrue(c.get(c.size() - 1).commands().get(0).script().endsWith("auth enable"));
        assertTrue(c.get(1).sensitive() && c.get(3).sensitive());
        assertEquals("ROOT-SECRET\n", new String(c.get(1).commands().get(0).stdin(), StandardCharsets.UTF_8));
        assertTrue(c.get(2).commands().get(1).script().endsWith("role grant-permission 'app' readwrite --prefix=true -- '/service/app/'"));
        noPasswordInScripts(c);
    }

    @Test
    void aConvergedClusterNeedsNothing() {
        AuthChanges.Result r = plan(want(Permission.Type.READWRITE, false), converged(Permission.Type.READWRITE),
                Set.of("root:ROOT-SECRET", "app:APP-SECRET"));
        assertEquals(List.of(), r.changes());
    }

    @Test
    void aChangedPermissionIsExactlyOneGrant() {
        List<Change> c = plan(want(Permission.Type.READWRITE, false), converged(Permission.Type.READ),
                Set.of("root:ROOT-SECRET", "app:APP-SECRET")).changes();
        assertEquals(1, c.size(), c.toString());
        assertEquals(Action.UPDATE, c.get(0).action());
        assertEquals("read prefix /service/app/ -> readwrite", c.get(0).reason());
    }

    @Test
    void aPasswordThatNoLongerAuthenticatesIsSetOnStdin() {
        List<Change> c = plan(want(Permission.Type.READWRITE, false), converged(Permission.Type.READWRITE), Set.of("root:ROOT-SECRET")).changes();
        assertEquals(1, c.size(), c.toString());
        assertTrue(c.get(0).sensitive() && c.get(0).commands().get(0).script().contains("user passwd 'app' --interactive=false"));
        assertEquals("APP-SECRET\n", new String(c.get(0).commands().get(0).stdin(), StandardCharsets.UTF_8));
        noPasswordInScripts(c);
    }

    @Test
    void unmanagedUsersAreReportedAndRemovedOnlyWhenAsked() {
        AuthState have = new AuthState(true, converged(Permission.Type.READWRITE).roles(),
                Map.of("root", Set.of("root"), "app", Set.of("app"), "hand", Set.of()));
        Set<String> ok = Set.of("root:ROOT-SECRET", "app:APP-SECRET");
        AuthChanges.Result kept = plan(want(Permission.Type.READWRITE, false), have, ok);
        assertEquals(List.of(), kept.changes());
        assertTrue(kept.notes().get(0).contains("'hand' is not in the inventory"), kept.notes().toString());
        AuthChanges.Result removed = plan(want(Permission.Type.READWRITE, true), have, ok);
        assertEquals(List.of("user hand"), removed.changes().stream().map(Change::subject).toList());
        assertEquals(Action.DELETE, removed.changes().get(0).action());
    }

    @Test
    void rootNeverLosesItsRole() {
        AuthState have = new AuthState(true, converged(Permission.Type.READWRITE).roles(), Map.of("root", Set.of(), "app", Set.of("app")));
        List<Change> c = plan(want(Permission.Type.READWRITE, true), have, Set.of("root:ROOT-SECRET", "app:APP-SECRET")).changes();
        assertEquals(1, c.size());
        assertTrue(c.get(0).commands().get(0).script().endsWith("user grant-role root root"));
    }

    @Test
    void aCertificateOnlyUserIsCreatedOnceAndItsPasswordNeverChecked() {
        Map<String, List<Permission>> roles = new LinkedHashMap<>();
        roles.put("app", List.of(new Permission("/service/app/", true, Permission.Type.READWRITE)));
        AuthSettings want = new AuthSettings(Optional.of(true), Optional.of(new SecretSource.Env("R")), roles,
                Map.of("app", new UserSpec("app", Optional.empty(), List.of("app"))), false);
        List<Change> created = plan(want, AuthState.empty(), Set.of()).changes();
        Change user = created.stream().filter(c -> c.subject().equals("user app")).findFirst().orElseThrow();
        assertTrue(user.reason().contains("certificate-only (CN app), no password login"), user.reason());
        // Converged although no password authenticates: nobody knows it, and nothing sets it again.
        assertEquals(List.of(), plan(want, converged(Permission.Type.READWRITE), Set.of("root:ROOT-SECRET")).changes());
    }

    @Test
    void prefixEndIsEtcds() {
        assertEquals("/service/app0", RolePermission.prefixEnd("/service/app/"));
        assertEquals("\0", RolePermission.prefixEnd("\u00ff"));
    }

    private static void noPasswordInScripts(List<Change> changes) {
        for (Change ch : changes) {
            for (RemoteCommand rc : ch.commands()) {
                assertFalse(rc.script().contains("SECRET"), rc.script());
            }
        }
    }
}
