package dev.dcsprov.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dcsprov.DcsprovException;
import dev.dcsprov.ExitCode;

import java.io.IOException;

/**
 * {@code snapshot status -w json} of etcdctl 3.4 / etcdutl 3.5: {"hash":..,"revision":..,"totalKey":..,"totalSize":..}.
 * totalKey counts every key of the backend database (members, auth, meta), not only the user's keys.
 */
public record SnapshotStatus(long hash, long revision, long totalKey, long totalSize) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static SnapshotStatus parse(String json) {
        try {
            JsonNode n = JSON.readTree(json.strip());
            if (n == null || !n.has("hash") || !n.has("revision") || !n.has("totalKey") || !n.has("totalSize")) {
                throw new IOException("missing fields");
            }
            return new SnapshotStatus(n.get("hash").asLong(), n.get("revision").asLong(), n.get("totalKey").asLong(),
                    n.get("totalSize").asLong());
        } catch (IOException e) {
            throw new DcsprovException(ExitCode.FAILED, "could not read 'snapshot status' output", json.strip(),
                    "run again with --stacktrace and report it", e);
        }
    }

    public String hashHex() {
        return String.format("%x", hash);
    }

    /** The table etcdctl prints with -w table, which the runbooks show. */
    public String table() {
        String[] head = {"HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"};
        String[] row = {hashHex(), String.valueOf(revision), String.valueOf(totalKey), humanSize(totalSize)};
        int[] w = new int[4];
        for (int i = 0; i < 4; i++) {
            w[i] = Math.max(head[i].length(), row[i].length());
        }
        StringBuilder line = new StringBuilder("+");
        for (int x : w) {
            line.append("-".repeat(x + 2)).append('+');
        }
        StringBuilder s = new StringBuilder(line).append('\n');
        s.append(cells(head, w, false)).append('\n').append(line).append('\n');
        s.append(cells(row, w, true)).append('\n').append(line).append('\n');
        return s.toString();
    }

    private static String cells(String[] values, int[] w, boolean right) {
        StringBuilder s = new StringBuilder("|");
        for (int i = 0; i < values.length; i++) {
            String v = values[i];
            String pad = " ".repeat(w[i] - v.length());
            s.append(' ').append(right ? pad + v : center(v, w[i])).append(" |");
        }
        return s.toString();
    }

    private static String center(String v, int width) {
        int left = (width - v.length()) / 2;
        return " ".repeat(left) + v + " ".repeat(width - v.length() - left);
    }

    /** Like etcd's humanize.Bytes: 20 kB, 1.2 MB (powers of 1000). */
    static String humanSize(long bytes) {
        if (bytes < 10) {
            return bytes + " B";
        }
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        double e = Math.floor(Math.log(bytes) / Math.log(1000));
        double v = bytes / Math.pow(1000, e);
        String f = v < 10 ? String.format(java.util.Locale.ROOT, "%.1f", Math.floor(v * 10 + 0.5) / 10)
                : String.format(java.util.Locale.ROOT, "%.0f", Math.floor(v + 0.5));
        if (f.endsWith(".0")) {
            f = f.substring(0, f.length() - 2);
        }
        return f + " " + units[(int) e];
    }
}
