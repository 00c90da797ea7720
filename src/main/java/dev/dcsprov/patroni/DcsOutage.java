package dev.dcsprov.patroni;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How long Patroni tolerates etcd without quorum, and the restarts that take quorum away. Patroni retries its DCS
 * calls for {@code retry_timeout}; a leader whose calls fail for longer demotes its primary, unless its cluster is
 * paused ({@code patronictl pause}) or {@code failsafe_mode} keeps it. In a cluster of three or more members a rolling
 * restart never costs quorum. In a cluster of one or two, restarting one member leaves etcd without quorum until it
 * is back: before such a restart dcsprov says which Patroni would demote and how to avoid it, measures the restart,
 * and stops before the next one when a restart took longer than Patroni tolerates. {@code restore} stops every
 * member: {@link #restoreWarnings} says which Patroni clusters will demote.
 */
public final class DcsOutage {
    /**
     * Patroni hosts whose primary would demote without the DCS, and the smallest retry_timeout among them.
     *
     * @param hosts        the hosts, in inventory order
     * @param retryTimeout seconds: the outage the least tolerant of them survives
     */
    public record Exposure(List<String> hosts, int retryTimeout) {
        static Optional<Exposure> of(Map<String, PatroniFacts> facts) {
            List<String> hosts = new ArrayList<>();
            int least = Integer.MAX_VALUE;
            for (Map.Entry<String, PatroniFacts> e : facts.entrySet()) {
                if (e.getValue().demotesWithoutDcs()) {
                    hosts.add(e.getKey());
                    least = Math.min(least, e.getValue().retryTimeout());
                }
            }
            return hosts.isEmpty() ? Optional.empty() : Optional.of(new Exposure(List.copyOf(hosts), least));
        }
    }

    private final Supplier<Map<String, PatroniFacts>> read;
    private final LongSupplier clock;
    private final Consumer<String> progress;
    private final int members;
    private Optional<Exposure> watching = Optional.empty();
    private long startedAt;
    private String overrun = "";

    /**
     * @param read     the Patroni hosts' facts, read now
     * @param clock    nanoseconds
     * @param members  voting members of the cluster being restarted: one or two means a restart costs quorum
     */
    public DcsOutage(Supplier<Map<String, PatroniFacts>> read, LongSupplier clock, Consumer<String> progress, int members) {
        this.read = read;
        this.clock = clock;
        this.progress = progress;
        this.members = members;
    }

    boolean costsQuorum() {
        return members <= 2;
    }

    /** Just before a member's restart: refuses after an overrun, else says what the restart risks and starts the watch. */
    public void before(String member) {
        if (!costsQuorum()) {
            return;
        }
        if (!overrun.isEmpty()) {
            throw new DcsprovException(ExitCode.UNSAFE, member + " was not restarted: " + overrun,
                    "Another restart would keep etcd without quorum as long again, and Patroni's primary demotes once its DCS "
                            + "calls have failed for longer than retry_timeout.",
                    "pause the Patroni cluster first ('patronictl pause'; 'patronictl resume' after the run), or raise its "
                            + "retry_timeout ('patronictl edit-config'), then run the same command again");
        }
        watching = Exposure.of(read.get());
        String why = "restarting " + member + " leaves etcd without quorum until it is back (a cluster of " + members
                + (members == 1 ? " member" : " members") + ")";
        if (watching.isEmpty()) {
            progress.accept(why + "; no running Patroni would demote (paused, failsafe_mode, or not running)");
        } else {
            progress.accept(why + ": Patroni on " + String.join(", ", watching.get().hosts()) + " demotes its primary if that lasts "
                    + "longer than retry_timeout (" + watching.get().retryTimeout() + " s); 'patronictl pause' before the run avoids that");
        }
        startedAt = clock.getAsLong();
    }

    /** Once the member is back and caught up: how long etcd was without quorum, at most, against Patroni's retry_timeout. */
    public void after(String member) {
        if (!costsQuorum() || watching.isEmpty()) {
            return;
        }
        int tolerated = watching.get().retryTimeout();
        double took = (clock.getAsLong() - startedAt) / 1e9;
        String outage = String.format("etcd was without quorum for at most %.1f s while %s restarted", took, member);
        if (took > tolerated) {
            overrun = outage + ", longer than Patroni's retry_timeout (" + tolerated + " s) on " + String.join(", ", watching.get().hosts());
            progress.accept(overrun + ": its primary may have demoted; no further member is restarted in this run");
        } else if (took > tolerated / 2.0) {
            progress.accept(outage + ", more than half of Patroni's retry_timeout (" + tolerated + " s): little margin left; "
                    + "'patronictl pause' before the next run avoids a demotion");
        } else {
            progress.accept(outage + "; Patroni tolerates " + tolerated + " s (retry_timeout)");
        }
        watching = Optional.empty();
    }

    /**
     * What restore, which stops every member, does to each Patroni cluster that is not paused: one line per cluster
     * (scope), and one per Patroni host that could not be asked.
     */
    public static List<String> restoreWarnings(Map<String, PatroniFacts> facts, Map<String, String> unasked) {
        List<String> out = new ArrayList<>();
        Map<String, List<String>> byScope = new LinkedHashMap<>();
        Map<String, Integer> retry = new LinkedHashMap<>();
        Map<String, String> silent = new LinkedHashMap<>(unasked);
        facts.forEach((host, f) -> {
            if (f.unitActive() && f.patroni().isEmpty()) {
                silent.put(host, "it runs, but its REST API does not answer: " + f.restError());
            } else if (f.demotesWithoutDcs()) {
                String scope = f.patroni().map(p -> p.path("patroni").path("scope").asText("?")).orElse("?");
                byScope.computeIfAbsent(scope, s -> new ArrayList<>()).add(host);
                retry.merge(scope, f.retryTimeout(), Math::min);
            }
        });
        byScope.forEach((scope, hosts) -> out.add("Patroni cluster '" + scope + "' (" + String.join(", ", hosts) + ") is not paused: "
                + "restore stops etcd on every member for longer than its retry_timeout (" + retry.get(scope) + " s), so its primary "
                + "demotes and PostgreSQL takes no writes until etcd is back and Patroni has a leader again; 'patronictl pause' "
                + "before the restore ('patronictl resume' after it) keeps PostgreSQL as it is"));
        silent.forEach((host, why) -> out.add("Patroni on " + host + " could not be asked (" + why + "): if it runs and is not "
                + "paused, its primary demotes during the restore; 'patronictl pause' before the restore avoids that"));
        return out;
    }
}
