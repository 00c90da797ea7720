package dev.dcsprov.auth;

import java.util.Map;
import java.util.Set;

/**
 * Authentication as the cluster has it now.
 *
 * @param enabled whether etcd enforces authentication
 * @param roles   role -> its permissions
 * @param users   user -> its roles
 */
public record AuthState(boolean enabled, Map<String, Set<RolePermission>> roles, Map<String, Set<String>> users) {

    public AuthState {
        roles = Map.copyOf(roles);
        users = Map.copyOf(users);
    }

    /** A cluster that does not exist yet: everything is still to create. */
    public static AuthState empty() {
        return new AuthState(false, Map.of(), Map.of());
    }
}
