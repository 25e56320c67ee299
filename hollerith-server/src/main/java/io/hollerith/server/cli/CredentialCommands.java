package io.hollerith.server.cli;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.config.HollerithConfig;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the credential commands ({@link TenantCommand}, {@link NamespaceCommand}, {@link
 * UserCommand}) share: the configuration supplier, picocli's spec, opening the configured store,
 * printing and reporting errors. Not thread-safe, like its subclasses.
 */
abstract class CredentialCommands {

  private static final Pattern SHORT_DURATION = Pattern.compile("^(\\d{1,9})([smhdw])$");

  private final Supplier<HollerithConfig> config;

  /** Injected by picocli, which also looks at superclass fields. */
  @Spec CommandSpec spec;

  /**
   * @param config supplies the loaded configuration when a subcommand runs
   */
  CredentialCommands(Supplier<HollerithConfig> config) {
    this.config = Objects.requireNonNull(config);
  }

  /**
   * Opens the credential store of the loaded configuration, runs {@code action} and closes it.
   * Invalid input ({@link IllegalArgumentException}) and store failures print one line to the error
   * stream and give exit code 1.
   */
  final int withStore(Function<AuthStore, Integer> action) {
    PrintWriter err = spec.commandLine().getErr();
    try (AuthStore store = AuthStore.open(config.get(), Clock.systemUTC())) {
      return action.apply(store);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return 1;
    } catch (RuntimeException e) {
      err.println("error: credential store: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  /** The command's output stream. */
  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Prints {@code line} to the command's output and gives exit code 0. */
  final int done(String line) {
    PrintWriter out = out();
    out.println(line);
    out.flush();
    return 0;
  }

  /**
   * Parses {@code 90d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code 2w} or an ISO-8601 duration
   * ({@code PT1H}); null for null.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  static Duration parseDuration(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = SHORT_DURATION.matcher(text.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      };
    }
    try {
      return Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "invalid duration '" + text + "': use e.g. 90d, 12h, 30m or PT1H");
    }
  }
}
