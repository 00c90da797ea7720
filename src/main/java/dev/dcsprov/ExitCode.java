package dev.dcsprov;

/** The documented exit codes of every dcsprov command (README lists them too). */
public enum ExitCode {
    OK(0, "success; for plan: nothing to change, or changes shown"),
    FAILED(1, "unexpected internal error"),
    USAGE(2, "bad command line"),
    INVENTORY(3, "the inventory is invalid; nothing was touched"),
    UNREACHABLE(4, "a host could not be reached or authenticated (SSH, host key, sudo)"),
    HOST_FAILED(5, "a change failed on a host; other hosts were left consistent"),
    UNSAFE(6, "refused: the change would be unsafe for the cluster (foreign data, unhealthy cluster, quorum)"),
    UNHEALTHY(7, "status: the cluster is not fully healthy or has no leader"),
    PKI(8, "local certificate authority or certificate problem"),
    CERTS(9, "certs: a certificate expires within the threshold, or a host's differs from the local PKI"),
    LOCKED(10, "another dcsprov run holds the cluster's run lock; nothing was changed"),
    QUOTA(11, "status: healthy, but a member's database is above --quota-warn percent of its quota");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
