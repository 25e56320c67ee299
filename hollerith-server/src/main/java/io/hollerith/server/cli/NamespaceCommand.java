package io.hollerith.server.cli;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.config.HollerithConfig;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code hollerith namespace assign|list}: which tenant owns metric names starting with a prefix.
 * The longest matching prefix decides; names no prefix matches belong to {@code root}.
 *
 * <p>Register with {@code commandLine.addSubcommand(new NamespaceCommand(root::config))}. Not
 * thread-safe.
 */
@Command(
    name = "namespace",
    mixinStandardHelpOptions = true,
    description = "Assign metric name prefixes to tenants.")
public final class NamespaceCommand extends CredentialCommands {

  /**
   * @param config supplies the loaded configuration when a subcommand runs
   */
  public NamespaceCommand(Supplier<HollerithConfig> config) {
    super(config);
  }

  @Command(
      name = "assign",
      mixinStandardHelpOptions = true,
      description =
          "Assign names starting with PREFIX (e.g. 'shop.') to TENANT, replacing an earlier assignment of PREFIX.")
  int assign(
      @Parameters(paramLabel = "PREFIX") String prefix,
      @Parameters(paramLabel = "TENANT") String tenant) {
    return withStore(
        store -> {
          store.assignNamespace(prefix, tenant);
          return done("namespace '" + prefix + "' assigned to " + tenant);
        });
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List namespace assignments.")
  int list() {
    return withStore(
        store -> {
          PrintWriter out = out();
          out.printf("%-32s %s%n", "PREFIX", "TENANT");
          for (AuthStore.NamespaceAssignment a : store.listNamespaces()) {
            out.printf("%-32s %s%n", a.prefix(), a.tenant());
          }
          out.flush();
          return 0;
        });
  }
}
