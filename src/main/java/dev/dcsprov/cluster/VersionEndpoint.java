package dev.dcsprov.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * etcd's {@code /version} on a client URL ({"etcdserver":"3.4.23","etcdcluster":"3.4.0"}), asked from this machine
 * with the admin certificate: etcdctl has no command for the cluster version, and the members lack curl.
 */
public final class VersionEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;

    public VersionEndpoint(SSLContext tls) {
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(3)).build();
    }

    /** The cluster version from the first endpoint that answers; empty when none does (e.g. the port is not reachable from here). */
    public Optional<String> clusterVersion(List<String> endpoints) {
        for (String e : endpoints) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(e + "/version")).timeout(Duration.ofSeconds(3)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode n = JSON.readTree(r.body());
                    String v = n.path("etcdcluster").asText("");
                    if (!v.isEmpty() && !v.equals("not_decided")) {
                        return Optional.of(v);
                    }
                }
            } catch (java.io.IOException ex) {
                // next endpoint
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
