package dev.dcsprov.upgrade;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionPathTest {
    private static VersionPath.Verdict check(String from, String to, String cluster) {
        return VersionPath.check(EtcdVersion.parse(from), EtcdVersion.parse(to),
                cluster == null ? Optional.empty() : Optional.of(EtcdVersion.parse(cluster)));
    }

    @Test
    void oneMinorUpIsAllowed() {
        VersionPath.Verdict v = check("3.4.23", "3.5.16", "3.4.0");
        assertTrue(v.allowed(), v.toString());
        assertEquals("minor upgrade 3.4.23 -> 3.5.16", v.reason());
    }

    @Test
    void threeFiveToThreeSixNeedsTheDocumentedFloor() {
        VersionPath.Verdict below = check("3.5.16", "3.6.0", "3.5.0");
        assertFalse(below.allowed());
        assertTrue(below.reason().contains("at least 3.5.26"), below.reason());
        assertTrue(below.fix().contains("upgrade to 3.5.26"), below.fix());
        assertTrue(check("3.5.26", "3.6.4", "3.5.0").allowed());
        assertTrue(check("3.5.27", "3.6.0", "3.5.0").allowed());
    }

    @Test
    void skippingAMinorIsRefusedWithTheStepInBetween() {
        VersionPath.Verdict v = check("3.4.23", "3.6.5", "3.4.0");
        assertFalse(v.allowed());
        assertTrue(v.reason().contains("skips 3.5"), v.reason());
        assertTrue(v.fix().contains("latest 3.5 release first"), v.fix());
    }

    @Test
    void majorChangesAreRefused() {
        assertFalse(check("3.5.16", "4.0.0", "3.5.0").allowed());
    }

    @Test
    void patchMovesEitherWayAreAllowed() {
        assertTrue(check("3.5.16", "3.5.21", "3.5.0").allowed());
        assertTrue(check("3.5.21", "3.5.16", "3.5.0").allowed());
        assertTrue(check("3.4.23", "3.4.23", "3.4.0").allowed());
    }

    @Test
    void oneMinorDownOnlyBeforeTheClusterVersionMoved() {
        VersionPath.Verdict before = check("3.5.16", "3.4.23", "3.4.0");
        assertTrue(before.allowed(), before.toString());
        VersionPath.Verdict after = check("3.5.16", "3.4.23", "3.5.0");
        assertFalse(after.allowed());
        assertTrue(after.fix().contains("dcsprov restore"), after.fix());
        assertFalse(check("3.5.16", "3.4.23", null).allowed(), "an unknown cluster version is not taken as old");
        assertFalse(check("3.6.0", "3.4.23", "3.4.0").allowed(), "two minors down");
    }

    @Test
    void versionsAreReadFromEtcdAndDebianNotation() {
        assertEquals(new EtcdVersion(3, 4, 23), EtcdVersion.parse("etcd Version: 3.4.23\nGit SHA: Not provided"));
        assertEquals(new EtcdVersion(3, 4, 23), EtcdVersion.parse("3.4.23-4+b4"));
        assertEquals(new EtcdVersion(3, 5, 16), EtcdVersion.parse("v3.5.16"));
        assertEquals(new EtcdVersion(3, 5, 0), EtcdVersion.parse("3.5.0"));
        assertEquals("3.5", EtcdVersion.parse("3.5.16").minorLine());
    }
}
