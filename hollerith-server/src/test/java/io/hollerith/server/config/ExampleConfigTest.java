package io.hollerith.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped hollerith.example.yml documents every key, and its values are the real defaults. */
class ExampleConfigTest {

  private static final Path EXAMPLE = Path.of("..", "hollerith.example.yml");

  @Test
  void exampleLoadsToExactlyTheDefaults() throws Exception {
    HollerithConfig fromExample = new ConfigLoader().load(EXAMPLE, Map.of(), List.of("node_id=n1"));
    HollerithConfig defaults = new ConfigLoader().load(null, Map.of(), List.of("node_id=n1"));
    assertThat(fromExample).isEqualTo(defaults);
  }

  @Test
  void everyKeyIsDocumented() throws Exception {
    String text = Files.readString(EXAMPLE);
    for (String path : new ConfigLoader().environmentVariables().values()) {
      String key = path.substring(path.lastIndexOf('.') + 1);
      assertThat(text)
          .as("hollerith.example.yml documents %s", path)
          .containsPattern("(?m)^[ #]*" + key + ":");
    }
  }
}
