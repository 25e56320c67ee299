package io.hollerith.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The root command wires every subcommand, and the credential commands take serve's config options.
 */
class HollerithCommandTest {

  @TempDir Path dir;

  private int run(StringWriter out, String... args) {
    CommandLine cl = HollerithCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    return cl.execute(args);
  }

  @Test
  void listsEverySubcommand() {
    StringWriter out = new StringWriter();
    assertThat(run(out, "--help")).isZero();
    assertThat(out.toString()).contains("serve", "send", "user", "tenant", "namespace");
  }

  @Test
  void credentialCommandsWorkOnTheConfiguredDataDirectory() {
    String data = dir.resolve("data").toString();
    StringWriter out = new StringWriter();
    assertThat(run(out, "tenant", "add", "shop", "--data-dir", data)).isZero();
    assertThat(run(out, "namespace", "assign", "shop.", "shop", "--data-dir", data)).isZero();
    assertThat(
            run(
                out,
                "user",
                "add",
                "alice",
                "--role",
                "reader",
                "--tenant",
                "shop",
                "--data-dir",
                data))
        .isZero();
    StringWriter list = new StringWriter();
    assertThat(run(list, "user", "list", "--set", "data_dir=" + data)).isZero();
    assertThat(list.toString()).contains("alice").contains("reader").contains("shop");
  }

  @Test
  void aBadConfigurationKeyIsReportedByName() {
    StringWriter out = new StringWriter();
    assertThat(run(out, "user", "list", "--data-dir", dir.toString(), "--set", "bogus=1"))
        .isNotZero();
    assertThat(out.toString()).contains("unknown key 'bogus'");
  }

  @Test
  void everyOptionOfTheCredentialCommandsHasANamedLabel() {
    for (String[] command :
        new String[][] {{"user", "add"}, {"user", "token"}, {"tenant", "add"}}) {
      StringWriter out = new StringWriter();
      assertThat(run(out, command[0], command[1], "--help")).isZero();
      assertThat(out.toString()).as(String.join(" ", command)).doesNotContain("<arg");
    }
    StringWriter out = new StringWriter();
    run(out, "user", "add", "--help");
    assertThat(out.toString()).contains("--role=ROLE", "--tenant=TENANT", "--expires-in=DURATION");
  }
}
