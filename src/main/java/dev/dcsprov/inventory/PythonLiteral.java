package dev.dcsprov.inventory;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The values of Python's {@code ast.literal_eval}, which Ansible's INI plugin applies to every
 * {@code key=value} (inline host vars and {@code [group:vars]} alike): numbers, strings, True/False/None,
 * lists, tuples, sets and dicts, with comments. Anything else ({@code yes}, {@code a b}, {@code 010},
 * {@code {k:1}}) is not a literal and Ansible keeps the text as a string, so {@link #parse} returns empty.
 * Values are Long/BigInteger, Double, Boolean, String, null, List and Map.
 */
final class PythonLiteral {
    private static final Object NONE = new Object();
    private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("0[xX](_?[0-9a-fA-F])+");
    private static final java.util.regex.Pattern OCT = java.util.regex.Pattern.compile("0[oO](_?[0-7])+");
    private static final java.util.regex.Pattern BIN = java.util.regex.Pattern.compile("0[bB](_?[01])+");
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile(
            "(?:(\\d(?:_?\\d)*)?\\.\\d(?:_?\\d)*|\\d(?:_?\\d)*\\.?)(?:[eE][+-]?\\d(?:_?\\d)*)?");

    private final String s;
    private int i;

    private PythonLiteral(String s) {
        this.s = s;
    }

    /** The literal's value (NONE stands for None), or empty if the text is not a Python literal. */
    static Optional<Object> parse(String text) {
        PythonLiteral p = new PythonLiteral(text);
        try {
            p.skip();
            Object v = p.expression();
            p.skip();
            if (p.i != p.s.length()) {
                return Optional.empty();
            }
            return Optional.of(v);
        } catch (NotALiteral e) {
            return Optional.empty();
        }
    }

    static boolean isNone(Object v) {
        return v == NONE;
    }

    private static final class NotALiteral extends RuntimeException {
        NotALiteral() {
            super(null, null, false, false);
        }
    }

    private static NotALiteral fail() {
        return new NotALiteral();
    }

    private void skip() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\f') {
                i++;
            } else if (c == '#') {
                i = s.length();
            } else {
                return;
            }
        }
    }

    private boolean peek(char c) {
        skip();
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw fail();
        }
        i++;
    }

    /** A tuple without parentheses ("1, 2") is a literal too. */
    private Object expression() {
        Object first = value();
        if (!peek(',')) {
            return first;
        }
        List<Object> items = new ArrayList<>(List.of(first));
        while (peek(',')) {
            i++;
            skip();
            if (i >= s.length() || s.charAt(i) == ')' || s.charAt(i) == ']' || s.charAt(i) == '}') {
                break;
            }
            items.add(value());
        }
        return items;
    }

    private Object value() {
        skip();
        if (i >= s.length()) {
            throw fail();
        }
        char c = s.charAt(i);
        if (c == '[') {
            i++;
            return sequence(']');
        }
        if (c == '(') {
            i++;
            if (peek(')')) {
                i++;
                return new ArrayList<>();
            }
            Object inner = value();
            if (peek(')')) {
                i++;
                return inner; // parentheses only group
            }
            List<Object> items = new ArrayList<>(List.of(inner));
            expect(',');
            items.addAll(sequence(')'));
            return items;
        }
        if (c == '{') {
            i++;
            return braces();
        }
        if (c == '-' || c == '+') {
            i++;
            skip();
            Object n = number();
            return c == '+' ? n : negate(n);
        }
        if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
            String word = s.substring(start, i);
            if (i < s.length() && (s.charAt(i) == '\'' || s.charAt(i) == '"') && word.length() <= 2
                    && word.toLowerCase().matches("r|u|b|br|rb")) {
                return strings(word.toLowerCase());
            }
            return switch (word) {
                case "True" -> Boolean.TRUE;
                case "False" -> Boolean.FALSE;
                case "None" -> NONE;
                case "set" -> {
                    expect('(');
                    expect(')');
                    yield new ArrayList<>();
                }
                default -> throw fail();
            };
        }
        if (c == '\'' || c == '"') {
            return strings("");
        }
        throw fail();
    }

    /** Items up to the closing bracket; a trailing comma is allowed. */
    private List<Object> sequence(char close) {
        List<Object> items = new ArrayList<>();
        while (true) {
            if (peek(close)) {
                i++;
                return items;
            }
            items.add(value());
            if (peek(',')) {
                i++;
            } else {
                expect(close);
                return items;
            }
        }
    }

    /** A dict, or a set (which Ansible turns into a list). */
    private Object braces() {
        if (peek('}')) {
            i++;
            return new LinkedHashMap<>();
        }
        Object first = value();
        if (!peek(':')) {
            List<Object> items = new ArrayList<>(List.of(first));
            if (peek(',')) {
                i++;
                items.addAll(sequence('}'));
            } else {
                expect('}');
            }
            return items;
        }
        Map<Object, Object> map = new LinkedHashMap<>();
        while (true) {
            expect(':');
            map.put(first, value());
            if (peek(',')) {
                i++;
            }
            if (peek('}')) {
                i++;
                return map;
            }
            first = value();
        }
    }

    private Object negate(Object n) {
        if (n instanceof Long l) {
            return l == Long.MIN_VALUE ? BigInteger.valueOf(l).negate() : -l;
        }
        if (n instanceof BigInteger b) {
            return b.negate();
        }
        return -(Double) n;
    }

    private Object number() {
        int start = i;
        java.util.regex.Matcher m = HEX.matcher(s).region(i, s.length());
        if (m.lookingAt()) {
            i = m.end();
            return integer(m.group().substring(2).replace("_", ""), 16);
        }
        m = OCT.matcher(s).region(i, s.length());
        if (m.lookingAt()) {
            i = m.end();
            return integer(m.group().substring(2).replace("_", ""), 8);
        }
        m = BIN.matcher(s).region(i, s.length());
        if (m.lookingAt()) {
            i = m.end();
            return integer(m.group().substring(2).replace("_", ""), 2);
        }
        m = DECIMAL.matcher(s).region(i, s.length());
        if (!m.lookingAt() || m.end() == i) {
            throw fail();
        }
        i = m.end();
        String text = m.group().replace("_", "");
        if (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            throw fail(); // 5j (complex), 1x ...
        }
        if (text.contains(".") || text.contains("e") || text.contains("E")) {
            return Double.parseDouble(text);
        }
        if (text.length() > 1 && text.startsWith("0") && !text.matches("0+")) {
            i = start;
            throw fail(); // 010: a syntax error in Python 3
        }
        return integer(text, 10);
    }

    private static Object integer(String digits, int radix) {
        BigInteger b = new BigInteger(digits, radix);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    /** Adjacent string literals concatenate, as in Python. */
    private String strings(String prefix) {
        StringBuilder out = new StringBuilder();
        out.append(string(prefix));
        while (true) {
            skip();
            int save = i;
            String p = "";
            while (i < s.length() && Character.isLetter(s.charAt(i)) && i - save < 2) {
                i++;
            }
            p = s.substring(save, i).toLowerCase();
            if (i < s.length() && (s.charAt(i) == '\'' || s.charAt(i) == '"') && p.matches("|r|u|b|br|rb")) {
                out.append(string(p));
            } else {
                i = save;
                return out.toString();
            }
        }
    }

    private String string(String prefix) {
        boolean raw = prefix.contains("r");
        boolean bytes = prefix.contains("b");
        char q = s.charAt(i);
        boolean triple = s.startsWith(String.valueOf(q).repeat(3), i);
        i += triple ? 3 : 1;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw fail();
            }
            char c = s.charAt(i);
            if (c == q && (!triple || s.startsWith(String.valueOf(q).repeat(3), i))) {
                i += triple ? 3 : 1;
                return out.toString();
            }
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(i + 1);
                if (raw) {
                    out.append(c).append(e);
                    i += 2;
                    continue;
                }
                i += 2;
                switch (e) {
                    case '\\' -> out.append('\\');
                    case '\'' -> out.append('\'');
                    case '"' -> out.append('"');
                    case 'a' -> out.append('\u0007');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'v' -> out.append('\u000b');
                    case 'x' -> out.appendCodePoint(hex(2));
                    case 'u' -> {
                        if (bytes) {
                            out.append("\\u");
                        } else {
                            out.appendCodePoint(hex(4));
                        }
                    }
                    case 'U' -> {
                        if (bytes) {
                            out.append("\\U");
                        } else {
                            out.appendCodePoint(hex(8));
                        }
                    }
                    case 'N' -> throw fail(); // named characters: not worth a table
                    default -> {
                        if (e >= '0' && e <= '7') {
                            int n = e - '0';
                            for (int k = 0; k < 2 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7'; k++) {
                                n = n * 8 + (s.charAt(i++) - '0');
                            }
                            out.appendCodePoint(n);
                        } else {
                            out.append('\\').append(e); // Python keeps unknown escapes
                        }
                    }
                }
                continue;
            }
            out.append(c);
            i++;
        }
    }

    private int hex(int n) {
        if (i + n > s.length() || !s.substring(i, i + n).matches("[0-9a-fA-F]+")) {
            throw fail();
        }
        int v = Integer.parseInt(s.substring(i, i + n), 16);
        i += n;
        return v;
    }
}
