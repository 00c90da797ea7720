package dev.dcsprov.ssh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content pushed to a host is installed whole or not at all. It travels on the script's standard
 * input behind one header line, {@code DCSPROV-UPLOAD <length> <sha256>}; the script stages it in a
 * temp file and installs it (rename) only when the host's {@code wc -c} and {@code sha256sum} agree
 * with the header. A dcsprov killed before or during the transfer closes the connection, the script
 * sees end of input early, and refuses: the old file stays. The digest travels on stdin, never on a
 * command line, because a digest of a short secret (a password file) would let it be guessed.
 */
public final class StagedUpload {
    static final String MAGIC = "DCSPROV-UPLOAD";
    /** Exit status of a script that refused content which did not arrive whole (sysexits' EX_DATAERR). */
    public static final int REFUSED = 65;

    private StagedUpload() {
    }

    /** The header and the content, as the receiving script expects them on standard input. */
    public static byte[] frame(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 100);
        out.writeBytes(header(content.length, sha256(content)));
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** The header, then the file as it is read: for files too big to hold in memory (snapshots). */
    public static RemoteCommand.StdinSource frame(Path file, long length, String sha256) {
        return () -> new SequenceInputStream(new ByteArrayInputStream(header(length, sha256)), Files.newInputStream(file));
    }

    static byte[] header(long length, String sha256) {
        return (MAGIC + " " + length + " " + sha256 + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Shell lines that read one framed upload from standard input into {@code file} (a shell word such as
     * {@code "$tmp"}, already created private) and check it. When it did not arrive whole they run
     * {@code cleanup}, say so on stderr naming {@code target} (expanded inside double quotes, e.g. {@code $f})
     * and the host, and exit {@link #REFUSED}.
     * {@code read} takes the header byte by byte, so {@code cat} gets exactly what follows it.
     */
    public static String receive(String file, String target, String cleanup) {
        return "up_m=; up_n=; up_s=\n"
                + "IFS=' ' read -r up_m up_n up_s || :\n"
                + "cat > " + file + "\n"
                + "up_got=$(wc -c < " + file + ")\n"
                + "up_sum=$(sha256sum < " + file + "); up_sum=${up_sum%% *}\n"
                + "case $up_n in ''|*[!0-9]*) up_n=-1 ;; esac\n"
                + "[ \"$up_m\" = " + MAGIC + " ] || up_n=-1\n"
                + "up_err=\n"
                + "if [ \"$up_n\" -lt 0 ]; then up_err=\"nothing arrived (no upload header)\"\n"
                + "elif [ \"$up_got\" -ne \"$up_n\" ]; then up_err=\"received $up_got of $up_n bytes\"\n"
                + "elif [ \"$up_sum\" != \"$up_s\" ]; then up_err=\"its SHA-256 differs from the content sent\"\n"
                + "fi\n"
                + "if [ -n \"$up_err\" ]; then\n"
                + "  " + cleanup + "\n"
                + "  echo \"dcsprov: refused to install " + target + " on $(uname -n): $up_err; the transfer was cut short "
                + "or damaged, and the previous file is unchanged. Run dcsprov again.\" >&2\n"
                + "  exit " + REFUSED + "\n"
                + "fi\n";
    }

    /**
     * Removes the temp files a killed run may have left for a target: every temp of a target is named
     * {@code .<name>.dcsprov-XXXXXX} next to it. Links are removed, never followed.
     *
     * @param dirVar  the shell variable holding the target's directory
     * @param nameVar the shell variable holding the target's file name
     */
    public static String removeStale(String dirVar, String nameVar) {
        return "rm -f -- \"${" + dirVar + "}/.${" + nameVar + "}.dcsprov-\"?????? 2>/dev/null || :\n";
    }

    /** The mktemp template (a quoted shell word) for a temp file of a target, as {@link #removeStale} expects it. */
    public static String tempTemplate(String dirVar, String nameVar) {
        return "\"${" + dirVar + "}/.${" + nameVar + "}.dcsprov-XXXXXX\"";
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
