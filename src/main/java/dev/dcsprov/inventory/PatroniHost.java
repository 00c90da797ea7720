package dev.dcsprov.inventory;

/**
 * A host of the Patroni group: where Patroni runs and takes its etcd settings from what dcsprov delivers.
 * It may also be an etcd member.
 *
 * @param host      how dcsprov reaches it (the same connection variables as a member's)
 * @param etcdUser  {@code dcsprov_patroni_etcd_user}: the etcd user Patroni logs in as; a user with a password
 * @param osUser    {@code dcsprov_patroni_os_user}: the account Patroni runs as (owns the client key)
 * @param unit      {@code dcsprov_patroni_unit}: the systemd unit reloaded after a change
 * @param restPort  {@code dcsprov_patroni_rest_port}: Patroni's REST API port, asked on the host itself
 * @param configFile {@code dcsprov_patroni_config}: Patroni's config.yml, only read (for a DCS section of its own)
 * @param tlsDir    {@code dcsprov_patroni_tls_dir}: generations of CA, client certificate and key, and the current link
 * @param envFile   {@code dcsprov_patroni_env_file}: the EnvironmentFile of the unit with the PATRONI_ETCD3_* settings
 */
public record PatroniHost(Host host, String etcdUser, String osUser, String unit, int restPort, String configFile,
                          String tlsDir, String envFile) {
    public static final String DEFAULT_GROUP = "patroni";

    public String name() {
        return host.name();
    }

    /** The generation the link points at: Patroni's files always come from one consistent set. */
    public String current() {
        return tlsDir + "/current";
    }
}
