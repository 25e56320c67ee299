package io.hollerith.server.cli;

import io.hollerith.server.auth.Tenant;
import io.hollerith.server.config.HollerithConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hollerith tenant add|list}: the tenant tree in the configured credential store.
 *
 * <p>Register with {@code commandLine.addSubcommand(new TenantCommand(root::config))}. Not
 * thread-safe.
 */
@Command(
    name = "tenant",
    mixinStandardHelpOptions = true,
    description = "Manage tenants (a tree under 'root').")
public final class TenantCommand extends CredentialCommands {

  /**
   * @param config supplies the loaded configuration when a subcommand runs
   */
  public TenantCommand(Supplier<HollerithConfig> config) {
    super(config);
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a tenant under a parent tenant.")
  int add(
      @Parameters(paramLabel = "NAME") String name,
      @Option(
              names = "--parent",
              defaultValue = "root",
              paramLabel = "PARENT",
              description = "Parent tenant (default: ${DEFAULT-VALUE}).")
          String parent) {
    return withStore(
        store -> {
          store.addTenant(name, parent);
          return done("tenant " + name + " added under " + parent);
        });
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the tenant tree.")
  int list() {
    return withStore(
        store -> {
          List<Tenant> tenants = store.listTenants();
          Map<Long, List<Tenant>> children = new HashMap<>();
          List<Tenant> roots = new ArrayList<>();
          for (Tenant t : tenants) {
            if (t.parentId() == null) {
              roots.add(t);
            } else {
              children.computeIfAbsent(t.parentId(), k -> new ArrayList<>()).add(t);
            }
          }
          PrintWriter out = out();
          for (Tenant r : roots) {
            print(out, r, children, 0);
          }
          out.flush();
          return 0;
        });
  }

  private static void print(
      PrintWriter out, Tenant t, Map<Long, List<Tenant>> children, int depth) {
    out.println("  ".repeat(depth) + t.name());
    for (Tenant c : children.getOrDefault(t.id(), List.of())) {
      print(out, c, children, depth + 1);
    }
  }
}
