package io.hollerith.server.auth;

import java.util.regex.Pattern;

/**
 * Removes anything shaped like a token ({@code hol_} and what follows it) from text bound for an
 * error message or a log line, so that a token sent in the wrong place (a path, a query string, an
 * HTTP method, an authorization header without a scheme) is never echoed or logged, not even in
 * part. Thread-safe.
 */
public final class TokenRedaction {

  /** What replaces each token. */
  public static final String REDACTED = "[redacted]";

  private static final Pattern TOKEN =
      Pattern.compile(Pattern.quote(Tokens.PREFIX) + "[A-Za-z0-9_%-]*", Pattern.CASE_INSENSITIVE);

  private TokenRedaction() {}

  /** The text with every token-shaped run replaced by {@value #REDACTED}; null stays null. */
  public static String redact(String text) {
    return text == null ? null : TOKEN.matcher(text).replaceAll(REDACTED);
  }
}
