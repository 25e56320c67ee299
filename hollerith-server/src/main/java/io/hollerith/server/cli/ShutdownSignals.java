package io.hollerith.server.cli;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling for {@code serve}: the first signal starts a graceful shutdown (stop
 * listeners, drain buffers, final flush to every sink) on its own thread; a second signal exits at
 * once with status 130, for an operator who does not want to wait.
 *
 * <p>The JVM's own shutdown hooks cannot do the second part: once a shutdown is under way, another
 * signal just waits for it. {@code sun.misc.Signal} (module {@code jdk.unsupported}) is the
 * supported way to take the signals over.
 */
final class ShutdownSignals {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

  private ShutdownSignals() {}

  /** Routes SIGTERM and SIGINT to {@code gracefulStop} (first) and an immediate exit (second). */
  static void install(Runnable gracefulStop) {
    AtomicInteger received = new AtomicInteger();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        if (received.incrementAndGet() == 1) {
          LOG.info("SIG{} received: shutting down gracefully (send it again to exit at once)", signal.getName());
          Thread stopper = new Thread(gracefulStop, "hollerith-shutdown");
          stopper.start();
        } else {
          LOG.warn("SIG{} received again: exiting now without a final flush", signal.getName());
          Runtime.getRuntime().halt(130);
        }
      });
    }
  }
}
