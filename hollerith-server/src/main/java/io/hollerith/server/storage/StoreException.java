package io.hollerith.server.storage;

/**
 * The store could not do what was asked: the database is unreachable, full, locked, or its schema is
 * not one this version understands. Unchecked, because {@link SeriesReader} callers (the query layer)
 * turn it into an HTTP error rather than handle each cause; the message names the engine and the
 * operation and never contains a password.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
