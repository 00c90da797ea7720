package dev.dcsprov.inventory;

import java.util.Optional;

/** Builds a {@link PatroniHost} from a Patroni host's merged variables; problems are reported where they are written. */
final class PatroniResolver {
    static final String USER_VAR = "dcsprov_patroni_etcd_user";

    private PatroniResolver() {
    }

    static Optional<PatroniHost> resolve(Host host, VarReader vars, AuthSettings auth) {
        Optional<String> user = vars.string(USER_VAR);
        if (user.isEmpty()) {
            vars.problems().error(host.location(), "Patroni host " + host.name() + " has no " + USER_VAR
                            + ": dcsprov must know which etcd user Patroni logs in as",
                    "add '" + USER_VAR + ": <user>' (a user with a password in etcd_users) to the Patroni group's vars or the host");
        } else {
            UserSpec spec = auth.users().get(user.get());
            Var at = vars.var(USER_VAR).orElseThrow();
            if (spec == null) {
                vars.error(at, USER_VAR + " '" + user.get() + "' of " + host.name() + " is not in etcd_users"
                                + Suggestions.hint(user.get(), auth.users().keySet()),
                        "add the user to etcd_users with a password and a role for Patroni's namespace, e.g. "
                                + user.get() + ": {password: {file: secrets/" + user.get() + ".pw}, roles: [" + user.get() + "]}");
            } else if (spec.certificateOnly()) {
                vars.error(at, USER_VAR + " '" + user.get() + "' of " + host.name()
                                + " has no password; Patroni talks to etcd's JSON gateway, which takes the user only from a password",
                        "give " + user.get() + " a password in etcd_users (password: {file: ...}); its certificate is then reissued without CN");
            }
        }
        String osUser = vars.string("dcsprov_patroni_os_user", "postgres");
        if (!osUser.matches("[a-z_][a-z0-9_-]*")) {
            vars.error(vars.var("dcsprov_patroni_os_user").orElseThrow(), "dcsprov_patroni_os_user '" + osUser
                    + "' is not a user name", "the account Patroni runs as, by default postgres");
        }
        String unit = vars.string("dcsprov_patroni_unit", "patroni");
        if (!unit.matches("[A-Za-z0-9@_.:-]+")) {
            vars.error(vars.var("dcsprov_patroni_unit").orElseThrow(), "dcsprov_patroni_unit '" + unit
                    + "' is not a systemd unit name", "for example: patroni, or patroni@main");
        }
        int port = vars.integer("dcsprov_patroni_rest_port", 8008, 1, 65535);
        String config = hostPath(vars, "dcsprov_patroni_config", "/etc/patroni/config.yml", false);
        String tlsDir = hostPath(vars, "dcsprov_patroni_tls_dir", "/etc/patroni/dcs", true);
        String envFile = hostPath(vars, "dcsprov_patroni_env_file", "/etc/patroni_env.conf", false);
        if (vars.failed() || user.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PatroniHost(host, user.orElseThrow(), osUser, unit, port, config, tlsDir, envFile));
    }

    private static String hostPath(VarReader vars, String name, String defaultValue, boolean directory) {
        String value = vars.string(name, defaultValue);
        // Debian's unit reads /etc/patroni_env.conf, a file in /etc itself, which HostPathCheck keeps for the system:
        // allowed by name (patroni...), everything else as HostPathCheck allows it.
        if (!directory && value.matches("/etc/patroni[A-Za-z0-9._+@-]*")) {
            return value;
        }
        HostPathCheck.Verdict v = directory ? HostPathCheck.directory(value, defaultValue) : HostPathCheck.file(value, defaultValue);
        if (!v.ok()) {
            vars.error(vars.var(name).orElseThrow(), name + " " + v.problem().orElseThrow(), v.fix());
            return defaultValue;
        }
        return v.path();
    }
}
