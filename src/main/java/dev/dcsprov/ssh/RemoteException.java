package dev.dcsprov.ssh;

import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

/** A host could not be reached, authenticated, or a command could not be run on it. */
public class RemoteException extends DcsprovException {
    private final String host;

    public RemoteException(ExitCode code, String host, String summary, String detail, String fix, Throwable cause) {
        super(code, host + ": " + summary, detail, fix, cause);
        this.host = host;
    }

    public String host() {
        return host;
    }
}
