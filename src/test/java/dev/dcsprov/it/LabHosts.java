package dev.dcsprov.it;

/**
 * Names for lab hosts that several end-to-end classes share, as JUnit resource locks: classes run
 * side by side (see the failsafe configuration in pom.xml) except those that lock the same hosts.
 * A class on hosts of its own needs no lock.
 */
final class LabHosts {
    /** dcs-00..02: the default lab (LabIT, ApplyIT, QuickStartIT). */
    static final String DEFAULT = "lab hosts dcs-00..02";
    /** dcs-10..12: RbacIT, StatusIT. */
    static final String AUTH = "lab hosts dcs-10..12";
    /** dcs-30..32: RotateCertsIT, RotateCaIT. */
    static final String ROTATION = "lab hosts dcs-30..32";
    /** dcs-75..77: LimitIT, BastionIT. */
    static final String ANSIBLE = "lab hosts dcs-75..77";

    private LabHosts() {
    }
}
