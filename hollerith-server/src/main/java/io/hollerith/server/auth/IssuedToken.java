package io.hollerith.server.auth;

/**
 * A freshly issued API token. The secret exists only in this object and in what the caller does
 * with it; the store keeps its SHA-256 hash. Immutable.
 *
 * @param tokenId store identifier of the token
 * @param userName whose token it is
 * @param secret the token to send as {@code Authorization: Token <secret>} or {@code Bearer
 *     <secret>}
 * @param expiresMillis expiry time, or null for a token that does not expire
 */
public record IssuedToken(long tokenId, String userName, String secret, Long expiresMillis) {

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "IssuedToken[id=" + tokenId + ", user=" + userName + ", expires=" + expiresMillis + "]";
  }
}
