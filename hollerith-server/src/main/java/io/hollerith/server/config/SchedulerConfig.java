package io.hollerith.server.config;

import java.time.Duration;

/**
 * The {@code scheduler:} keys: how jobs run and how the node reports itself as a worker.
 *
 * @param threads job threads, i.e. programs that may run at once (default 2)
 * @param taskHistory runs kept per node, in memory and in the store (default 1,000)
 * @param heartbeatInterval how often the node writes its worker heartbeat to the store; a node
 *     silent for three intervals is no longer listed as a worker (default 10s)
 */
public record SchedulerConfig(Integer threads, Integer taskHistory, Duration heartbeatInterval) {
  public SchedulerConfig {
    threads = threads != null ? threads : 2;
    taskHistory = taskHistory != null ? taskHistory : 1000;
    heartbeatInterval = heartbeatInterval != null ? heartbeatInterval : Duration.ofSeconds(10);
  }
}
