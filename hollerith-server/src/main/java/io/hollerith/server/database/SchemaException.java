package io.hollerith.server.database;

/** A database's schema is newer than this binary, or migrating it failed. Immutable. */
public class SchemaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
