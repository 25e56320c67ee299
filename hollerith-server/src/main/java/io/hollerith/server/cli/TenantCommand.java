package io.hollerith.server.cli;

import io.hollerith.server.auth.Tenant;
import io.hollerith.server.config.HollerithConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hollerith tenant add|list}: the tenant tree in the configured credential store.
 *
 * <p>Register with {@code commandLine.addSubcommand(new TenantCommand(root::config))}. Not
 * thread-safe.
 */
@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Manage tenants (a tree under 'root').")
public final class TenantCommand {

  private final Supplier<HollerithConfig> config;

  @Spec CommandSpec spec;

  /** @param config supplies the loaded configuration when a subcommand runs */
  public TenantCommand(Supplier<HollerithConfig> config) {
    this.config = Objects.requireNonNull(config);
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a tenant under a parent tenant.")
  int add(
      @Parameters(paramLabel = "NAME") String name,
      @Option(names = "--parent", defaultValue = "root", description = "Parent tenant (default: ${DEFAULT-VALUE}).") String parent) {
    return CredentialCommands.withStore(config, spec, store -> {
      store.addTenant(name, parent);
      PrintWriter out = spec.commandLine().getOut();
      out.println("tenant " + name + " added under " + parent);
      out.flush();
      return 0;
    });
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the tenant tree.")
  int list() {
    return CredentialCommands.withStore(config, spec, store -> {
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
      PrintWriter out = spec.commandLine().getOut();
      for (Tenant r : roots) {
        print(out, r, children, 0);
      }
      out.flush();
      return 0;
    });
  }

  private static void print(PrintWriter out, Tenant t, Map<Long, List<Tenant>> children, int depth) {
    out.println("  ".repeat(depth) + t.name());
    for (Tenant c : children.getOrDefault(t.id(), List.of())) {
      print(out, c, children, depth + 1);
    }
  }
}
