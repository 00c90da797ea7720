package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static dev.dcsprov.inventory.Fixtures.at;
import static dev.dcsprov.inventory.Fixtures.fail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** etcd_auth_*, etcd_roles and etcd_users: modelled, and every mistake at its own file:line:column. */
class AuthSettingsTest {

    @Test
    void modelsRolesUsersAndSecretSourcesInInventoryOrder() {
        AuthSettings a = Fixtures.load("auth.yml").auth();
        assertTrue(a.on() && a.managed());
        assertEquals(new SecretSource.Env("ETCD_ROOT_PASSWORD"), a.rootPassword().orElseThrow());
        assertEquals(List.of("patroni_main", "monitoring"), List.copyOf(a.roles().keySet()));
        assertEquals(List.of(new Permission("/", true, Permission.Type.READ), new Permission("/health", false, Permission.Type.WRITE)),
                a.roles().get("monitoring"));
        UserSpec p = a.users().get("patroni_main");
        assertEquals(List.of("patroni_main"), p.roles());
        assertEquals(new SecretSource.File(Fixtures.DIR.toAbsolutePath().normalize().resolve("secrets/patroni.pw")), p.password().orElseThrow());
        assertTrue(a.users().get("monitor").password().orElseThrow() instanceof SecretSource.Prompt);
        assertFalse(p.certificateOnly());
        UserSpec kube = a.users().get("kube");
        assertTrue(kube.certificateOnly(), "a user without a password is certificate-only");
        assertEquals(List.of("monitoring"), kube.roles());
        assertFalse(a.removeUnmanaged());
    }

    @Test
    void withoutAuthVariablesAuthIsLeftAlone() {
        assertFalse(Fixtures.load("lab.yml").auth().managed());
    }

    @Test
    void everyMistakeIsReportedWhereItIs() {
        String f = "bad-auth.yml";
        List<String> errors = fail(f).problems().stream().map(Problem::toString).toList();
        String all = String.join("\n", errors);
        assertTrue(all.contains(at(f, 4, 30) + ": etcd_auth_root_password is written in clear"), all);
        assertTrue(all.contains(at(f, 6, 7) + ": the role 'root' is dcsprov's own"), all);
        assertTrue(all.contains(at(f, 7, 13) + ": a permission of role 'app' needs exactly one of key: or prefix:"), all);
        assertTrue(all.contains(at(f, 7, 88) + ": the permission of role 'app' on /b/ must be read, write or readwrite"), all);
        assertTrue(all.contains(at(f, 9, 46) + ": user 'app' has role 'ap', which is not in etcd_roles"), all);
        assertTrue(all.contains(at(f, 11, 38) + ": unknown key 'rolez' in user 'third'; did you mean 'roles'?"), all);
        assertEquals(6, errors.size(), "user 'other' without a password is certificate-only, no error: " + all);
        assertFalse(all.contains("hunter2 "), "the clear password is not repeated: " + all);
    }

    @Test
    void usersWithoutAuthEnabledAreAnError() {
        String all = fail("auth-without-enabled.yml").problems().toString();
        assertTrue(all.contains(at("auth-without-enabled.yml", 4, 7) + ": etcd_users needs etcd_auth_enabled: true"), all);
    }

    @Test
    void differentAuthOnTwoMembersIsAnError() throws Exception {
        Path f = java.nio.file.Files.createTempFile("auth-differs", ".yml");
        java.nio.file.Files.writeString(f, """
                all:
                  children:
                    etcd:
                      hosts:
                        a: {ansible_host: 10.0.0.1, etcd_auth_enabled: true, etcd_auth_root_password: {env: A}}
                        b: {ansible_host: 10.0.0.2}
                """);
        String all = org.junit.jupiter.api.Assertions.assertThrows(InventoryException.class,
                () -> InventoryLoader.load(f, null, Fixtures.HOME)).problems().toString();
        assertTrue(all.contains("etcd_auth_enabled differs between a and b"), all);
    }

    @Test
    void anEnvSourceMustNameAVariable() {
        String all = fail("bad-secret.yml").problems().toString();
        assertTrue(all.contains(at("bad-secret.yml", 4, 36) + ": env: of etcd_auth_root_password must name an environment variable"), all);
    }
}
