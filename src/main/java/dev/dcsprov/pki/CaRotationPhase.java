package dev.dcsprov.pki;

/**
 * The phases of {@code rotate-certs --ca}, in order. Each one ends with every member restarted
 * once; the phase is recorded in the PKI dir so that an interrupted rotation continues where it
 * stopped, and so that {@code apply} deploys what the phase asks for instead of fighting it.
 */
public enum CaRotationPhase {
    /** Every member's ca.crt is the bundle old + new CA; leaves are still signed by the old CA. */
    TRUST_BOTH(1, "every member trusts the old and the new CA"),
    /** Member and admin certificates are reissued from the new CA; members still trust both. */
    NEW_LEAVES(2, "new leaf certificates"),
    /** Every member's ca.crt is the new CA only; then the new CA becomes the CA of the local PKI. */
    DROP_OLD(3, "the old CA is dropped");

    private final int number;
    private final String description;

    CaRotationPhase(int number, String description) {
        this.number = number;
        this.description = description;
    }

    public int number() {
        return number;
    }

    public String description() {
        return description;
    }

    /** "phase 2 of 3 (new leaf certificates)" */
    public String describe() {
        return "phase " + number + " of " + values().length + " (" + description + ")";
    }

    /** Leaves are issued from the new CA from phase 2 on. */
    public boolean signsWithNewCa() {
        return this != TRUST_BOTH;
    }
}
