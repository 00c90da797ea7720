package dev.dcsprov.inventory;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds {@link AuthSettings} from one member's merged variables: etcd_auth_enabled,
 * etcd_auth_root_password, etcd_auth_remove_unmanaged, etcd_roles, etcd_users. Every problem is
 * reported at its own file:line:column.
 */
final class AuthSettingsResolver {
    static final List<String> NAMES = List.of("etcd_auth_enabled", "etcd_auth_root_password",
            "etcd_auth_remove_unmanaged", "etcd_roles", "etcd_users");
    private static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.@-]*";
    private static final String SECRET_HINT = "write {env: VARIABLE}, {file: /path/to/file} or {prompt: true}";

    private final LocalPaths paths;

    AuthSettingsResolver(LocalPaths paths) {
        this.paths = paths;
    }

    Optional<AuthSettings> resolve(VarReader vars) {
        boolean failedBefore = vars.failed();
        Optional<Boolean> enabled = vars.isSet("etcd_auth_enabled")
                ? Optional.of(vars.bool("etcd_auth_enabled", false)) : Optional.empty();
        Optional<SecretSource> root = vars.var("etcd_auth_root_password")
                .flatMap(v -> secret(vars, v, v.value(), "etcd_auth_root_password", "root"));
        boolean remove = vars.bool("etcd_auth_remove_unmanaged", false);
        Map<String, List<Permission>> roles = roles(vars);
        Map<String, UserSpec> users = users(vars, roles);

        Optional<Var> anyAuthVar = NAMES.stream().filter(n -> !n.equals("etcd_auth_enabled"))
                .map(vars::var).flatMap(Optional::stream).findFirst();
        if (enabled.isEmpty() && anyAuthVar.isPresent()) {
            vars.error(anyAuthVar.get(), anyAuthVar.get().name() + " needs etcd_auth_enabled: true",
                    "add etcd_auth_enabled: true next to it; dcsprov manages users and roles only with authentication on");
        } else if (enabled.isPresent() && !enabled.get() && (!roles.isEmpty() || !users.isEmpty())) {
            Var at = vars.var("etcd_roles").or(() -> vars.var("etcd_users")).orElseThrow();
            vars.error(at, "etcd_roles and etcd_users need etcd_auth_enabled: true, not false",
                    "set etcd_auth_enabled: true, or remove the roles and users");
        }
        if (enabled.orElse(false) && root.isEmpty() && !vars.var("etcd_auth_root_password").isPresent()) {
            vars.error(vars.var("etcd_auth_enabled").orElseThrow(),
                    "etcd_auth_enabled: true needs etcd_auth_root_password, the password of etcd's root user",
                    "add etcd_auth_root_password: {env: ETCD_ROOT_PASSWORD} (or {file: path}, {prompt: true})");
        }
        if (vars.failed() && !failedBefore) {
            return Optional.empty();
        }
        return Optional.of(new AuthSettings(enabled, root, roles, users, remove));
    }

    private Map<String, List<Permission>> roles(VarReader vars) {
        Map<String, List<Permission>> roles = new LinkedHashMap<>();
        Optional<Var> var = vars.var("etcd_roles");
        if (var.isEmpty() || YamlNodes.isNull(var.get().value())) {
            return roles;
        }
        if (!(var.get().value() instanceof MappingNode map)) {
            vars.error(var.get(), "etcd_roles must be a mapping of role name to a list of permissions, not "
                    + YamlNodes.describe(var.get().value()), "for example: {patroni_main: [{prefix: /service/main/, permission: readwrite}]}");
            return roles;
        }
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode keyScalar) || YamlNodes.isNull(t.getKeyNode())) {
                error(vars, var.get(), t.getKeyNode(), "a role name must be a plain name, not " + YamlNodes.describe(t.getKeyNode()),
                        "write the role name as a key, e.g. patroni_main:");
                continue;
            }
            String name = keyScalar.getValue();
            if (!name.matches(NAME_PATTERN)) {
                error(vars, var.get(), t.getKeyNode(), "role name '" + name + "' must be letters, digits, '_', '.', '@' or '-'", "");
                continue;
            }
            if (name.equals(AuthSettings.ROOT)) {
                error(vars, var.get(), t.getKeyNode(), "the role 'root' is dcsprov's own and cannot be defined in etcd_roles",
                        "give the role another name; root always has every permission");
                continue;
            }
            roles.put(name, permissions(vars, var.get(), name, t.getValueNode()));
        }
        return roles;
    }

    private List<Permission> permissions(VarReader vars, Var var, String role, Node node) {
        List<Permission> perms = new ArrayList<>();
        if (YamlNodes.isNull(node)) {
            return perms;
        }
        if (!(node instanceof SequenceNode seq)) {
            error(vars, var, node, "the permissions of role '" + role + "' must be a list, not " + YamlNodes.describe(node),
                    "write [{prefix: /service/main/, permission: readwrite}]");
            return perms;
        }
        for (Node item : seq.getValue()) {
            Map<String, Node> fields = fields(vars, var, item, "a permission of role '" + role + "'",
                    Set.of("key", "prefix", "permission"));
            if (fields == null) {
                continue;
            }
            Node key = fields.get("key");
            Node prefix = fields.get("prefix");
            if ((key == null) == (prefix == null)) {
                error(vars, var, item, "a permission of role '" + role + "' needs exactly one of key: or prefix:",
                        "key: /exact/key, or prefix: /service/main/ for every key under it");
                continue;
            }
            Node keyNode = key != null ? key : prefix;
            if (!(keyNode instanceof ScalarNode k) || YamlNodes.isNull(keyNode) || k.getValue().isEmpty()) {
                error(vars, var, keyNode, "the key of a permission of role '" + role + "' must be a non-empty string", "");
                continue;
            }
            Node type = fields.get("permission");
            Optional<Permission.Type> t = type instanceof ScalarNode s
                    ? parseType(s.getValue()) : Optional.empty();
            if (t.isEmpty()) {
                error(vars, var, type == null ? item : type, "the permission of role '" + role + "' on " + k.getValue()
                        + " must be read, write or readwrite" + (type == null ? "" : ", not " + YamlNodes.describe(type)),
                        "add permission: read, write or readwrite");
                continue;
            }
            perms.add(new Permission(k.getValue(), prefix != null, t.get()));
        }
        return perms;
    }

    private static Optional<Permission.Type> parseType(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "read" -> Optional.of(Permission.Type.READ);
            case "write" -> Optional.of(Permission.Type.WRITE);
            case "readwrite" -> Optional.of(Permission.Type.READWRITE);
            default -> Optional.empty();
        };
    }

    private Map<String, UserSpec> users(VarReader vars, Map<String, List<Permission>> roles) {
        Map<String, UserSpec> users = new LinkedHashMap<>();
        Optional<Var> var = vars.var("etcd_users");
        if (var.isEmpty() || YamlNodes.isNull(var.get().value())) {
            return users;
        }
        if (!(var.get().value() instanceof MappingNode map)) {
            vars.error(var.get(), "etcd_users must be a mapping of user name to {password: ..., roles: [...]}, not "
                    + YamlNodes.describe(var.get().value()), "");
            return users;
        }
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode keyScalar) || YamlNodes.isNull(t.getKeyNode())) {
                error(vars, var.get(), t.getKeyNode(), "a user name must be a plain name, not " + YamlNodes.describe(t.getKeyNode()),
                        "write the user name as a key, e.g. patroni_main: {password: {env: PW}, roles: [patroni_main]}");
                continue;
            }
            String name = keyScalar.getValue();
            if (!name.matches(NAME_PATTERN)) {
                error(vars, var.get(), t.getKeyNode(), "user name '" + name + "' must be letters, digits, '_', '.', '@' or '-'", "");
                continue;
            }
            if (name.equals(AuthSettings.ROOT)) {
                error(vars, var.get(), t.getKeyNode(), "the user 'root' is dcsprov's own and cannot be defined in etcd_users",
                        "set its password with etcd_auth_root_password");
                continue;
            }
            Map<String, Node> fields = fields(vars, var.get(), t.getValueNode(), "user '" + name + "'", Set.of("password", "roles"));
            if (fields == null) {
                continue;
            }
            Node pw = fields.get("password");
            // No password: a certificate-only user (its client certificate carries CN = name).
            boolean certificateOnly = pw == null || YamlNodes.isNull(pw);
            Optional<SecretSource> password = certificateOnly ? Optional.empty()
                    : secret(vars, var.get(), pw, "the password of user '" + name + "'", "user " + name);
            if (!certificateOnly && password.isEmpty()) {
                continue; // the error is recorded
            }
            List<String> userRoles = new ArrayList<>();
            Node r = fields.get("roles");
            if (r instanceof SequenceNode seq) {
                for (Node item : seq.getValue()) {
                    String role = item instanceof ScalarNode s ? s.getValue() : "";
                    if (!roles.containsKey(role)) {
                        error(vars, var.get(), item, "user '" + name + "' has role '" + role + "', which is not in etcd_roles"
                                + Suggestions.hint(role, roles.keySet()), "define the role under etcd_roles, or remove it here");
                    } else {
                        userRoles.add(role);
                    }
                }
            } else if (r != null && !YamlNodes.isNull(r)) {
                error(vars, var.get(), r, "the roles of user '" + name + "' must be a list, not " + YamlNodes.describe(r),
                        "write roles: [" + YamlNodes.show(r) + "]");
            }
            users.put(name, new UserSpec(name, password, userRoles));
        }
        return users;
    }

    /** A secret source; a password written in clear is an error. */
    private Optional<SecretSource> secret(VarReader vars, Var var, Node node, String what, String label) {
        if (Problems.isVault(node)) {
            return Optional.ofNullable(vars.decrypt((ScalarNode) node, var, what)).map(v -> new SecretSource.Vaulted(v, "an Ansible Vault value"));
        }
        if (node instanceof ScalarNode s && !YamlNodes.isNull(node) && vars.isVaulted(var)) {
            return Optional.of(new SecretSource.Vaulted(s.getValue(), "the vault-encrypted " + var.location().file()));
        }
        if (node instanceof ScalarNode && !YamlNodes.isNull(node)) {
            error(vars, var, node, what + " is written in clear; passwords never go into the inventory", SECRET_HINT);
            return Optional.empty();
        }
        Map<String, Node> fields = fields(vars, var, node, what, Set.of("env", "file", "prompt"));
        if (fields == null) {
            return Optional.empty();
        }
        if (fields.size() != 1) {
            error(vars, var, node, what + " needs exactly one of env:, file: or prompt:", SECRET_HINT);
            return Optional.empty();
        }
        Map.Entry<String, Node> e = fields.entrySet().iterator().next();
        String value = e.getValue() instanceof ScalarNode s && !YamlNodes.isNull(s) ? s.getValue() : "";
        switch (e.getKey()) {
            case "env" -> {
                if (value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    return Optional.of(new SecretSource.Env(value));
                }
                error(vars, var, e.getValue(), "env: of " + what + " must name an environment variable, not "
                        + YamlNodes.describe(e.getValue()), "for example: {env: ETCD_ROOT_PASSWORD}");
            }
            case "file" -> {
                if (!value.isEmpty()) {
                    return Optional.of(new SecretSource.File(paths.resolve(value)));
                }
                error(vars, var, e.getValue(), "file: of " + what + " must be a path", "relative paths are relative to the inventory");
            }
            default -> {
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes")) {
                    return Optional.of(new SecretSource.Prompt(label));
                }
                error(vars, var, e.getValue(), "prompt: of " + what + " must be true", "write {prompt: true}");
            }
        }
        return Optional.empty();
    }

    /** The fields of a mapping, or null (reported) when it is not one or has unknown keys. */
    private static Map<String, Node> fields(VarReader vars, Var var, Node node, String what, Set<String> allowed) {
        if (!(node instanceof MappingNode map)) {
            error(vars, var, node, what + " must be a mapping with " + String.join(", ", new java.util.TreeSet<>(allowed))
                    + ", not " + YamlNodes.describe(node), "");
            return null;
        }
        Map<String, Node> fields = new LinkedHashMap<>();
        boolean ok = true;
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
            if (!allowed.contains(key)) {
                error(vars, var, t.getKeyNode(), "unknown key '" + key + "' in " + what + Suggestions.hint(key, allowed),
                        "allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)));
                ok = false;
            }
            fields.put(key, t.getValueNode());
        }
        return ok ? fields : null;
    }

    private static void error(VarReader vars, Var var, Node node, String message, String fix) {
        SourceLocation at = node == null ? var.location() : new SourceLocation(var.location().file(),
                node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
        vars.error(new Var(var.name(), node, var.keyLocation(), at, var.origin()), message, fix);
    }
}
