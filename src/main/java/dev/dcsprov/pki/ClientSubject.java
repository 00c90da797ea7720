package dev.dcsprov.pki;

/**
 * The two forms of an application client certificate. etcd (3.4, 3.5) takes a client
 * certificate's CN as the user name over native gRPC, but its JSON gateway (embed/serve.go)
 * answers HTTP 400 to every request whose client certificate has a CN while client-cert auth,
 * the gateway and RBAC are on. So a certificate either names its user or names nobody.
 */
public enum ClientSubject {
    /** O=dcsprov, CN=&lt;user&gt;: a certificate-only user of native gRPC clients (etcdctl, kube-apiserver). */
    COMMON_NAME,
    /** O=dcsprov, OU=&lt;user&gt;, no CN: opens TLS only; the user logs in with its password (Patroni, any gateway client). */
    NO_COMMON_NAME;

    /** What a certificate of this form is for, in the words of plan notes and patroni-config. */
    public String describe() {
        return this == COMMON_NAME ? "CN = user name: authenticates over gRPC without a password (etcdctl, kube-apiserver)"
                : "no CN: TLS only, the user logs in with its password (Patroni and other clients of etcd's JSON gateway)";
    }
}
