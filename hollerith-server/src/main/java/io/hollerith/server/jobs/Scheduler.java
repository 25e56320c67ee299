package io.hollerith.server.jobs;

import io.hollerith.server.stats.StatsRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs named jobs on their schedules, each run a {@link Task}.
 *
 * <p>Every job always has one {@code scheduled} task: its next run. When it is due ({@link
 * #tick()}, called by the driver thread, or by tests that step the injected clock) it becomes
 * {@code waiting} and goes to the pool of job threads, where it runs ({@code running}) and ends
 * {@code succeeded} or {@code failed}. A task due while the job's previous one still waits or runs
 * is {@code skipped} and counted ({@code jobs.tasks_skipped}): runs never pile up. A revoke stops a
 * scheduled or waiting task from starting and interrupts a running one, which then ends {@code
 * revoked}.
 *
 * <p>The newest {@code historyLimit} tasks are kept in memory and, when a {@link TaskStore} is
 * given, in the store (written in order by one thread, {@code hollerith-task-store}, so a slow
 * store never holds up a run); {@link #restore()} reloads them after a restart, closing what the
 * previous process left open: a scheduled task becomes {@code revoked}, a waiting or running one
 * {@code failed}.
 *
 * <p>Thread-safe: one lock guards the schedule and the history; programs run outside it.
 */
public final class Scheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  /** Output kept per task; longer output is cut and marked. */
  static final int MAX_OUTPUT_CHARS = 64 * 1024;

  /** Entries of revoked tasks the due-time heap may hold before it is compacted. */
  private static final int HEAP_SLACK = 64;

  /** The longest the driver sleeps between checks, so a stepped or jumping clock is noticed. */
  private static final long MAX_SLEEP_MILLIS = 1_000;

  private record Due(Instant at, String taskId) {}

  private final String nodeId;
  private final Clock clock;
  private final TaskStore store;
  private final int historyLimit;
  private final ExecutorService jobThreads;
  private final ExecutorService storeWriter;
  private final Thread driver;

  private final Object lock = new Object();

  /** Guarded by lock. */
  private final Map<String, Job> jobs = new LinkedHashMap<>();

  /**
   * Due times of scheduled tasks; a revoked task's entry stays until it comes up. Guarded by lock.
   */
  private final PriorityQueue<Due> heap = new PriorityQueue<>(Comparator.comparing(Due::at));

  /** Every task held, oldest first, by id. Guarded by lock. */
  private final LinkedHashMap<String, Task> history = new LinkedHashMap<>();

  /** The waiting or running task of each job. Guarded by lock. */
  private final Map<String, String> activeByJob = new HashMap<>();

  private final Map<String, Future<?>> futures = new HashMap<>();
  private final Set<String> revokeRequested = new HashSet<>();
  private boolean closed;

  private final StatsRegistry.Counter started;
  private final StatsRegistry.Counter succeeded;
  private final StatsRegistry.Counter failed;
  private final StatsRegistry.Counter revoked;
  private final StatsRegistry.Counter skipped;
  private final StatsRegistry.Counter storeFailures;

  /**
   * @param nodeId the node whose tasks these are
   * @param clock decides when tasks are due and stamps their times
   * @param store where the history is kept, or null to keep it in memory only
   * @param historyLimit tasks kept (in memory and in the store)
   * @param threads job threads: how many programs may run at once
   */
  public Scheduler(
      String nodeId,
      Clock clock,
      TaskStore store,
      int historyLimit,
      int threads,
      StatsRegistry stats) {
    if (historyLimit < 1 || threads < 1) {
      throw new IllegalArgumentException(
          "historyLimit and threads must be at least 1, got " + historyLimit + " and " + threads);
    }
    this.nodeId = nodeId;
    this.clock = clock;
    this.store = store;
    this.historyLimit = historyLimit;
    AtomicInteger n = new AtomicInteger();
    this.jobThreads =
        Executors.newFixedThreadPool(
            threads, r -> daemon(r, "hollerith-job-" + n.incrementAndGet()));
    this.storeWriter = Executors.newSingleThreadExecutor(r -> daemon(r, "hollerith-task-store"));
    this.driver = daemon(this::drive, "hollerith-scheduler");
    started = stats.counter("jobs", "tasks_started", "Job runs started");
    succeeded = stats.counter("jobs", "tasks_succeeded", "Job runs that succeeded");
    failed = stats.counter("jobs", "tasks_failed", "Job runs that failed");
    revoked = stats.counter("jobs", "tasks_revoked", "Job runs revoked before or while running");
    skipped =
        stats.counter(
            "jobs", "tasks_skipped", "Job runs skipped because the previous run was still going");
    storeFailures =
        stats.counter("jobs", "task_store_failures", "Task records the store failed to keep");
    stats.gauge(
        "jobs", "scheduled", "Tasks waiting for their due time", () -> count(TaskState.SCHEDULED));
    stats.gauge(
        "jobs", "waiting", "Due tasks waiting for a job thread", () -> count(TaskState.WAITING));
    stats.gauge("jobs", "running", "Tasks running", () -> count(TaskState.RUNNING));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Reloads this node's history from the store and closes the tasks a stopped process left open.
   * Call before {@link #add} and {@link #start()}.
   */
  public void restore() {
    if (store == null) {
      return;
    }
    List<Task> loaded = store.recent(nodeId, historyLimit);
    Instant now = clock.instant();
    synchronized (lock) {
      for (Task t : loaded) {
        Task closedTask =
            switch (t.state()) {
              case SCHEDULED ->
                  t.with(TaskState.REVOKED, now, null, "the node stopped before the task was due");
              case WAITING, RUNNING ->
                  t.with(TaskState.FAILED, now, null, "the node stopped while the task ran");
              default -> t;
            };
        history.put(t.id(), closedTask);
        if (closedTask.state() != t.state()) {
          persist(closedTask);
        }
      }
    }
  }

  /**
   * Adds a job and schedules its first run.
   *
   * @throws IllegalArgumentException if a job with this id exists
   */
  public void add(Job job) {
    synchronized (lock) {
      if (jobs.putIfAbsent(job.id(), job) != null) {
        throw new IllegalArgumentException("duplicate job id '" + job.id() + "'");
      }
      scheduleNext(job, clock.instant());
      lock.notifyAll();
    }
  }

  /** Starts the driver thread, which runs {@link #tick()} whenever a task falls due. */
  public void start() {
    driver.start();
  }

  /**
   * Starts every task that is due by the clock: a scheduled task whose job has a run in progress is
   * skipped instead. Each due job gets its next task.
   */
  public void tick() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      Instant now = clock.instant();
      while (!heap.isEmpty() && !heap.peek().at().isAfter(now)) {
        Task task = history.get(heap.poll().taskId());
        if (task == null || task.state() != TaskState.SCHEDULED) {
          continue;
        }
        Job job = jobs.get(task.jobId());
        String active = activeByJob.get(job.id());
        if (active != null) {
          update(
              task.with(
                  TaskState.SKIPPED,
                  now,
                  null,
                  "the previous run "
                      + active
                      + " was still "
                      + history.get(active).state().label()));
          skipped.incr();
        } else {
          update(task.with(TaskState.WAITING, now, null, null));
          activeByJob.put(job.id(), task.id());
          futures.put(task.id(), jobThreads.submit(() -> execute(task.id(), job)));
        }
        scheduleNext(job, now);
      }
    }
  }

  private void scheduleNext(Job job, Instant after) {
    Instant due = job.schedule().next(after);
    Task task =
        new Task(
            UUID.randomUUID().toString(),
            nodeId,
            job.id(),
            TaskState.SCHEDULED,
            due,
            null,
            null,
            null,
            null);
    update(task);
    heap.add(new Due(due, task.id()));
  }

  private void execute(String taskId, Job job) {
    Task task;
    synchronized (lock) {
      task = history.get(taskId);
      if (task == null || task.state() != TaskState.WAITING || closed) {
        return;
      }
      task = task.with(TaskState.RUNNING, clock.instant(), null, null);
      update(task);
      started.incr();
    }
    TaskState end;
    String output = null;
    String error = null;
    try {
      output =
          cut(
              job.program()
                  .run(new RunContext(taskId, job.id(), task.scheduledAt(), job.params())));
      end = TaskState.SUCCEEDED;
    } catch (InterruptedException e) {
      end = TaskState.FAILED;
      error = "interrupted";
    } catch (Exception e) {
      end = TaskState.FAILED;
      error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    } catch (Error e) {
      end = TaskState.FAILED;
      error = e.toString();
      LOG.error("job {} task {} failed with an error", job.id(), taskId, e);
    }
    Thread.interrupted();
    synchronized (lock) {
      if (revokeRequested.remove(taskId)) {
        end = TaskState.REVOKED;
        error = "revoked while running";
      } else if (closed && end == TaskState.FAILED) {
        error = "the node stopped while the task ran";
      }
      update(history.getOrDefault(taskId, task).with(end, clock.instant(), output, error));
      (end == TaskState.SUCCEEDED ? succeeded : end == TaskState.REVOKED ? revoked : failed).incr();
      activeByJob.remove(job.id());
      futures.remove(taskId);
    }
    if (end == TaskState.FAILED) {
      LOG.warn("job {} task {} failed: {}", job.id(), taskId, error);
    }
  }

  private static String cut(String output) {
    if (output == null || output.length() <= MAX_OUTPUT_CHARS) {
      return output;
    }
    return output.substring(0, MAX_OUTPUT_CHARS) + "… (cut at " + MAX_OUTPUT_CHARS + " characters)";
  }

  /**
   * Revokes a task: a scheduled or waiting one never starts (and its job is scheduled again), a
   * running one is interrupted and ends {@code revoked} when its program returns.
   *
   * @return the task after the revoke (still {@code running} while an interrupted program ends), or
   *     empty if this node holds no such task
   * @throws IllegalStateException if the task has already ended
   */
  public Optional<Task> revoke(String taskId) {
    synchronized (lock) {
      Task task = history.get(taskId);
      if (task == null) {
        return Optional.empty();
      }
      Instant now = clock.instant();
      switch (task.state()) {
        case SCHEDULED -> {
          task = update(task.with(TaskState.REVOKED, now, null, "revoked before it was due"));
          revoked.incr();
          Job job = jobs.get(task.jobId());
          if (job != null && !closed) {
            scheduleNext(job, task.scheduledAt().isAfter(now) ? task.scheduledAt() : now);
          }
          compactHeap();
          lock.notifyAll();
        }
        case WAITING -> {
          task = update(task.with(TaskState.REVOKED, now, null, "revoked before it started"));
          revoked.incr();
          Future<?> f = futures.remove(taskId);
          if (f != null) {
            f.cancel(false);
          }
          activeByJob.remove(task.jobId());
        }
        case RUNNING -> {
          if (revokeRequested.add(taskId)) {
            Future<?> f = futures.get(taskId);
            if (f != null) {
              f.cancel(true);
            }
          }
        }
        default ->
            throw new IllegalStateException(
                "task " + taskId + " has already ended: " + task.state().label());
      }
      return Optional.of(task);
    }
  }

  /**
   * Drops the entries of revoked tasks once they outnumber the live ones by {@value #HEAP_SLACK},
   * so repeated revokes cannot grow the heap without bound.
   */
  private void compactHeap() {
    if (heap.size() > jobs.size() + HEAP_SLACK) {
      heap.removeIf(
          d -> {
            Task t = history.get(d.taskId());
            return t == null || t.state() != TaskState.SCHEDULED;
          });
    }
  }

  /** The task with this id held by this node. */
  public Optional<Task> find(String taskId) {
    synchronized (lock) {
      return Optional.ofNullable(history.get(taskId));
    }
  }

  /**
   * Tasks held by this node, newest due time first.
   *
   * @param jobId only this job's, or null for all
   * @param state only in this state, or null for all
   * @param limit at most this many
   */
  public List<Task> tasks(String jobId, TaskState state, int limit) {
    List<Task> out = new ArrayList<>();
    synchronized (lock) {
      for (Task t : history.values()) {
        if ((jobId == null || jobId.equals(t.jobId())) && (state == null || state == t.state())) {
          out.add(t);
        }
      }
    }
    out.sort(Comparator.comparing(Task::scheduledAt).reversed());
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  /** How many held tasks are in {@code state}. */
  public int count(TaskState state) {
    synchronized (lock) {
      int n = 0;
      for (Task t : history.values()) {
        n += t.state() == state ? 1 : 0;
      }
      return n;
    }
  }

  /** Entries of the due-time heap, including those of revoked tasks not yet due. */
  public int heapSize() {
    synchronized (lock) {
      return heap.size();
    }
  }

  /** Tasks held in memory. */
  public int historySize() {
    synchronized (lock) {
      return history.size();
    }
  }

  /**
   * Records the task's new state, persists it, and forgets the oldest ended tasks beyond the limit.
   */
  private Task update(Task task) {
    history.put(task.id(), task);
    persist(task);
    Iterator<Task> oldest = history.values().iterator();
    int excess = history.size() - historyLimit;
    while (excess > 0 && oldest.hasNext()) {
      if (oldest.next().state().isFinal()) {
        oldest.remove();
        excess--;
      }
    }
    return task;
  }

  private void persist(Task task) {
    if (store == null) {
      return;
    }
    storeWriter.execute(
        () -> {
          try {
            store.save(task);
            if (task.state().isFinal()) {
              store.prune(nodeId, historyLimit);
            }
          } catch (RuntimeException e) {
            storeFailures.incr();
            LOG.warn(
                "could not keep task {} of job {} in the store: {}",
                task.id(),
                task.jobId(),
                e.getMessage());
          }
        });
  }

  private void drive() {
    while (true) {
      try {
        tick();
        synchronized (lock) {
          if (closed) {
            return;
          }
          long wait =
              heap.isEmpty() ? MAX_SLEEP_MILLIS : heap.peek().at().toEpochMilli() - clock.millis();
          lock.wait(Math.max(1, Math.min(MAX_SLEEP_MILLIS, wait)));
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("the scheduler failed to start due tasks; trying again", e);
      }
    }
  }

  /**
   * Stops: no task starts any more, running ones are interrupted (and end {@code failed}, since the
   * node stopped them), scheduled ones end {@code revoked}, and the store receives the final
   * states. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      Instant now = clock.instant();
      for (Task t : List.copyOf(history.values())) {
        if (t.state() == TaskState.SCHEDULED || t.state() == TaskState.WAITING) {
          update(t.with(TaskState.REVOKED, now, null, "the node stopped before the task started"));
        }
      }
      lock.notifyAll();
    }
    driver.interrupt();
    jobThreads.shutdownNow();
    await(jobThreads);
    storeWriter.shutdown();
    await(storeWriter);
  }

  private static void await(ExecutorService executor) {
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("job threads did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
