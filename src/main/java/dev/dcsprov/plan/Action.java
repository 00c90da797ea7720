package dev.dcsprov.plan;

/** What a change does to its subject, as the plan shows it. */
public enum Action {
    CREATE("+"),
    UPDATE("~"),
    DELETE("-"),
    START(">"),
    RESTART("@"),
    RUN("!"),
    NO_OP("=");

    private final String symbol;

    Action(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
