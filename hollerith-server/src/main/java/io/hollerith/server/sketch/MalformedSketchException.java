package io.hollerith.server.sketch;

/** Bytes that do not decode to a sketch: corrupt, truncated or of an unknown format version. */
public class MalformedSketchException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedSketchException(String message, Throwable cause) {
    super(message, cause);
  }

  public MalformedSketchException(String message) {
    super(message);
  }
}
