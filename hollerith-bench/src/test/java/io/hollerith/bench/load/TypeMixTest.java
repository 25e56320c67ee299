package io.hollerith.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypeMixTest {

  @Test
  void schedule_holds_each_type_as_often_as_its_weight() {
    TypeMix mix = TypeMix.parse("c=70,ms=20,g=10");
    Map<String, Integer> seen = new HashMap<>();
    for (int j = 0; j < 100; j++) {
      seen.merge(mix.typeAt(j), 1, Integer::sum);
    }
    assertThat(seen).containsExactlyInAnyOrderEntriesOf(Map.of("c", 70, "ms", 20, "g", 10));
    assertThat(mix.typeAt(3)).isEqualTo(mix.typeAt(103));
  }

  @Test
  void schedule_interleaves_types_rather_than_blocking_them() {
    TypeMix mix = TypeMix.parse("c=50,g=50");
    assertThat(mix.typeAt(0)).isNotEqualTo(mix.typeAt(1));
  }

  @Test
  void bad_mixes_are_rejected_naming_the_problem() {
    assertThatThrownBy(() -> TypeMix.parse("c=60,g=30"))
        .hasMessageContaining("add up to 100, got 90");
    assertThatThrownBy(() -> TypeMix.parse("x=100")).hasMessageContaining("unknown type 'x'");
    assertThatThrownBy(() -> TypeMix.parse("c=abc")).hasMessageContaining("not an integer: 'abc'");
    assertThatThrownBy(() -> TypeMix.parse("c=50,c=50")).hasMessageContaining("not yet listed");
  }
}
