package dev.dcsprov.etcd;

import java.time.Duration;
import java.util.Optional;

/**
 * One entry of {@code etcdctl endpoint health -w json}.
 *
 * @param took  as etcdctl prints it (a Go duration such as "9.652357ms"); empty when no connection was made
 * @param error why the endpoint is unhealthy; in 3.5 also "Active Alarm(s): NOSPACE " with health false
 */
public record EndpointHealth(String endpoint, boolean healthy, String took, Optional<String> error) {

    /** {@link #took} as a Duration, if etcdctl measured one. */
    public Optional<Duration> tookDuration() {
        return GoDuration.parse(took);
    }
}
