package dev.dcsprov.inventory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * etcd authentication as the inventory wants it. Nothing here holds a secret, only where each
 * one comes from.
 *
 * @param enabled          etcd_auth_enabled; empty when not set: dcsprov then leaves auth alone
 * @param rootPassword     etcd_auth_root_password, required when enabled
 * @param roles            etcd_roles: role name -> permissions (the root role is dcsprov's own)
 * @param users            etcd_users: user name -> password source and roles (root is dcsprov's own)
 * @param removeUnmanaged  etcd_auth_remove_unmanaged: delete users and roles not in the inventory
 */
public record AuthSettings(Optional<Boolean> enabled, Optional<SecretSource> rootPassword,
                           Map<String, List<Permission>> roles, Map<String, UserSpec> users,
                           boolean removeUnmanaged) {

    public static final String ROOT = "root";

    public AuthSettings {
        roles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(roles)); // inventory order
        users = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(users));
    }

    public static AuthSettings unmanaged() {
        return new AuthSettings(Optional.empty(), Optional.empty(), Map.of(), Map.of(), false);
    }

    /** True when the inventory says anything about auth, so apply must look at it. */
    public boolean managed() {
        return enabled.isPresent();
    }

    public boolean on() {
        return enabled.orElse(false);
    }
}
