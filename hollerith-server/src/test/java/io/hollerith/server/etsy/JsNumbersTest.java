package io.hollerith.server.etsy;

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

  @Test
  void numbersOfTheManagementInterface_likeJavaScript() {
    assertThat(JsNumbers.toString(0)).isEqualTo("0");
    assertThat(JsNumbers.toString(-0.0)).isEqualTo("0");
    assertThat(JsNumbers.toString(1)).isEqualTo("1");
    assertThat(JsNumbers.toString(-3)).isEqualTo("-3");
    assertThat(JsNumbers.toString(1.5)).isEqualTo("1.5");
    assertThat(JsNumbers.toString(0.1)).isEqualTo("0.1");
    assertThat(JsNumbers.toString(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(JsNumbers.toString(1e21)).isEqualTo("1e+21");
    assertThat(JsNumbers.toString(1e20)).isEqualTo("100000000000000000000");
    assertThat(JsNumbers.toString(123456789012.0)).isEqualTo("123456789012");
    assertThat(JsNumbers.toString(1e-7)).isEqualTo("1e-7");
    assertThat(JsNumbers.toString(1.5e-7)).isEqualTo("1.5e-7");
    assertThat(JsNumbers.toString(0.000001)).isEqualTo("0.000001");
    assertThat(JsNumbers.toString(2.5e300)).isEqualTo("2.5e+300");
    assertThat(JsNumbers.toString(Double.NaN)).isEqualTo("NaN");
    assertThat(JsNumbers.toString(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    assertThat(JsNumbers.toString(Double.MIN_VALUE)).isEqualTo("5e-324");
    assertThat(JsNumbers.toString(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
  }

  /**
   * Where Java 17's {@link Double#toString(double)} is not the shortest, nearest form; expected
   * from Node 20.
   */
  @SuppressWarnings(
      "FloatingPointLiteralPrecision") // the literals are written as JavaScript prints them
  @Test
  void shortestNearestDigits_whereJavaDoubleToStringDiffers() {
    assertThat(JsNumbers.toString(0x1p60)).isEqualTo("1152921504606847000");
    assertThat(JsNumbers.toString(-0x1p60)).isEqualTo("-1152921504606847000");
    assertThat(JsNumbers.toString(0x1p53 + 2)).isEqualTo("9007199254740994");
    assertThat(JsNumbers.toString(1e23)).isEqualTo("1e+23");
    assertThat(JsNumbers.toString(2e23)).isEqualTo("2e+23");
    assertThat(JsNumbers.toString(0x1p-44)).isEqualTo("5.684341886080802e-14");
    assertThat(JsNumbers.toString(0x1p-1016)).isEqualTo("1.424047269444609e-306");
    assertThat(JsNumbers.toString(8e-323)).isEqualTo("8e-323");
    assertThat(JsNumbers.toString(1.6e-322)).isEqualTo("1.6e-322");
  }
}
