package dev.dcsprov.render;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnifiedDiffTest {
    private static final String BEFORE = "a\nb\nc\nd\ne\nf\ng\nh\n";

    @Test
    void identicalInputGivesNothing() {
        assertEquals("", UnifiedDiff.unified("etc/dcs/etcd", BEFORE, BEFORE));
        assertEquals("", UnifiedDiff.unified("etc/dcs/etcd", "", ""));
    }

    @Test
    void oneChangedLineShowsOldAndNewWithThreeLinesOfContext() {
        String after = BEFORE.replace("e\n", "E\n");
        assertEquals("""
                --- a/etc/dcs/etcd
                +++ b/etc/dcs/etcd
                @@ -2,7 +2,7 @@
                 b
                 c
                 d
                -e
                +E
                 f
                 g
                 h
                """, UnifiedDiff.unified("etc/dcs/etcd", BEFORE, after));
    }

    @Test
    void newFileIsAllAdditions() {
        assertEquals("""
                --- a/etc/dcs/etcd
                +++ b/etc/dcs/etcd
                @@ -0,0 +1,2 @@
                +X="1"
                +Y="2"
                """, UnifiedDiff.unified("etc/dcs/etcd", "", "X=\"1\"\nY=\"2\"\n"));
    }

    @Test
    void missingFinalNewlineIsAChange() {
        assertEquals("""
                --- a/f
                +++ b/f
                @@ -1,1 +1,2 @@
                 x
                \\ No newline at end of file
                """, UnifiedDiff.unified("f", "x\n", "x"));
    }
}
