package dev.dcsprov.render;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Unified diffs of config files for the plan, in the form people know from git and diff -u. */
public final class UnifiedDiff {
    static final int CONTEXT = 3;
    static final String NO_NEWLINE = "\\ No newline at end of file";

    private UnifiedDiff() {
    }

    /**
     * @param path   the remote path, shown as a/path and b/path
     * @param before current content; empty for a file that does not exist yet
     * @return the diff with a trailing newline, or "" when nothing changes
     */
    public static String unified(String path, String before, String after) {
        if (before.equals(after)) {
            return "";
        }
        List<String> original = lines(before);
        List<String> revised = lines(after);
        Patch<String> patch = DiffUtils.diff(original, revised);
        // git's a/ b/ prefixes on a path relative to /, as git shows /etc/dcs/etcd: a/etc/dcs/etcd.
        String relative = path.startsWith("/") ? path.substring(1) : path;
        List<String> diff = UnifiedDiffUtils.generateUnifiedDiff("a/" + relative, "b/" + relative, original, patch, CONTEXT);
        if (original.isEmpty() && diff.size() > 2) {
            // diff -u and git number an empty original as line 0; java-diff-utils says 1.
            diff.set(2, diff.get(2).replaceFirst("^@@ -1,0 ", "@@ -0,0 "));
        }
        StringBuilder out = new StringBuilder();
        for (String line : diff) {
            // The marker travels through the diff as an ordinary line; print it the way diff -u does.
            out.append(line.length() > 1 && line.substring(1).equals(NO_NEWLINE) ? NO_NEWLINE : line).append('\n');
        }
        return out.toString();
    }

    /**
     * Splits into lines without their terminators. A last line without a newline gets the
     * "No newline" marker, so that a change of only the final newline still shows up.
     */
    static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        boolean terminated = text.endsWith("\n");
        List<String> lines = new ArrayList<>(Arrays.asList(
                (terminated ? text.substring(0, text.length() - 1) : text).split("\n", -1)));
        if (!terminated) {
            lines.add(NO_NEWLINE);
        }
        return lines;
    }
}
