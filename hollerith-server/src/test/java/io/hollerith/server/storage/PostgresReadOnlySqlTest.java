package io.hollerith.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The read-only connection never inherits the store's own user or password from its URL. */
class PostgresReadOnlySqlTest {

  @Test
  void userAndPasswordParametersAreRemovedFromTheUrl() {
    assertThat(
            PostgresReadOnlySql.withoutCredentials(
                "jdbc:postgresql://h:5432/db?user=postgres&password=x&ssl=true"))
        .isEqualTo("jdbc:postgresql://h:5432/db?ssl=true");
    assertThat(
            PostgresReadOnlySql.withoutCredentials("jdbc:postgresql://h/db?ssl=true&USER=postgres"))
        .isEqualTo("jdbc:postgresql://h/db?ssl=true");
    assertThat(PostgresReadOnlySql.withoutCredentials("jdbc:postgresql://h/db?user=postgres"))
        .isEqualTo("jdbc:postgresql://h/db");
    assertThat(
            PostgresReadOnlySql.withoutCredentials(
                "jdbc:postgresql://h/db?ssl=true&loggerLevel=OFF"))
        .isEqualTo("jdbc:postgresql://h/db?ssl=true&loggerLevel=OFF");
  }
}
