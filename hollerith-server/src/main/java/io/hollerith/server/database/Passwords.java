package io.hollerith.server.database;

import io.hollerith.server.config.StorageConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Finds a PostgreSQL password without ever putting it in a message or log line: the one rule for
 * the metric store, the credential store and the read-only SQL role. Stateless.
 */
public final class Passwords {
  private Passwords() {}

  /**
   * The password from, in order, {@code password}, the environment variable named by {@code
   * password_env}, or the file named by {@code password_file} (trailing line breaks removed); null
   * when none is configured (trust or peer authentication).
   *
   * @throws IllegalArgumentException naming the setting (never the value) when a named source is
   *     missing
   */
  public static String resolve(StorageConfig.Postgresql pg) {
    return resolve(pg, System::getenv);
  }

  public static String resolve(StorageConfig.Postgresql pg, UnaryOperator<String> env) {
    return resolve("storage.postgresql", pg.password(), pg.passwordEnv(), pg.passwordFile(), env);
  }

  /**
   * The same for any section with {@code password}, {@code password_env} and {@code password_file}.
   * A blank {@code password_env} or {@code password_file} counts as not configured; a password
   * given inline is taken as it is, even empty. Only line breaks are removed from a file's end, so
   * a password may end in a space.
   *
   * @param section the keys' prefix for messages, e.g. {@code storage.postgresql}
   */
  public static String resolve(
      String section,
      String password,
      String passwordEnv,
      String passwordFile,
      UnaryOperator<String> env) {
    if (password != null) {
      return password;
    }
    if (passwordEnv != null && !passwordEnv.isBlank()) {
      String v = env.apply(passwordEnv);
      if (v == null) {
        throw new IllegalArgumentException(
            section
                + ".password_env names the environment variable "
                + passwordEnv
                + ", which is not set");
      }
      return v;
    }
    if (passwordFile != null && !passwordFile.isBlank()) {
      try {
        String v = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8);
        int end = v.length();
        while (end > 0 && (v.charAt(end - 1) == '\n' || v.charAt(end - 1) == '\r')) {
          end--;
        }
        return v.substring(0, end);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            section
                + ".password_file "
                + passwordFile
                + " cannot be read: "
                + e.getClass().getSimpleName());
      }
    }
    return null;
  }
}
