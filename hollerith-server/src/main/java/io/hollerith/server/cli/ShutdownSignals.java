package io.hollerith.server.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT handling for {@code serve}: the first signal starts a graceful shutdown (stop
 * listeners, drain buffers, final flush to every sink) on its own thread; a second signal exits at
 * once with status 130, for an operator who does not want to wait.
 *
 * <p>The JVM's own shutdown hooks cannot do the second part: once a shutdown is under way, another
 * signal just waits for it. {@code sun.misc.Signal} (module {@code jdk.unsupported}) is the
 * supported way to take the signals over. It is reached by name, once per signal, because javac
 * warns on every source reference to it and no annotation silences that warning.
 */
final class ShutdownSignals {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

  private ShutdownSignals() {}

  /** Routes SIGTERM and SIGINT to {@code gracefulStop} (first) and an immediate exit (second). */
  static void install(Runnable gracefulStop) {
    AtomicInteger received = new AtomicInteger();
    for (String name : new String[] {"TERM", "INT"}) {
      handle(
          name,
          () -> {
            if (received.incrementAndGet() == 1) {
              LOG.info(
                  "SIG{} received: shutting down gracefully (send it again to exit at once)", name);
              Thread stopper = new Thread(gracefulStop, "hollerith-shutdown");
              stopper.start();
            } else {
              LOG.warn("SIG{} received again: exiting now without a final flush", name);
              Runtime.getRuntime().halt(130);
            }
          });
    }
  }

  /**
   * {@code Signal.handle(new Signal(name), signal -> onSignal.run())}.
   *
   * @throws IllegalArgumentException when the JVM does not let the signal be handled
   */
  private static void handle(String name, Runnable onSignal) {
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object signal = signalType.getConstructor(String.class).newInstance(name);
      InvocationHandler calls =
          (proxy, method, args) ->
              switch (method.getName()) {
                case "handle" -> {
                  onSignal.run();
                  yield null;
                }
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "SIG" + name + " handler";
              };
      Object handler =
          Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType}, calls);
      signalType.getMethod("handle", signalType, handlerType).invoke(null, signal, handler);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(
          "cannot handle SIG" + name + ": " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot handle SIG" + name + ": " + e, e);
    }
  }
}
