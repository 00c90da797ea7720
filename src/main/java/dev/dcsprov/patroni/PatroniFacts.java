package dev.dcsprov.patroni;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

/**
 * What a Patroni host shows dcsprov, read in one SSH round trip by {@link PatroniProbe}.
 *
 * @param unitLoaded   systemd knows the unit (Patroni is installed)
 * @param unitActive   the unit is active
 * @param osUserExists Patroni's account exists
 * @param dcsSections  top-level DCS sections of config.yml (etcd, etcd3, consul ...): they would compete with dcsprov's
 * @param current      where the current link points (a generation name), or empty
 * @param currentSha256 SHA-256 of ca.crt + client.crt + client.key of the current generation, or empty
 * @param envFile      the env file's mode, owner, group and SHA-256, or empty when absent
 * @param rest         Patroni's REST answers (/patroni, /config, /cluster), each empty when it did not answer 200
 * @param restError    why the REST API did not answer, or empty
 * @param now          the host's clock (epoch seconds), to compare with dcs_last_seen
 * @param python3      the host has python3 (Patroni's interpreter; without it the rest is unknown)
 */
public record PatroniFacts(boolean unitLoaded, boolean unitActive, boolean osUserExists, List<String> dcsSections,
                           String current, String currentSha256, Optional<dev.dcsprov.facts.FileState> envFile,
                           Optional<JsonNode> patroni, Optional<JsonNode> config, Optional<JsonNode> cluster,
                           String restError, double now, boolean python3) {

    public PatroniFacts(boolean unitLoaded, boolean unitActive, boolean osUserExists, List<String> dcsSections,
                        String current, String currentSha256, Optional<dev.dcsprov.facts.FileState> envFile,
                        Optional<JsonNode> patroni, Optional<JsonNode> config, Optional<JsonNode> cluster, String restError, double now) {
        this(unitLoaded, unitActive, osUserExists, dcsSections, current, currentSha256, envFile, patroni, config, cluster, restError, now, true);
    }

    /** Patroni's last successful talk to etcd, in the host's epoch seconds; 0 when unknown. */
    public double dcsLastSeen() {
        return patroni.map(p -> p.path("dcs_last_seen").asDouble(0)).orElse(0.0);
    }

    public String role() {
        return patroni.map(p -> p.path("role").asText("")).orElse("");
    }

    public String state() {
        return patroni.map(p -> p.path("state").asText("")).orElse("");
    }

    /** ttl from Patroni's dynamic configuration (its default 30 s when it does not say). */
    public int ttl() {
        return config.map(c -> c.path("ttl").asInt(30)).orElse(30);
    }

    public int loopWait() {
        return config.map(c -> c.path("loop_wait").asInt(10)).orElse(10);
    }

    /**
     * retry_timeout from Patroni's dynamic configuration (its default 10 s): how long Patroni retries DCS calls. A
     * leader whose DCS calls fail for longer demotes its primary, unless the cluster is paused or failsafe_mode holds.
     */
    public int retryTimeout() {
        return config.map(c -> c.path("retry_timeout").asInt(10)).orElse(10);
    }

    /** The Patroni cluster is paused (maintenance mode, {@code patronictl pause}): Patroni changes nothing of PostgreSQL. */
    public boolean paused() {
        return patroni.map(p -> p.path("pause").asBoolean(false)).orElse(false)
                || cluster.map(c -> c.path("pause").asBoolean(false)).orElse(false);
    }

    /** failsafe_mode in the dynamic configuration: a primary that can still reach every Patroni member keeps running without the DCS. */
    public boolean failsafeMode() {
        return config.map(c -> c.path("failsafe_mode").asBoolean(false)).orElse(false);
    }

    /** Patroni runs here and answers, and would demote a primary once the DCS has failed for longer than retry_timeout. */
    public boolean demotesWithoutDcs() {
        return unitActive && patroni.isPresent() && !paused() && !failsafeMode();
    }

    /** ttl, loop_wait and retry_timeout as one phrase, for progress lines. */
    public String dcsSettings() {
        return "ttl " + ttl() + " s, loop_wait " + loopWait() + " s, retry_timeout " + retryTimeout() + " s";
    }
}
