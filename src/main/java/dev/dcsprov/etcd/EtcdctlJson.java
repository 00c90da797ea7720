package dev.dcsprov.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses {@code etcdctl -w json} output of etcd 3.4 and 3.5 (v3 API).
 *
 * <p>etcdctl marshals protobuf structs with Go's encoding/json and {@code omitempty}: zero values
 * (an empty name, no client URLs, isLearner false, no errors) are left out, so every field is
 * optional here. uint64 IDs are JSON numbers that do not fit a signed long; with 3.5's
 * {@code member list --hex} they are hex strings instead. Both are accepted.
 */
public final class EtcdctlJson {
    // Big numbers as BigInteger, never double: an ID above 2^53 must survive exactly.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private EtcdctlJson() {
    }

    /** {@code etcdctl member list -w json}. */
    public static List<Member> members(String json) {
        return memberList(json).members();
    }

    /** {@code etcdctl member list -w json}, with the header (cluster ID, answering member). */
    public static MemberList memberList(String json) {
        JsonNode root = read(json, "member list");
        require(root.isObject(), "member list", "an object", json);
        List<Member> members = new ArrayList<>();
        for (JsonNode m : root.path("members")) {
            // 3.5's --hex printer writes "clientURLS" (sic).
            JsonNode clientUrls = m.has("clientURLs") ? m.path("clientURLs") : m.path("clientURLS");
            members.add(new Member(id(m.path("ID"), "member list", json), m.path("name").asText(""),
                    strings(m.path("peerURLs")), strings(clientUrls), m.path("isLearner").asBoolean(false)));
        }
        return new MemberList(header(root.path("header"), json, "member list"), members);
    }

    /** {@code etcdctl endpoint health -w json}: printed even when an endpoint is unhealthy (etcdctl then exits 1). */
    public static List<EndpointHealth> endpointHealth(String json) {
        JsonNode root = read(json, "endpoint health");
        require(root.isArray(), "endpoint health", "an array", json);
        List<EndpointHealth> result = new ArrayList<>();
        for (JsonNode e : root) {
            String error = e.path("error").asText("");
            result.add(new EndpointHealth(e.path("endpoint").asText(""), e.path("health").asBoolean(false),
                    e.path("took").asText(""), error.isEmpty() ? Optional.empty() : Optional.of(error)));
        }
        return result;
    }

    /** {@code etcdctl endpoint status -w json}: endpoints that could not be reached are missing (stderr says why). */
    public static List<EndpointStatus> endpointStatus(String json) {
        JsonNode root = read(json, "endpoint status");
        require(root.isArray(), "endpoint status", "an array", json);
        List<EndpointStatus> result = new ArrayList<>();
        for (JsonNode e : root) {
            JsonNode s = e.path("Status");
            result.add(new EndpointStatus(e.path("Endpoint").asText(""),
                    header(s.path("header"), json, "endpoint status"),
                    s.path("version").asText(""),
                    uint64(s.path("dbSize")),
                    id(s.path("leader"), "endpoint status", json),
                    uint64(s.path("raftIndex")),
                    uint64(s.path("raftTerm")),
                    uint64(s.path("raftAppliedIndex")),
                    strings(s.path("errors")),
                    uint64(s.path("dbSizeInUse")),
                    s.path("isLearner").asBoolean(false)));
        }
        return result;
    }

    private static ResponseHeader header(JsonNode h, String json, String command) {
        return new ResponseHeader(id(h.path("cluster_id"), command, json), id(h.path("member_id"), command, json),
                uint64(h.path("revision")), uint64(h.path("raft_term")));
    }

    /** A missing ID is 0, as Go's omitempty leaves it out. */
    private static EtcdId id(JsonNode node, String command, String json) {
        if (node.isMissingNode() || node.isNull()) {
            return new EtcdId(0);
        }
        if (node.isTextual()) {
            try {
                return EtcdId.fromHex(node.asText());
            } catch (NumberFormatException e) {
                throw unexpected(command, "an ID that is not hex: " + node.asText(), json, e);
            }
        }
        require(node.isIntegralNumber() && node.bigIntegerValue().signum() >= 0
                && node.bigIntegerValue().bitLength() <= 64, command, "IDs as unsigned 64-bit numbers", json);
        return new EtcdId(node.bigIntegerValue().longValue());
    }

    /** Unsigned 64-bit values keep their bits; counters never come near 2^63 in practice. */
    private static long uint64(JsonNode node) {
        return node.isIntegralNumber() ? node.bigIntegerValue().longValue() : 0L;
    }

    private static List<String> strings(JsonNode array) {
        List<String> result = new ArrayList<>();
        for (JsonNode s : array) {
            result.add(s.asText());
        }
        return result;
    }

    private static JsonNode read(String json, String command) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw unexpected(command, "no output", json, null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw unexpected(command, "output that is not JSON (" + e.getOriginalMessage() + ")", json, e);
        }
    }

    private static void require(boolean condition, String command, String expected, String json) {
        if (!condition) {
            throw unexpected(command, "output without " + expected, json, null);
        }
    }

    private static DcsprovException unexpected(String command, String what, String json, Throwable cause) {
        String sample = json.length() > 300 ? json.substring(0, 300) + "..." : json;
        return new DcsprovException(ExitCode.FAILED, "etcdctl " + command + " -w json gave " + what,
                "dcsprov understands etcdctl 3.4 and 3.5. The output began: " + sample.strip(),
                "Check the etcdctl version on the host (etcdctl version).", cause);
    }
}
