package io.hollerith.server.cli;

import io.hollerith.server.auth.IssuedToken;
import io.hollerith.server.auth.Role;
import io.hollerith.server.auth.User;
import io.hollerith.server.config.HollerithConfig;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hollerith user add|list|revoke|token}: API users and their tokens in the configured
 * credential store. A token is printed once, when issued; the store keeps only its hash.
 *
 * <p>Register on the root command with {@code commandLine.addSubcommand(new
 * UserCommand(root::config))}: the supplier is called when a subcommand runs, after the root
 * options (config file, overrides) have been parsed. Not thread-safe (one run per instance at a
 * time, as picocli does).
 */
@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description = "Manage API users and their tokens.")
public final class UserCommand extends CredentialCommands {

  /**
   * @param config supplies the loaded configuration when a subcommand runs
   */
  public UserCommand(Supplier<HollerithConfig> config) {
    super(config);
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a user and print its first token (shown once).")
  int add(
      @Parameters(
              paramLabel = "NAME",
              description = "User name: letters, digits, '.', '_', '@', '-'.")
          String name,
      @Option(
              names = "--role",
              required = true,
              paramLabel = "ROLE",
              description = "admin, support or reader.")
          String role,
      @Option(
              names = "--tenant",
              defaultValue = "root",
              paramLabel = "TENANT",
              description = "The user's tenant (default: ${DEFAULT-VALUE}).")
          String tenant,
      @Option(
              names = "--expires-in",
              paramLabel = "DURATION",
              description = "Token lifetime, e.g. 90d, 12h or PT1H (default: no expiry).")
          String expiresIn) {
    return withStore(
        store -> {
          IssuedToken token =
              store.addUser(name, Role.parse(role), tenant, parseDuration(expiresIn));
          PrintWriter out = out();
          out.println(
              "user "
                  + name
                  + " added (role "
                  + Role.parse(role).label()
                  + ", tenant "
                  + tenant
                  + ")");
          printToken(out, token);
          return 0;
        });
  }

  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = "Issue another token for a user (shown once).")
  int token(
      @Parameters(paramLabel = "NAME") String name,
      @Option(
              names = "--expires-in",
              paramLabel = "DURATION",
              description = "Token lifetime, e.g. 90d, 12h or PT1H (default: no expiry).")
          String expiresIn) {
    return withStore(
        store -> {
          printToken(out(), store.issueToken(name, parseDuration(expiresIn)));
          return 0;
        });
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List users with role, tenant and usable tokens.")
  int list() {
    return withStore(
        store -> {
          PrintWriter out = out();
          out.printf("%-24s %-8s %-16s %6s  %s%n", "NAME", "ROLE", "TENANT", "TOKENS", "CREATED");
          for (User u : store.listUsers()) {
            out.printf(
                "%-24s %-8s %-16s %6d  %s%n",
                u.name(),
                u.role().label(),
                u.tenant(),
                u.activeTokens(),
                Instant.ofEpochMilli(u.createdMillis()));
          }
          out.flush();
          return 0;
        });
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Revoke every token of a user (the user stays; issue a new token with 'user token').")
  int revoke(@Parameters(paramLabel = "NAME") String name) {
    return withStore(
        store -> {
          int n = store.revokeTokens(name);
          return done("revoked " + n + " token" + (n == 1 ? "" : "s") + " of " + name);
        });
  }

  private static void printToken(PrintWriter out, IssuedToken token) {
    out.println("token: " + token.secret());
    out.println(
        token.expiresMillis() == null
            ? "expires: never"
            : "expires: " + Instant.ofEpochMilli(token.expiresMillis()));
    out.println("(this token is shown only once; Hollerith stores only its hash)");
    out.flush();
  }
}
