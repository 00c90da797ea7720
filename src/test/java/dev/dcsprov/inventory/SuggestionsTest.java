package dev.dcsprov.inventory;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SuggestionsTest {
    @Test
    void suggestsTheClosestWithinThreeEdits() {
        assertEquals(Optional.of("etcd_client_port"), Suggestions.didYouMean("etcd_clinet_port", Variables.names()));
        assertEquals(Optional.of("hosts"), Suggestions.didYouMean("host", List.of("hosts", "vars", "children")));
        assertEquals(Optional.of("children"), Suggestions.didYouMean("childern", List.of("hosts", "vars", "children")));
    }

    @Test
    void nothingWhenTooFar() {
        assertEquals(Optional.empty(), Suggestions.didYouMean("etcd_flux_capacitor", Variables.names()));
        assertEquals(Optional.empty(), Suggestions.didYouMean("ab", List.of("xyz")));
    }

    @Test
    void levenshtein() {
        assertEquals(0, Suggestions.levenshtein("abc", "abc"));
        assertEquals(3, Suggestions.levenshtein("kitten", "sitting"));
        assertEquals(4, Suggestions.levenshtein("", "abcd"));
    }
}
