package io.hollerith.server.ops;

import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path with {@code {{ name }}} placeholders, as in Apsis's Jinja paths: each is replaced by the
 * variable's value; a name without a value, or a pair of opening braces that starts no placeholder,
 * is an error naming it. Immutable.
 */
final class PathTemplate {

  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

  private final String text;

  PathTemplate(String text) {
    this.text = text;
  }

  /**
   * The path with every placeholder replaced.
   *
   * @throws IllegalArgumentException naming an unknown variable or a malformed placeholder
   */
  String expand(Map<String, String> variables) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = variables.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException(
            "unknown variable '"
                + m.group(1)
                + "' in path template '"
                + text
                + "'; known: "
                + new TreeSet<>(variables.keySet()));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    int stray = out.indexOf("{{");
    if (stray >= 0 || out.indexOf("}}") >= 0) {
      throw new IllegalArgumentException(
          "malformed placeholder in path template '"
              + text
              + "': write {{ name }} with a variable name");
    }
    return out.toString();
  }
}
