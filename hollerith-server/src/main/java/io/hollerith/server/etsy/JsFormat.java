package io.hollerith.server.etsy;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Text as Node.js writes it, for Etsy's management replies: the default {@code util.inspect} of the
 * objects Etsy dumps (an object of numbers, of arrays of numbers, or of sets of strings), including
 * its line breaking at 80 columns and its grouping of long arrays into aligned columns (Node 12 and
 * later). Each number is {@link JsNumbers#toString(double)}, shared with the flush sinks.
 *
 * <p>Stateless and thread-safe. Not a hot path: it allocates freely.
 */
public final class JsFormat {

  private static final int BREAK_LENGTH = 80;
  private static final int COMPACT = 3;
  private static final int MAX_ARRAY_LENGTH = 100;

  private JsFormat() {}

  /**
   * {@code util.inspect(obj)} for a plain object whose values are numbers, arrays of numbers or
   * sets of strings.
   */
  public static String inspect(Map<String, ?> object) {
    if (object.isEmpty()) {
      return "{}";
    }
    List<String> output = new ArrayList<>();
    for (String key : orderedKeys(object)) {
      output.add(entry(object, key));
    }
    return reduceToSingleString(output, "{", "}", 0, false, null);
  }

  /**
   * The same text as {@link #inspect}, in pieces made as they are asked for, so a reply of any size
   * is written without being built whole. An object that fits on one line is one piece.
   */
  public static Iterator<String> inspectPieces(Map<String, ?> object) {
    Iterator<String> keys = orderedKeys(object).iterator();
    return inspectPieces(
        new Iterator<Map.Entry<String, ?>>() {
          @Override
          public boolean hasNext() {
            return keys.hasNext();
          }

          @Override
          public Map.Entry<String, ?> next() {
            String key = keys.next();
            return new AbstractMap.SimpleImmutableEntry<>(key, object.get(key));
          }
        });
  }

  /**
   * Like {@link #inspectPieces(Map)} for entries already in JS property order ({@link
   * #orderedKeys}): each is read only when its piece is asked for, so the entries may come from a
   * source too large to copy.
   */
  public static Iterator<String> inspectPieces(Iterator<? extends Map.Entry<String, ?>> entries) {
    List<String> head = new ArrayList<>();
    int length = 0;
    while (entries.hasNext() && length <= BREAK_LENGTH) {
      Map.Entry<String, ?> e = entries.next();
      String entry = entry(e.getKey(), e.getValue());
      head.add(entry);
      length += entry.length();
    }
    if (!entries.hasNext()) {
      return List.of(head.isEmpty() ? "{}" : reduceToSingleString(head, "{", "}", 0, false, null))
          .iterator();
    }
    // The entries so far are already longer than a line, so every entry goes on its own line.
    return new Iterator<>() {
      private boolean started;
      private boolean closed;

      @Override
      public boolean hasNext() {
        return !closed;
      }

      @Override
      public String next() {
        if (!started) {
          started = true;
          return "{\n  " + String.join(",\n  ", head);
        }
        if (entries.hasNext()) {
          Map.Entry<String, ?> e = entries.next();
          return ",\n  " + entry(e.getKey(), e.getValue());
        }
        if (closed) {
          throw new NoSuchElementException();
        }
        closed = true;
        return "\n}";
      }
    };
  }

  private static String entry(Map<String, ?> object, String key) {
    return entry(key, object.get(key));
  }

  private static String entry(String key, Object value) {
    return propertyName(key) + ": " + value(value);
  }

  /**
   * Keys in JS property order: array-index keys ({@code "0"}, {@code "17"}) first in ascending
   * numeric order, then the others in the map's own order.
   */
  public static List<String> orderedKeys(Map<String, ?> object) {
    List<String> indexes = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (String key : object.keySet()) {
      (isArrayIndex(key) ? indexes : others).add(key);
    }
    indexes.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
    indexes.addAll(others);
    return indexes;
  }

  /** Whether JS treats {@code key} as an array index, which comes before every other key. */
  public static boolean isArrayIndex(String key) {
    if (key.isEmpty() || key.length() > 10 || (key.length() > 1 && key.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return Long.parseLong(key) < 4294967295L;
  }

  private static String value(Object v) {
    if (v instanceof Number n) {
      return inspectNumber(n.doubleValue());
    }
    if (v instanceof List<?> list) {
      return array(list);
    }
    if (v instanceof Collection<?> set) {
      return set(set);
    }
    return v == null ? "undefined" : quote(v.toString());
  }

  private static String inspectNumber(double x) {
    return x == 0 && 1 / x < 0 ? "-0" : JsNumbers.toString(x);
  }

  /** A nested array, as a property value (indentation 2). */
  private static String array(List<?> list) {
    if (list.isEmpty()) {
      return "[]";
    }
    List<String> output = new ArrayList<>();
    int shown = Math.min(list.size(), MAX_ARRAY_LENGTH);
    boolean allNumbers = true;
    for (int i = 0; i < shown; i++) {
      Object item = list.get(i);
      allNumbers &= item instanceof Number;
      output.add(value(item));
    }
    boolean more = list.size() > MAX_ARRAY_LENGTH;
    if (more) {
      int remaining = list.size() - MAX_ARRAY_LENGTH;
      output.add("... " + remaining + " more item" + (remaining > 1 ? "s" : ""));
    }
    return reduceToSingleString(output, "[", "]", 2, true, new boolean[] {allNumbers, more});
  }

  /** A nested Set, as a property value. */
  private static String set(Collection<?> set) {
    String prefix = "Set(" + set.size() + ") {";
    if (set.isEmpty()) {
      return "Set(0) {}";
    }
    List<String> output = new ArrayList<>();
    for (Object item : set) {
      output.add(value(item));
    }
    return reduceToSingleString(output, prefix, "}", 2, false, null);
  }

  /**
   * Node's {@code reduceToSingleString} with {@code compact: 3}: entries on one line when they fit
   * in 80 columns, else one per line (long arrays first grouped into columns).
   */
  private static String reduceToSingleString(
      List<String> output,
      String open,
      String close,
      int indentation,
      boolean isArray,
      boolean[] arrayInfo) {
    int entries = output.size();
    if (isArray && entries > 6) {
      output = groupArrayElements(output, indentation, arrayInfo[0], arrayInfo[1]);
    }
    // Our objects are at most two levels deep, so "currentDepth - recurseTimes < compact" always
    // holds.
    if (entries == output.size()) {
      int start = output.size() + indentation + open.length() + 10;
      if (isBelowBreakLength(output, start)) {
        String joined = String.join(", ", output);
        if (joined.indexOf('\n') < 0) {
          return open + " " + joined + " " + close;
        }
      }
    }
    String ind = "\n" + " ".repeat(indentation);
    return open + ind + "  " + String.join("," + ind + "  ", output) + ind + close;
  }

  private static boolean isBelowBreakLength(List<String> output, int start) {
    int total = output.size() + start;
    if (total + output.size() > BREAK_LENGTH) {
      return false;
    }
    for (String entry : output) {
      total += entry.length();
      if (total > BREAK_LENGTH) {
        return false;
      }
    }
    return true;
  }

  /** Node's {@code groupArrayElements}: aligned columns for arrays of more than six entries. */
  private static List<String> groupArrayElements(
      List<String> output, int indentation, boolean allNumbers, boolean hasMore) {
    int totalLength = 0;
    int maxLength = 0;
    int outputLength = hasMore ? output.size() - 1 : output.size();
    int separatorSpace = 2;
    int[] dataLen = new int[outputLength];
    for (int i = 0; i < outputLength; i++) {
      int len = output.get(i).length();
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) {
        maxLength = len;
      }
    }
    int actualMax = maxLength + separatorSpace;
    if (actualMax * 3 + indentation < BREAK_LENGTH
        && ((double) totalLength / actualMax > 5 || maxLength <= 6)) {
      double approxCharHeights = 2.5;
      double averageBias = Math.sqrt(actualMax - (double) totalLength / output.size());
      double biasedMax = Math.max(actualMax - 3 - averageBias, 1);
      int columns =
          (int)
              Math.min(
                  Math.min(
                      (double)
                          Math.round(
                              Math.sqrt(approxCharHeights * biasedMax * outputLength) / biasedMax),
                      Math.floor((BREAK_LENGTH - indentation) / (double) actualMax)),
                  Math.min(COMPACT * 4, 15));
      if (columns <= 1) {
        return output;
      }
      List<String> tmp = new ArrayList<>();
      int[] maxLineLength = new int[columns];
      for (int i = 0; i < columns; i++) {
        int lineLength = 0;
        for (int j = i; j < outputLength; j += columns) {
          if (dataLen[j] > lineLength) {
            lineLength = dataLen[j];
          }
        }
        maxLineLength[i] = lineLength + separatorSpace;
      }
      for (int i = 0; i < outputLength; i += columns) {
        int max = Math.min(i + columns, outputLength);
        StringBuilder str = new StringBuilder();
        int j = i;
        for (; j < max - 1; j++) {
          String cell = output.get(j) + ", ";
          str.append(
              allNumbers
                  ? padStart(cell, maxLineLength[j - i])
                  : padEnd(cell, maxLineLength[j - i]));
        }
        if (allNumbers) {
          str.append(padStart(output.get(j), maxLineLength[j - i] - separatorSpace));
        } else {
          str.append(output.get(j));
        }
        tmp.add(str.toString());
      }
      if (hasMore) {
        tmp.add(output.get(outputLength));
      }
      return tmp;
    }
    return output;
  }

  private static String padStart(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  private static String padEnd(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  /** A property name: bare when it is an identifier, else quoted like a string. */
  static String propertyName(String key) {
    if (!key.isEmpty() && isIdentStart(key.charAt(0))) {
      boolean ident = true;
      for (int i = 1; i < key.length() && ident; i++) {
        ident = isIdentStart(key.charAt(i)) || (key.charAt(i) >= '0' && key.charAt(i) <= '9');
      }
      if (ident) {
        return key;
      }
    }
    return quote(key);
  }

  private static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  /**
   * Node's {@code strEscape}: single quotes, or double quotes when the text has a single quote but
   * no double quote, or backticks when it has both; control characters, the backslash and the
   * chosen quote escaped.
   */
  static String quote(String s) {
    char quote = '\'';
    if (s.indexOf('\'') >= 0) {
      if (s.indexOf('"') < 0) {
        quote = '"';
      } else if (s.indexOf('`') < 0 && !s.contains("${")) {
        quote = '`';
      }
    }
    StringBuilder sb = new StringBuilder(s.length() + 2).append(quote);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == quote && quote == '\'') {
        sb.append("\\'");
      } else if (c == '\\') {
        sb.append("\\\\");
      } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        switch (c) {
          case '\b' -> sb.append("\\b");
          case '\t' -> sb.append("\\t");
          case '\n' -> sb.append("\\n");
          case '\f' -> sb.append("\\f");
          case '\r' -> sb.append("\\r");
          default -> sb.append(String.format("\\x%02X", (int) c));
        }
      } else if (Character.isSurrogate(c) && !pairedSurrogate(s, i)) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append(quote).toString();
  }

  private static boolean pairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
