package io.hollerith.server.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Accept negotiation as Traffic Ops does it, with q-values. */
class TimestampFormatTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "application/json;timestamp=unix, application/json;timestamp=rfc;q=0.9, application/json;q=0.8, */*;q=0.7 | UNIX",
        "application/json;timestamp=rfc | RFC",
        "application/json;timestamp=unix | UNIX",
        "application/json | RFC",
        "*/* | RFC",
        "application/* | RFC",
        "application/json;timestamp=unix;q=0.5, application/json;timestamp=rfc;q=0.6 | RFC",
        "application/json;timestamp=rfc;q=0.5, application/json;timestamp=unix;q=0.6 | UNIX",
        "text/html, application/json;timestamp=unix;q=0.1 | UNIX",
        "*/*;q=0.9, application/json;timestamp=unix;q=0.9 | UNIX",
        "application/json; timestamp=\"unix\" | UNIX",
        "application/json;charset=utf-8;timestamp=unix | UNIX",
        "APPLICATION/JSON;TIMESTAMP=UNIX | UNIX",
        "application/json;timestamp=rfc;q=0, application/json;timestamp=unix;q=0.1 | UNIX",
        "garbage | RFC",
        "application/json;q=abc | RFC",
        "; | RFC",
        "';;' | RFC",
        "',' | RFC",
        "', ;' | RFC",
        "'/;' | RFC",
        "', application/json;timestamp=unix' | UNIX",
        "'application/json;timestamp=unix,' | UNIX",
      })
  void negotiates(String accept, TimestampFormat expected) {
    assertThat(TimestampFormat.negotiate(accept)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/html",
        "application/xml, text/plain",
        "application/json;timestamp=iso",
        "application/json;version=2",
        "application/json;timestamp=unix;q=0",
        "*/*;q=0"
      })
  void unsatisfiableIs406(String accept) {
    assertThatThrownBy(() -> TimestampFormat.negotiate(accept))
        .isInstanceOf(QueryException.class)
        .hasMessage("Failed to negotiate content; cannot produce output satisfying " + accept)
        .satisfies(e -> assertThat(((QueryException) e).status()).isEqualTo(406));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void emptyMeansRfc(String accept) {
    assertThat(TimestampFormat.negotiate(accept)).isEqualTo(TimestampFormat.RFC);
    assertThat(TimestampFormat.negotiate(null)).isEqualTo(TimestampFormat.RFC);
  }

  @ParameterizedTest
  @CsvSource({"RFC, application/json; timestamp=rfc", "UNIX, application/json; timestamp=unix"})
  void contentTypeCarriesTheFormat(TimestampFormat f, String contentType) {
    assertThat(f.contentType()).isEqualTo(contentType);
  }
}
