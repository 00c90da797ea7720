package dev.dcsprov.etcd;

import java.util.List;

import static dev.dcsprov.Shell.quote;

/**
 * The one place an etcdctl command line is put together: API version, endpoints and the TLS
 * client files, each quoted. Callers append their own flags and arguments. Client files only:
 * a password never goes on a command line (it shows up in ps), it travels on standard input.
 */
public record EtcdctlInvocation(List<String> endpoints, String caCert, String cert, String key) {

    public EtcdctlInvocation {
        endpoints = List.copyOf(endpoints);
    }

    public static EtcdctlInvocation of(String endpoint, String caCert, String cert, String key) {
        return new EtcdctlInvocation(List.of(endpoint), caCert, cert, key);
    }

    /** {@code ETCDCTL_API=3 etcdctl --endpoints=... --cacert=... --cert=... --key=...}. */
    public String command() {
        return "ETCDCTL_API=3 etcdctl" + flags();
    }

    /** The same, replacing the shell that runs it (its exit status and output are etcdctl's). */
    public String exec() {
        return "ETCDCTL_API=3 exec etcdctl" + flags();
    }

    /** The same, killed after {@code seconds}: etcdctl 3.4 waits forever for some members that went down. */
    public String bounded(long seconds) {
        return "ETCDCTL_API=3 timeout " + seconds + " etcdctl" + flags();
    }

    private String flags() {
        return " --endpoints=" + quote(String.join(",", endpoints)) + " --cacert=" + quote(caCert) + " --cert=" + quote(cert)
                + " --key=" + quote(key);
    }
}
