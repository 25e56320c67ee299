package io.hollerith.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.auth.Principal;
import io.hollerith.server.config.HollerithConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The user, tenant and namespace commands on a real SQLite credential store. */
class CredentialCommandsTest {

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  Supplier<HollerithConfig> config() {
    return () ->
        new HollerithConfig("test", dir.toString(), null, null, null, null, null, null, null, null);
  }

  static String token(String out) {
    Matcher m = Pattern.compile("token: (hol_\\S+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  @Test
  void tenantsNamespacesAndUsersEndToEnd() {
    assertThat(run(new TenantCommand(config()), "add", "shop").out())
        .isEqualTo("tenant shop added under root\n");
    assertThat(run(new TenantCommand(config()), "add", "shop-eu", "--parent", "shop").exit())
        .isZero();
    assertThat(run(new TenantCommand(config()), "list").out())
        .isEqualTo("root\n  shop\n    shop-eu\n");
    assertThat(run(new NamespaceCommand(config()), "assign", "shop.", "shop").out())
        .isEqualTo("namespace 'shop.' assigned to shop\n");
    assertThat(run(new NamespaceCommand(config()), "list").out())
        .contains("shop.")
        .contains("shop\n");

    Run add =
        run(
            new UserCommand(config()),
            "add",
            "alice",
            "--role",
            "reader",
            "--tenant",
            "shop",
            "--expires-in",
            "90d");
    assertThat(add.exit()).as(add.err()).isZero();
    assertThat(add.out())
        .startsWith("user alice added (role reader, tenant shop)\ntoken: hol_")
        .contains("expires: 20");
    String alice = token(add.out());

    Run list = run(new UserCommand(config()), "list");
    assertThat(list.out())
        .contains("alice")
        .contains("reader")
        .contains("shop")
        .doesNotContain(alice);

    try (AuthStore store = AuthStore.openSqlite(dir.resolve("auth.db"), Clock.systemUTC())) {
      Principal p = store.authenticate(alice).orElseThrow();
      assertThat(store.access(p).canSee("shop.orders")).isTrue();
      assertThat(store.access(p).canSee("other.thing")).isFalse();
    }

    assertThat(run(new UserCommand(config()), "revoke", "alice").out())
        .isEqualTo("revoked 1 token of alice\n");
    String second = token(run(new UserCommand(config()), "token", "alice").out());
    try (AuthStore store = AuthStore.openSqlite(dir.resolve("auth.db"), Clock.systemUTC())) {
      assertThat(store.authenticate(alice)).isEmpty();
      assertThat(store.authenticate(second)).isPresent();
    }
  }

  @Test
  void badInputGivesExitCode1AndOneClearLine() {
    Run role = run(new UserCommand(config()), "add", "bob", "--role", "owner");
    assertThat(role.exit()).isEqualTo(1);
    assertThat(role.err())
        .isEqualTo("error: unknown role 'owner': must be admin, support or reader\n");
    Run tenant =
        run(new UserCommand(config()), "add", "bob", "--role", "reader", "--tenant", "nowhere");
    assertThat(tenant.err()).isEqualTo("error: no tenant named 'nowhere'\n");
    Run duration =
        run(new UserCommand(config()), "add", "bob", "--role", "reader", "--expires-in", "soon");
    assertThat(duration.err())
        .isEqualTo("error: invalid duration 'soon': use e.g. 90d, 12h, 30m or PT1H\n");
    assertThat(run(new NamespaceCommand(config()), "assign", "x.", "ghost").err())
        .isEqualTo("error: no tenant named 'ghost'\n");
    assertThat(run(new UserCommand(config()), "revoke", "ghost").exit()).isEqualTo(1);
    assertThat(run(new UserCommand(config()), "add").exit()).isEqualTo(2);
  }

  @Test
  void durations() {
    assertThat(CredentialCommands.parseDuration("2w")).hasDays(14);
    assertThat(CredentialCommands.parseDuration("12h")).hasHours(12);
    assertThat(CredentialCommands.parseDuration("PT30M")).hasMinutes(30);
    assertThat(CredentialCommands.parseDuration(null)).isNull();
  }
}
