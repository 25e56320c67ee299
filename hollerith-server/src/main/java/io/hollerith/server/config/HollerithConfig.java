package io.hollerith.server.config;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * The whole configuration, as read from {@code hollerith.yml} with environment and command-line
 * overrides applied ({@link ConfigLoader}). Every section and key has a default, so an empty file
 * is a valid configuration; {@code hollerith.example.yml} documents them all.
 *
 * @param nodeId identifies this node's rows in a shared store; default: the host name
 * @param dataDir where the embedded store and runtime files live, default {@code ./data}
 * @param scheduler how jobs run and how the node beats as a worker
 * @param jobs the configured jobs (default none; Hollerith's own jobs are built in)
 * @param ops table-growth history and the read-only SQL endpoint
 */
public record HollerithConfig(
    String nodeId,
    String dataDir,
    ListenersConfig listeners,
    ProtocolConfig protocol,
    AggregationConfig aggregation,
    StatsConfig stats,
    SinksConfig sinks,
    StorageConfig storage,
    HttpConfig http,
    LoggingConfig logging,
    SchedulerConfig scheduler,
    List<JobConfig> jobs,
    OpsConfig ops) {

  public HollerithConfig {
    nodeId = nodeId != null ? nodeId : defaultNodeId();
    dataDir = dataDir != null ? dataDir : "./data";
    listeners =
        listeners != null ? listeners : new ListenersConfig(null, null, null, null, null, null);
    protocol = protocol != null ? protocol : new ProtocolConfig(null, null, null, null);
    aggregation = aggregation != null ? aggregation : AggregationConfig.defaults();
    stats = stats != null ? stats : StatsConfig.defaults();
    sinks = sinks != null ? sinks : new SinksConfig(null, null, null);
    storage = storage != null ? storage : new StorageConfig(null, null, null, null);
    http = http != null ? http : new HttpConfig(null, null, null);
    logging = logging != null ? logging : new LoggingConfig(null, null);
    scheduler = scheduler != null ? scheduler : new SchedulerConfig(null, null, null);
    jobs = jobs != null ? List.copyOf(jobs) : List.of();
    ops = ops != null ? ops : new OpsConfig(null, null, null);
  }

  /** A configuration without jobs and with the default scheduler and {@code ops} settings. */
  public HollerithConfig(
      String nodeId,
      String dataDir,
      ListenersConfig listeners,
      ProtocolConfig protocol,
      AggregationConfig aggregation,
      StatsConfig stats,
      SinksConfig sinks,
      StorageConfig storage,
      HttpConfig http,
      LoggingConfig logging) {
    this(
        nodeId,
        dataDir,
        listeners,
        protocol,
        aggregation,
        stats,
        sinks,
        storage,
        http,
        logging,
        null,
        null,
        null);
  }

  /** All defaults. */
  public static HollerithConfig defaults() {
    return new HollerithConfig(
        null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  private static String defaultNodeId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "node";
      }
    }
    return host;
  }
}
