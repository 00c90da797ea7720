package dev.dcsprov.inventory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An etcd user as the inventory wants it: where its password comes from and which roles it has.
 * A user without a password is certificate-only: it authenticates by its client certificate's CN
 * over gRPC (etcdctl, kube-apiserver) and has no password anyone knows.
 */
public record UserSpec(String name, Optional<SecretSource> password, List<String> roles) {
    public UserSpec {
        Objects.requireNonNull(password, "password");
        roles = List.copyOf(roles);
    }

    public UserSpec(String name, SecretSource password, List<String> roles) {
        this(name, Optional.of(password), roles);
    }

    public boolean certificateOnly() {
        return password.isEmpty();
    }
}
