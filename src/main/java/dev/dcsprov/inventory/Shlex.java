package dev.dcsprov.inventory;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code shlex.split(line, comments=True)}, which Ansible's INI plugin uses for host lines:
 * words split at blanks, '...' and "..." quote, a backslash escapes outside single quotes, and a '#'
 * outside quotes ends the line (even inside a word: {@code a=b#c} is {@code a=b}).
 */
final class Shlex {
    /** Thrown for an unterminated quote or a trailing escape; the message is Python's. */
    static final class Unterminated extends Exception {
        Unterminated(String message) {
            super(message);
        }
    }

    /** A word and the 0-based column it starts at. */
    record Word(String text, int column) {
    }

    private Shlex() {
    }

    static List<Word> split(String line) throws Unterminated {
        List<Word> words = new ArrayList<>();
        StringBuilder word = null;
        int start = 0;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (word != null) {
                    words.add(new Word(word.toString(), start));
                    word = null;
                }
                i++;
                continue;
            }
            if (c == '#') {
                break;
            }
            if (word == null) {
                word = new StringBuilder();
                start = i;
            }
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new Unterminated("No closing quotation");
                }
                word.append(line, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new Unterminated("No closing quotation");
                    }
                    char d = line.charAt(i);
                    if (d == '"') {
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                        word.append(line.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    word.append(d);
                    i++;
                }
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new Unterminated("No escaped character");
                }
                word.append(line.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        if (word != null) {
            words.add(new Word(word.toString(), start));
        }
        return words;
    }
}
