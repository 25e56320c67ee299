package io.hollerith.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a caller sees: the owner of a name, and the prefixes a listing needs to scan. */
class AccessTest {

  static final List<Tenant> TREE =
      List.of(
          new Tenant(1, "root", null),
          new Tenant(2, "shop", 1L),
          new Tenant(3, "shop-eu", 2L),
          new Tenant(4, "blog", 1L));
  static final List<Access.Namespace> NAMESPACES =
      List.of(
          new Access.Namespace("shop.", 2),
          new Access.Namespace("shop.eu.", 3),
          new Access.Namespace("blog.", 4),
          new Access.Namespace("blog.shop.", 2),
          new Access.Namespace("shop.secret.", 4));

  static Access of(long tenant) {
    return Access.of(new Principal(7, "u", Role.READER, tenant), TREE, NAMESPACES);
  }

  @Test
  void visiblePrefixesAreTheOutermostNamespacesInReach() {
    assertThat(of(1).visiblePrefixes()).containsExactly("");
    assertThat(of(2).visiblePrefixes()).containsExactly("blog.shop.", "shop.");
    assertThat(of(3).visiblePrefixes()).containsExactly("shop.eu.");
    assertThat(of(4).visiblePrefixes()).containsExactly("blog.", "shop.secret.");
  }

  @Test
  void everyVisibleNameLiesUnderAVisiblePrefix() {
    List<String> names =
        List.of(
            "a", "shop.x", "shop.eu.y", "shop.secret.z", "blog.p", "blog.shop.q", "system.load");
    for (long tenant = 1; tenant <= 4; tenant++) {
      Access access = of(tenant);
      for (String name : names) {
        if (access.canSee(name)) {
          assertThat(access.visiblePrefixes())
              .as("%s for tenant %d", name, tenant)
              .anySatisfy(p -> assertThat(name).startsWith(p));
        }
      }
    }
    assertThat(of(2).canSee("shop.secret.z")).isFalse();
    assertThat(of(2).canSee("blog.shop.q")).isTrue();
  }
}
