package dev.dcsprov.inventory;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" for misspelt keys and variable names. */
public final class Suggestions {
    static final int MAX_DISTANCE = 3;

    private Suggestions() {
    }

    /**
     * The candidate closest to {@code word} by edit distance, if it is within {@link #MAX_DISTANCE}
     * and closer than the word is long (so "ab" does not suggest "xyz"). Ties go to the earlier candidate.
     */
    public static Optional<String> didYouMean(String word, Collection<String> candidates) {
        return didYouMean(word, candidates, MAX_DISTANCE);
    }

    /** As {@link #didYouMean(String, Collection)}, at most {@code maxDistance} edits away. */
    public static Optional<String> didYouMean(String word, Collection<String> candidates, int maxDistance) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = levenshtein(word.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= maxDistance && bestDistance < word.length() ? Optional.of(best) : Optional.empty();
    }

    /** "; did you mean 'x'?" or nothing, to append to an error message. */
    static String hint(String word, Collection<String> candidates) {
        return didYouMean(word, candidates).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    static int levenshtein(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
