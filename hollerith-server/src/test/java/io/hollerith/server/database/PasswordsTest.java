package io.hollerith.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.config.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordsTest {
  @TempDir Path dir;

  private static StorageConfig.Postgresql pg(String password, String env, String file) {
    return new StorageConfig.Postgresql("jdbc:postgresql://db/h", "u", password, env, file, null);
  }

  @Test
  void takesThePasswordThenTheEnvironmentThenTheFile() throws IOException {
    Path file = dir.resolve("pw");
    Files.writeString(file, "from-file\r\n");
    Map<String, String> env = Map.of("PGPW", "from-env");
    assertThat(Passwords.resolve(pg("inline", "PGPW", file.toString()), env::get))
        .isEqualTo("inline");
    assertThat(Passwords.resolve(pg(null, "PGPW", file.toString()), env::get))
        .isEqualTo("from-env");
    assertThat(Passwords.resolve(pg(null, null, file.toString()), env::get)).isEqualTo("from-file");
    assertThat(Passwords.resolve(pg(null, null, null), env::get)).isNull();
  }

  @Test
  void namesAMissingSourceButNeverAValue() {
    assertThatThrownBy(() -> Passwords.resolve(pg(null, "NOPE", null), k -> null))
        .hasMessage(
            "storage.postgresql.password_env names the environment variable NOPE, which is not set");
    assertThatThrownBy(
            () -> Passwords.resolve(pg(null, null, dir.resolve("missing").toString()), k -> null))
        .hasMessageContaining("storage.postgresql.password_file")
        .hasMessageContaining("cannot be read");
    assertThat(pg("secret", null, null).toString()).doesNotContain("secret");
  }

  @Test
  void blankSourcesAreNotConfiguredAndAFileLosesOnlyItsLineBreaks() throws IOException {
    Path file = dir.resolve("pw");
    Files.writeString(file, "ends in a space \n\r\n");
    assertThat(
            Passwords.resolve(
                pg(null, " ", "  "),
                k -> {
                  throw new AssertionError(
                      "a blank password_env must not be looked up, got '" + k + "'");
                }))
        .isNull();
    assertThat(Passwords.resolve(pg(null, "", file.toString()), k -> null))
        .isEqualTo("ends in a space ");
    assertThat(Passwords.resolve(pg("", "PGPW", null), k -> "from-env")).isEmpty();
  }
}
