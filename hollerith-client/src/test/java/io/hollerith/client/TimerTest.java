package io.hollerith.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Timer semantics and errors as pystatsd's, with a stepped clock and a real UDP listener. */
class TimerTest {

  private UdpCapture udp;
  private StatsClient client;

  /** A manual monotonic clock in nanoseconds. */
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void setUp() throws IOException {
    udp = new UdpCapture();
    client =
        StatsClient.builder()
            .host("127.0.0.1")
            .port(udp.port())
            .nanoClock(now::get)
            .random(() -> -1)
            .build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    udp.close();
  }

  private void advanceMillis(double ms) {
    now.addAndGet(Math.round(ms * 1_000_000));
  }

  @Test
  void tryWithResourcesTimesTheBlock() throws IOException {
    try (Timer t = client.timer("foo").start()) {
      assertThat(t.ms()).isEmpty();
      advanceMillis(12.5);
    }
    assertThat(udp.receive()).isEqualTo("foo:12.500000|ms");
  }

  @Test
  void blockThatThrowsIsTimedAndTheExceptionPropagates() throws IOException {
    assertThatThrownBy(
            () -> {
              try (Timer t = client.timer("foo").start()) {
                assertThat(t.stat()).isEqualTo("foo");
                advanceMillis(3);
                throw new IllegalArgumentException("boom");
              }
            })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("boom");
    assertThat(udp.receive()).isEqualTo("foo:3.000000|ms");
  }

  @Test
  void stopBeforeStartIsAnError() throws IOException {
    Timer t = client.timer("foo");
    assertThatThrownBy(t::stop)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Timer has not started.");
    assertThatThrownBy(t::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Timer has not started.");
    udp.assertNothingMore();
  }

  @Test
  void sendWithoutDataAndSendTwiceAreErrors() throws IOException {
    Timer t = client.timer("foo");
    assertThatThrownBy(t::send)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("No data recorded.");
    t.start();
    assertThatThrownBy(t::send)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("No data recorded.");
    advanceMillis(1);
    t.stop();
    assertThat(udp.receive()).isEqualTo("foo:1.000000|ms");
    assertThatThrownBy(t::send)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Already sent data.");
    udp.assertNothingMore();
  }

  @Test
  void stopWithoutSendThenSend() throws IOException {
    Timer t = client.timer("foo").start();
    advanceMillis(7.25);
    assertThat(t.stop(false)).isSameAs(t);
    assertThat(t.ms()).hasValue(7.25);
    udp.assertNothingMore();
    t.send();
    assertThat(udp.receive()).isEqualTo("foo:7.250000|ms");
  }

  @Test
  void reusableByStartingAgain() throws IOException {
    Timer t = client.timer("foo", 0.5);
    t.start();
    advanceMillis(1);
    t.stop();
    t.start();
    assertThat(t.ms()).as("start forgets the last result").isEmpty();
    advanceMillis(2);
    t.stop();
    assertThat(udp.receive(2)).containsExactly("foo:1.000000|ms|@0.5", "foo:2.000000|ms|@0.5");
  }

  @Test
  void stopTwiceMeasuresFromTheSameStartButSendsOnce() throws IOException {
    Timer t = client.timer("foo").start();
    advanceMillis(1);
    t.stop();
    advanceMillis(1);
    assertThatThrownBy(t::stop)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Already sent data.");
    assertThat(t.ms()).hasValue(2.0);
    assertThat(udp.receive()).isEqualTo("foo:1.000000|ms");
    udp.assertNothingMore();
  }

  @Test
  void wrapsRunnableCallableAndSupplier() throws Exception {
    Timer t = client.timer("fn");
    Runnable r = t.wrap(() -> advanceMillis(1));
    Callable<String> c =
        t.wrapCallable(
            () -> {
              advanceMillis(2);
              return "called";
            });
    Supplier<Integer> s =
        t.wrapSupplier(
            () -> {
              advanceMillis(3);
              return 42;
            });
    r.run();
    assertThat(c.call()).isEqualTo("called");
    assertThat(s.get()).isEqualTo(42);
    assertThat(udp.receive(3))
        .containsExactly("fn:1.000000|ms", "fn:2.000000|ms", "fn:3.000000|ms");
    assertThat(t.ms()).as("the decorator keeps no state").isEmpty();
  }

  @Test
  void wrappedFunctionThatThrowsIsTimed() throws IOException {
    Callable<String> c =
        client
            .timer("fn")
            .wrapCallable(
                () -> {
                  advanceMillis(4);
                  throw new IOException("disk");
                });
    assertThatThrownBy(c::call).isInstanceOf(IOException.class).hasMessage("disk");
    assertThat(udp.receive()).isEqualTo("fn:4.000000|ms");
  }

  @Test
  void decoratorIsThreadSafe() throws Exception {
    Runnable timed = client.timer("par").wrap(() -> {});
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        fs.add(pool.submit(timed));
      }
      for (Future<?> f : fs) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
    assertThat(udp.receive(200)).allMatch(line -> line.equals("par:0.000000|ms"));
    udp.assertNothingMore();
  }

  @Test
  void timerInAPipelineSendsWithThePipeline() throws IOException {
    try (Pipeline pipe = client.pipeline()) {
      Timer t = pipe.timer("foo").start();
      advanceMillis(5);
      t.stop();
      pipe.incr("bar");
      udp.assertNothingMore();
    }
    assertThat(udp.receive()).isEqualTo("foo:5.000000|ms\nbar:1|c");
  }

  @Test
  void usesTheRealMonotonicClockByDefault() throws Exception {
    try (StatsClient real = new StatsClient("127.0.0.1", udp.port())) {
      Timer t = real.timer("sleep").start();
      Thread.sleep(20);
      t.stop();
      assertThat(t.ms().getAsDouble()).isBetween(19.0, 5_000.0);
      assertThat(udp.receive()).matches("sleep:\\d+\\.\\d{6}\\|ms");
    }
  }
}
