package dev.dcsprov;

import java.util.Optional;

/**
 * An error meant for a person: one short summary, a detail paragraph and a suggested fix,
 * with the exit code the CLI ends with. Stack traces are shown only with --stacktrace.
 */
public class DcsprovException extends RuntimeException {
    private final ExitCode exitCode;
    private final String detail;
    private final String fix;

    public DcsprovException(ExitCode exitCode, String summary, String detail, String fix) {
        this(exitCode, summary, detail, fix, null);
    }

    public DcsprovException(ExitCode exitCode, String summary, String detail, String fix, Throwable cause) {
        super(summary, cause);
        this.exitCode = exitCode;
        this.detail = detail;
        this.fix = fix;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public String summary() {
        return getMessage();
    }

    public Optional<String> detail() {
        return Optional.ofNullable(detail).filter(s -> !s.isBlank());
    }

    public Optional<String> fix() {
        return Optional.ofNullable(fix).filter(s -> !s.isBlank());
    }
}
