package dev.dcsprov.auth;

import dev.dcsprov.inventory.AuthSettings;
import dev.dcsprov.inventory.Permission;
import dev.dcsprov.inventory.UserSpec;
import dev.dcsprov.plan.Action;
import dev.dcsprov.plan.Change;
import dev.dcsprov.ssh.RemoteCommand;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

import static dev.dcsprov.Shell.quote;

/**
 * The changes that bring etcd's users, roles and auth flag from {@link AuthState} to what the
 * inventory says, in a safe order: the root role and user first, then roles, then users, then
 * removals, and auth is enabled last, so the operator is never locked out. Passwords travel
 * only on standard input; every change that carries one is sensitive.
 */
public final class AuthChanges {
    private final AuthSettings want;
    private final Map<String, String> passwords; // user -> password, root included when auth is on
    private final AuthEtcdctl etcdctl;           // builds the scripts
    private final String host;                   // where they run

    public AuthChanges(AuthSettings want, Map<String, String> passwords, AuthEtcdctl etcdctl) {
        this.want = want;
        this.passwords = Map.copyOf(passwords);
        this.etcdctl = etcdctl;
        this.host = etcdctl.host();
    }

    /** What has to change, and notes about what is left alone. */
    public record Result(List<Change> changes, List<String> notes) {
    }

    /**
     * @param have          the cluster's auth now
     * @param authenticates checks a user's password against the cluster (only asked while auth is on)
     */
    public Result plan(AuthState have, BiPredicate<String, String> authenticates) {
        List<Change> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (!want.managed()) {
            return new Result(changes, notes);
        }
        if (want.on()) {
            root(have, authenticates, changes);
        }
        for (Map.Entry<String, List<Permission>> e : want.roles().entrySet()) {
            role(e.getKey(), e.getValue(), have, changes);
        }
        for (UserSpec u : want.users().values()) {
            user(u, have, authenticates, changes);
        }
        unmanaged(have, changes, notes);
        if (want.on() && !have.enabled()) {
            changes.add(change(Action.UPDATE, "authentication", "enable authentication (root user and role exist)", false,
                    RemoteCommand.of(etcdctl.script("auth enable"))));
        } else if (!want.on() && have.enabled()) {
            changes.add(change(Action.UPDATE, "authentication", "disable authentication (etcd_auth_enabled: false)", false,
                    RemoteCommand.of(etcdctl.script("auth disable"))));
        }
        return new Result(changes, notes);
    }

    private void root(AuthState have, BiPredicate<String, String> authenticates, List<Change> changes) {
        String root = AuthSettings.ROOT;
        if (!have.roles().containsKey(root)) {
            changes.add(change(Action.CREATE, "role root", "etcd's superuser role", false,
                    RemoteCommand.of(etcdctl.script("role add root"))));
        }
        if (!have.users().containsKey(root)) {
            changes.add(change(Action.CREATE, "user root", "with the root role; password from "
                            + want.rootPassword().orElseThrow().describe(), true,
                    addUser(root), RemoteCommand.of(etcdctl.script("user grant-role root root"))));
        } else {
            if (!have.users().get(root).contains(root)) {
                changes.add(change(Action.UPDATE, "user root", "grant role root (root must keep it)", false,
                        RemoteCommand.of(etcdctl.script("user grant-role root root"))));
            }
            password(root, have, authenticates, want.rootPassword().orElseThrow().describe(), changes);
        }
    }

    private void role(String name, List<Permission> perms, AuthState have, List<Change> changes) {
        Set<RolePermission> wanted = new LinkedHashSet<>(perms.stream().map(RolePermission::of).toList());
        Set<RolePermission> current = have.roles().get(name);
        if (current == null) {
            List<RemoteCommand> commands = new ArrayList<>();
            commands.add(RemoteCommand.of(etcdctl.script("role add " + quote(name))));
            wanted.forEach(p -> commands.add(grant(name, p)));
            changes.add(change(Action.CREATE, "role " + name, wanted.isEmpty() ? "no permissions"
                    : String.join(", ", wanted.stream().map(RolePermission::describe).toList()), false, commands.toArray(RemoteCommand[]::new)));
            return;
        }
        for (RolePermission p : wanted) {
            if (current.contains(p)) {
                continue;
            }
            Optional<RolePermission> sameRange = current.stream().filter(p::sameRange).findFirst();
            changes.add(change(sameRange.isPresent() ? Action.UPDATE : Action.CREATE, "role " + name,
                    sameRange.map(old -> old.describe() + " -> " + p.type().id()).orElse("grant " + p.describe()), false, grant(name, p)));
        }
        for (RolePermission p : current) {
            if (wanted.stream().noneMatch(p::sameRange)) {
                changes.add(change(Action.DELETE, "role " + name, "revoke " + p.describe() + " (not in the inventory)", false,
                        RemoteCommand.of(etcdctl.script("role revoke-permission " + quote(name) + " " + rangeArgs(p)))));
            }
        }
    }

    private RemoteCommand grant(String role, RolePermission p) {
        return RemoteCommand.of(etcdctl.script("role grant-permission " + quote(role) + " " + p.type().id() + " " + rangeArgs(p)));
    }

    /** etcdctl's arguments for a key, prefix or range ("--" so a key may start with "-"). */
    private static String rangeArgs(RolePermission p) {
        if (p.rangeEnd().isEmpty()) {
            return "-- " + quote(RolePermission.text(p.key()));
        }
        if (p.isPrefix()) {
            return "--prefix=true -- " + quote(RolePermission.text(p.key()));
        }
        if ("\0".equals(p.rangeEnd())) {
            return "--from-key=true -- " + quote(RolePermission.text(p.key()));
        }
        return "-- " + quote(RolePermission.text(p.key())) + " " + quote(RolePermission.text(p.rangeEnd()));
    }

    private void user(UserSpec u, AuthState have, BiPredicate<String, String> authenticates, List<Change> changes) {
        Set<String> current = have.users().get(u.name());
        if (current == null) {
            List<RemoteCommand> commands = new ArrayList<>();
            commands.add(addUser(u.name()));
            u.roles().forEach(r -> commands.add(RemoteCommand.of(etcdctl.script("user grant-role " + quote(u.name()) + " " + quote(r)))));
            changes.add(change(Action.CREATE, "user " + u.name(), (u.roles().isEmpty() ? "no roles" : "roles " + String.join(", ", u.roles()))
                    + u.password().map(p -> "; password from " + p.describe())
                            .orElse("; certificate-only (CN " + u.name() + "), no password login"),
                    true, commands.toArray(RemoteCommand[]::new)));
            return;
        }
        for (String r : u.roles()) {
            if (!current.contains(r)) {
                changes.add(change(Action.UPDATE, "user " + u.name(), "grant role " + r, false,
                        RemoteCommand.of(etcdctl.script("user grant-role " + quote(u.name()) + " " + quote(r)))));
            }
        }
        for (String r : current) {
            if (!u.roles().contains(r)) {
                changes.add(change(Action.UPDATE, "user " + u.name(), "revoke role " + r + " (not in the inventory)", false,
                        RemoteCommand.of(etcdctl.script("user revoke-role " + quote(u.name()) + " " + quote(r)))));
            }
        }
        if (u.password().isPresent()) { // a certificate-only user's password is unknowable on purpose: never checked
            password(u.name(), have, authenticates, u.password().get().describe(), changes);
        }
    }

    /** A password is checked by logging in with it; while auth is off etcd cannot check it, so it is set. */
    private void password(String user, AuthState have, BiPredicate<String, String> authenticates, String source, List<Change> changes) {
        String pw = passwords.get(user);
        if (have.enabled() && authenticates.test(user, pw)) {
            return;
        }
        String why = have.enabled() ? "the password from " + source + " no longer authenticates"
                : "authentication is off, so the password cannot be checked: set it from " + source;
        changes.add(change(Action.UPDATE, "user " + user, why, true,
                RemoteCommand.of(etcdctl.script("user passwd " + quote(user) + " --interactive=false")).withStdin(pw + "\n")));
    }

    private RemoteCommand addUser(String user) {
        return RemoteCommand.of(etcdctl.script("user add " + quote(user) + " --interactive=false")).withStdin(passwords.get(user) + "\n");
    }

    private void unmanaged(AuthState have, List<Change> changes, List<String> notes) {
        List<String> users = have.users().keySet().stream()
                .filter(u -> !u.equals(AuthSettings.ROOT) && !want.users().containsKey(u)).sorted().toList();
        List<String> roles = have.roles().keySet().stream()
                .filter(r -> !r.equals(AuthSettings.ROOT) && !want.roles().containsKey(r)).sorted().toList();
        if (want.removeUnmanaged()) {
            users.forEach(u -> changes.add(change(Action.DELETE, "user " + u, "not in the inventory (etcd_auth_remove_unmanaged)", false,
                    RemoteCommand.of(etcdctl.script("user delete " + quote(u))))));
            roles.forEach(r -> changes.add(change(Action.DELETE, "role " + r, "not in the inventory (etcd_auth_remove_unmanaged)", false,
                    RemoteCommand.of(etcdctl.script("role delete " + quote(r))))));
            return;
        }
        users.forEach(u -> notes.add("etcd user '" + u + "' is not in the inventory: left alone "
                + "(set etcd_auth_remove_unmanaged: true to remove it)"));
        roles.forEach(r -> notes.add("etcd role '" + r + "' is not in the inventory: left alone "
                + "(set etcd_auth_remove_unmanaged: true to remove it)"));
    }

    private Change change(Action action, String subject, String reason, boolean sensitive, RemoteCommand... commands) {
        return new Change(host, "auth", action, subject, reason, "", sensitive, false, List.of(commands));
    }
}
