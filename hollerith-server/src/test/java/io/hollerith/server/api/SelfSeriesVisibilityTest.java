package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.auth.Role;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's own series ({@code hollerith.*}): hidden from readers, even of the root tenant, until
 * a namespace gives the prefix to their tenant.
 */
class SelfSeriesVisibilityTest {

  @TempDir Path dir;
  ApiFixture fx;

  static final String SERIES =
      "/api/v1/series?metric=hollerith.packets_received" + AuthorizationMatrixTest.RANGE;

  @BeforeEach
  void start() {
    fx = new ApiFixture(dir, ApiFixture.config());
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  @Test
  void aReaderWhoseTenantOwnsThePrefixSeesThem() throws Exception {
    assertThat(fx.get(SERIES, "reader@root").statusCode()).isEqualTo(404);
    assertThat(fx.get("/api/v1/metrics", "reader@root").body()).doesNotContain("hollerith.");
    fx.auth.addTenant("ops", "root");
    fx.auth.assignNamespace("hollerith.", "ops");
    fx.tokens.put("reader@ops", fx.auth.addUser("reader@ops", Role.READER, "ops", null).secret());

    assertThat(fx.get(SERIES, "reader@ops").statusCode()).isEqualTo(200);
    assertThat(fx.get("/api/v1/metrics", "reader@ops").body())
        .contains("hollerith.packets_received");
    assertThat(fx.get(SERIES, "reader@root").statusCode())
        .as("root is an ancestor of ops")
        .isEqualTo(200);
    assertThat(fx.get(SERIES, "reader@shop").statusCode()).isEqualTo(404);
    assertThat(fx.get(SERIES, "support@root").statusCode()).isEqualTo(200);
  }
}
