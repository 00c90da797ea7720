package dev.dcsprov.inventory;

import java.util.List;

/** An etcd user as the inventory wants it: where its password comes from and which roles it has. */
public record UserSpec(String name, SecretSource password, List<String> roles) {
    public UserSpec {
        roles = List.copyOf(roles);
    }
}
