package io.hollerith.server.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.protocol.Sample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MemberSetTest {

  private static boolean add(MemberSet set, String member) {
    byte[] b =
        ("##" + member).getBytes(StandardCharsets.UTF_8); // the member need not start the array
    return set.add(b, 2, b.length - 2);
  }

  @Test
  void countsDistinctMembersExactlyAgainstAHashSet() {
    SplittableRandom random = new SplittableRandom(11);
    MemberSet set = new MemberSet();
    Set<String> reference = new LinkedHashSet<>();
    int disagreements = 0;
    for (int i = 0; i < 200_000; i++) {
      String member = "m" + random.nextInt(50_000) + "x".repeat(random.nextInt(40));
      if (add(set, member) != reference.add(member)) {
        disagreements++;
      }
    }
    assertThat(disagreements).isZero();
    assertThat(set.size()).isEqualTo(reference.size());
    assertThat(set.toStrings()).isEqualTo(reference);
    List<String> inOrder = new ArrayList<>();
    set.forEachMember(
        buffer -> inOrder.add(StandardCharsets.UTF_8.decode(buffer.duplicate()).toString()));
    assertThat(inOrder).isEqualTo(new ArrayList<>(reference));
  }

  @Test
  void membersWhoseHashesCollideStayTwoMembers() {
    Map<Integer, String> byHash = new HashMap<>();
    String first = null;
    String second = null;
    for (int i = 0; second == null && i < 2_000_000; i++) {
      String member = "member-" + i;
      byte[] b = member.getBytes(StandardCharsets.UTF_8);
      String earlier = byHash.putIfAbsent(Sample.hashKey(b, 0, b.length), member);
      if (earlier != null) {
        first = earlier;
        second = member;
      }
    }
    assertThat(second).as("a 32-bit hash collision among two million members").isNotNull();

    MemberSet set = new MemberSet();
    assertThat(add(set, first)).isTrue();
    assertThat(add(set, second)).isTrue();
    assertThat(add(set, first)).isFalse();
    assertThat(add(set, second)).isFalse();
    assertThat(set.size()).isEqualTo(2);
    assertThat(set.toStrings()).containsExactlyInAnyOrder(first, second);
  }

  @Test
  void aClearedSetStartsEmptyAndIsReused() {
    MemberSet set = new MemberSet();
    for (int round = 0; round < 3; round++) {
      Set<String> reference = new HashSet<>();
      for (int i = 0; i < 1_000; i++) {
        String member = "r" + round + "-" + (i % 300);
        assertThat(add(set, member)).isEqualTo(reference.add(member));
      }
      assertThat(set.size()).isEqualTo(300);
      assertThat(set.toStrings()).isEqualTo(reference);
      set.clear();
      assertThat(set.size()).isZero();
      assertThat(set.toStrings()).isEmpty();
      int[] seen = {0};
      set.forEachMember(b -> seen[0]++);
      assertThat(seen[0]).isZero();
    }
  }

  @Test
  void theEmptyMemberIsAMemberLikeAnyOther() {
    MemberSet set = new MemberSet();
    assertThat(set.add(new byte[0], 0, 0)).isTrue();
    assertThat(set.add(new byte[4], 2, 0)).isFalse();
    assertThat(add(set, "a")).isTrue();
    assertThat(set.size()).isEqualTo(2);
    List<Integer> lengths = new ArrayList<>();
    set.forEachMember((ByteBuffer b) -> lengths.add(b.remaining()));
    assertThat(lengths).containsExactly(0, 1);
  }
}
