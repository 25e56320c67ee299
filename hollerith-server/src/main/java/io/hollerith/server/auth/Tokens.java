package io.hollerith.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Token secrets and their hashes. A secret is {@code hol_} followed by 256 random bits from {@link
 * SecureRandom}, base64url without padding; the store keeps only its SHA-256, so a leaked
 * credential store does not leak usable tokens. A plain (unsalted, fast) hash is enough because the
 * secret has full entropy: there is no dictionary to attack. Thread-safe.
 */
final class Tokens {

  static final String PREFIX = "hol_";
  private static final int RANDOM_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  static String newSecret() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Lower-case hex SHA-256 of the secret's UTF-8 bytes. */
  static String hash(String secret) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /**
   * The first characters of a secret, kept to tell tokens apart in listings; reveals 36 of 256
   * bits.
   */
  static String displayPrefix(String secret) {
    return secret.substring(0, Math.min(secret.length(), PREFIX.length() + 6));
  }
}
