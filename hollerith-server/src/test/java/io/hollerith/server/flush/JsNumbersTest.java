package io.hollerith.server.flush;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsNumbersTest {

  @Test
  void formatsNumbersAsJavaScriptDoes() {
    assertThat(JsNumbers.toString(3.0)).isEqualTo("3");
    assertThat(JsNumbers.toString(-0.0)).isEqualTo("0");
    assertThat(JsNumbers.toString(0.1)).isEqualTo("0.1");
    assertThat(JsNumbers.toString(2.3)).isEqualTo("2.3");
    assertThat(JsNumbers.toString(1 / 0.3)).isEqualTo("3.3333333333333335");
    assertThat(JsNumbers.toString(-99.5)).isEqualTo("-99.5");
    assertThat(JsNumbers.toString(1e-7)).isEqualTo("1e-7");
    assertThat(JsNumbers.toString(1.5e-7)).isEqualTo("1.5e-7");
    assertThat(JsNumbers.toString(0.000001)).isEqualTo("0.000001");
    assertThat(JsNumbers.toString(123456789012.5)).isEqualTo("123456789012.5");
    assertThat(JsNumbers.toString(1e21)).isEqualTo("1e+21");
    assertThat(JsNumbers.toString(1e20)).isEqualTo("100000000000000000000");
    assertThat(JsNumbers.toString(Double.NaN)).isEqualTo("NaN");
    assertThat(JsNumbers.toString(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
  }
}
