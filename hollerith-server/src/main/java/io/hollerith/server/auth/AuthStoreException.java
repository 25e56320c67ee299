package io.hollerith.server.auth;

/** The credential store could not be opened, migrated, read or written. Immutable. */
public class AuthStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AuthStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
