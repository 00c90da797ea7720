package dev.dcsprov.auth;

import java.util.List;
import java.util.Optional;

import static dev.dcsprov.Shell.quote;

/**
 * The environment that makes a plain {@code etcdctl} talk to the cluster, as shell lines:
 * on a member for operators ({@code . /etc/dcs/etcdctl.env}), or for {@code eval "$(dcsprov env ...)"}.
 */
public record EtcdctlEnv(List<String> endpoints, String caCert, String cert, String key, Optional<String> user) {

    /** The same variables as a map, for -o json. */
    public java.util.Map<String, String> variables() {
        java.util.Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put("ETCDCTL_API", "3");
        v.put("ETCDCTL_ENDPOINTS", String.join(",", endpoints));
        v.put("ETCDCTL_CACERT", caCert);
        v.put("ETCDCTL_CERT", cert);
        v.put("ETCDCTL_KEY", key);
        user.ifPresent(u -> v.put("ETCDCTL_USER", u));
        return v;
    }

    public String render(String comment) {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(comment).append('\n');
        s.append("export ETCDCTL_API=3\n");
        s.append("export ETCDCTL_ENDPOINTS=").append(quote(String.join(",", endpoints))).append('\n');
        s.append("export ETCDCTL_CACERT=").append(quote(caCert)).append('\n');
        s.append("export ETCDCTL_CERT=").append(quote(cert)).append('\n');
        s.append("export ETCDCTL_KEY=").append(quote(key)).append('\n');
        user.ifPresent(u -> s.append("export ETCDCTL_USER=").append(quote(u)).append('\n'));
        return s.toString();
    }
}
