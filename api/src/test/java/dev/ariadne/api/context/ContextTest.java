package dev.ariadne.api.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContextTest {
  static final ContextKey<String> KEY = ContextKey.named("key");
  static final ContextKey<String> OTHER = ContextKey.named("other");

  final Context a = Context.root().with(KEY, "a");
  final Context b = Context.root().with(KEY, "b");

  @AfterEach
  void nothingLeaksIntoTheNextTest() {
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void getReturnsWhatWithStored() {
    Context context = Context.root().with(KEY, "value").with(OTHER, "other");

    assertThat(context.get(KEY)).isEqualTo("value");
    assertThat(context.get(OTHER)).isEqualTo("other");
    assertThat(Context.root().get(KEY)).isNull();
  }

  @Test
  void withLeavesTheOriginalContextUnchanged() {
    Context original = Context.root().with(KEY, "original");

    Context replaced = original.with(KEY, "replaced");
    Context extended = original.with(OTHER, "added");

    assertThat(original.get(KEY)).isEqualTo("original");
    assertThat(original.get(OTHER)).isNull();
    assertThat(replaced.get(KEY)).isEqualTo("replaced");
    assertThat(extended.get(KEY)).isEqualTo("original");
    assertThat(extended.get(OTHER)).isEqualTo("added");
    assertThat(Context.root().get(KEY)).isNull();
  }

  @Test
  void replacingAnyEntryKeepsTheOthersAndTheOriginal() {
    ContextKey<String> third = ContextKey.named("third");
    Context original = Context.root().with(KEY, "a").with(OTHER, "b").with(third, "c");

    Context second = original.with(OTHER, "B");
    Context last = original.with(third, "C");

    assertThat(List.of(second.get(KEY), second.get(OTHER), second.get(third)))
        .containsExactly("a", "B", "c");
    assertThat(List.of(last.get(KEY), last.get(OTHER), last.get(third)))
        .containsExactly("a", "b", "C");
    assertThat(List.of(original.get(KEY), original.get(OTHER), original.get(third)))
        .containsExactly("a", "b", "c");
    assertThat(original.with(OTHER, "b")).isSameAs(original);
    assertThat(original).hasToString("Context{key=a, other=b, third=c}");
  }

  @Test
  void keysCompareByIdentityNotByName() {
    ContextKey<String> sameName = ContextKey.named("key");

    Context context = Context.root().with(KEY, "value");

    assertThat(context.get(sameName)).isNull();
  }

  @Test
  void withRejectsANullKey() {
    assertThatThrownBy(() -> Context.root().with(null, "v"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
  }

  @Test
  void rootIsCurrentWhenNothingWasMadeCurrent() {
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void closingTheScopeRestoresThePreviousContext() {
    Scope scope = a.makeCurrent();
    assertThat(Context.current()).isSameAs(a);

    scope.close();

    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void nestedScopesRestoreInReverseOrder() {
    try (Scope outer = a.makeCurrent()) {
      try (Scope inner = b.makeCurrent()) {
        assertThat(Context.current()).isSameAs(b);
      }
      assertThat(Context.current()).isSameAs(a);
    }
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void closingTwiceIsHarmless() {
    try (Scope outer = a.makeCurrent()) {
      Scope inner = b.makeCurrent();
      inner.close();
      inner.close();

      assertThat(Context.current()).isSameAs(a);
    }
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void closingAnOldScopeAgainDoesNotDisturbALaterOne() {
    Scope first = a.makeCurrent();
    first.close();

    try (Scope second = b.makeCurrent()) {
      first.close();

      assertThat(Context.current()).isSameAs(b);
    }
  }

  @Test
  void makingTheCurrentContextCurrentAgainChangesNothing() {
    try (Scope outer = a.makeCurrent()) {
      Scope again = a.makeCurrent();
      again.close();

      assertThat(again).isSameAs(Scope.noop());
      assertThat(Context.current()).isSameAs(a);
    }
  }

  @Test
  void outOfOrderCloseKeepsCurrentContextConsistent() {
    Scope scopeA = a.makeCurrent();
    Scope scopeB = b.makeCurrent();

    scopeA.close();
    assertThat(Context.current()).isSameAs(b);

    scopeB.close();
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void outOfOrderCloseUnwindsPastEveryClosedScope() {
    Context c = Context.root().with(KEY, "c");
    Scope scopeA = a.makeCurrent();
    Scope scopeB = b.makeCurrent();
    Scope scopeC = c.makeCurrent();

    scopeB.close();
    assertThat(Context.current()).isSameAs(c);

    scopeC.close();
    assertThat(Context.current()).isSameAs(a);

    scopeA.close();
  }

  @Test
  void outOfOrderCloseIsReported() {
    Scope scopeA = a.makeCurrent();
    Scope scopeB = b.makeCurrent();

    scopeA.close();
    scopeB.close();

    assertThat(ScopeStack.reportedForTest()).isTrue();
  }

  /** Closes {@code scope} on a new thread, waits for it, and returns what was current there. */
  private static Context closeOnAnotherThread(Scope scope) throws InterruptedException {
    Context[] currentThere = new Context[1];
    Thread other =
        new Thread(
            () -> {
              scope.close();
              currentThere[0] = Context.current();
            });
    other.start();
    other.join();
    return currentThere[0];
  }

  @Test
  void closeOnAnotherThreadEndsTheScopeOnTheThreadThatOpenedIt() throws Exception {
    Scope scopeA = a.makeCurrent();

    Context otherThreadAfterClose = closeOnAnotherThread(scopeA);

    assertThat(otherThreadAfterClose).isSameAs(Context.root());
    assertThat(Context.current()).isSameAs(Context.root());
    assertThat(ScopeStack.reportedForTest()).isTrue();
    scopeA.close();
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void closeOnAnotherThreadOfTheNewestScopeMakesTheOneBeforeCurrent() throws Exception {
    Scope scopeA = a.makeCurrent();
    Scope scopeB = b.makeCurrent();

    closeOnAnotherThread(scopeB);

    assertThat(Context.current()).isSameAs(a);
    scopeA.close();
  }

  @Test
  void closingAgainOnItsOwnThreadAScopeClosedElsewhereIsHarmless() throws Exception {
    Scope scopeA = a.makeCurrent();
    Scope scopeB = b.makeCurrent();

    closeOnAnotherThread(scopeB);
    scopeB.close(); // before anything read the current context here

    assertThat(Context.current()).isSameAs(a);
    scopeA.close();
  }

  @Test
  void closeOnAnotherThreadOfAnOlderScopeLeavesTheNewerOneCurrent() throws Exception {
    Scope scopeA = a.makeCurrent();
    Scope scopeB = b.makeCurrent();

    closeOnAnotherThread(scopeA);

    assertThat(Context.current()).isSameAs(b);
    scopeB.close();
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void wrappedRunnableRunsWithTheContextOnAnotherThread() throws Exception {
    String[] seen = new String[1];
    Runnable task = () -> seen[0] = Context.current().get(KEY);
    Thread thread = new Thread(a.wrap(task));

    thread.start();
    thread.join(10_000);

    assertThat(seen[0]).isEqualTo("a");
  }

  @Test
  void wrappedCallableRunsWithTheContextOnAnotherThread() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Callable<String> task = a.wrap(() -> Context.current().get(KEY));

      assertThat(executor.submit(task).get(10, TimeUnit.SECONDS)).isEqualTo("a");
      assertThat(executor.submit(() -> Context.current()).get(10, TimeUnit.SECONDS))
          .as("the worker's context is restored after the task")
          .isSameAs(Context.root());
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void wrappedTaskRestoresTheCallersContextWhenItThrows() {
    Runnable failing =
        a.wrap(
            (Runnable)
                () -> {
                  throw new IllegalStateException("boom");
                });

    assertThatThrownBy(failing::run).isInstanceOf(IllegalStateException.class);
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void aScopeAWrappedTaskLeavesOpenEndsWithTheTask() throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      ExecutorService executor = Context.taskWrapping(thread);
      try (Scope submitTime = a.makeCurrent()) {
        executor.submit(() -> b.makeCurrent()).get(10, TimeUnit.SECONDS);
        Future<?> failing =
            executor.submit(
                () -> {
                  b.makeCurrent();
                  throw new IllegalStateException("boom");
                });
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(IllegalStateException.class);
      }

      assertThat(thread.submit(() -> Context.current()).get(10, TimeUnit.SECONDS))
          .as("what the thread's next, unwrapped, task sees")
          .isSameAs(Context.root());
      assertThat(ScopeStack.leakReportedForTest()).isTrue();
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void taskWrappingExecutorUsesTheContextCurrentAtSubmitTime() throws Exception {
    ExecutorService delegate = Executors.newSingleThreadExecutor();
    try {
      Executor executor;
      try (Scope wrapTime = a.makeCurrent()) {
        executor = Context.taskWrapping((Executor) delegate);
      }

      CompletableFuture<String> atSubmit = new CompletableFuture<>();
      try (Scope submitTime = b.makeCurrent()) {
        executor.execute(() -> atSubmit.complete(Context.current().get(KEY)));
      }
      CompletableFuture<String> withNothingCurrent = new CompletableFuture<>();
      executor.execute(() -> withNothingCurrent.complete(Context.current().get(KEY)));

      assertThat(atSubmit.get(10, TimeUnit.SECONDS)).isEqualTo("b");
      assertThat(withNothingCurrent.get(10, TimeUnit.SECONDS)).isNull();
    } finally {
      delegate.shutdownNow();
    }
  }

  @Test
  void taskWrappingExecutorServiceUsesTheContextCurrentAtSubmitTime() throws Exception {
    ExecutorService delegate = Executors.newSingleThreadExecutor();
    ExecutorService executor;
    try (Scope wrapTime = a.makeCurrent()) {
      executor = Context.taskWrapping(delegate);
    }
    try {
      CompletableFuture<String> executed = new CompletableFuture<>();
      CompletableFuture<String> submittedRunnable = new CompletableFuture<>();
      CompletableFuture<String> submittedWithResult = new CompletableFuture<>();
      Future<String> submittedCallable;
      Future<String> result;
      try (Scope submitTime = b.makeCurrent()) {
        executor.execute(() -> executed.complete(Context.current().get(KEY)));
        executor.submit(
            () -> {
              submittedRunnable.complete(Context.current().get(KEY));
            });
        result =
            executor.submit(
                () -> {
                  submittedWithResult.complete(Context.current().get(KEY));
                },
                "result");
        submittedCallable = executor.submit(() -> Context.current().get(KEY));
      }
      Future<String> afterScope =
          executor.submit(() -> Context.current().get(KEY));

      assertThat(executed.get(10, TimeUnit.SECONDS)).isEqualTo("b");
      assertThat(submittedRunnable.get(10, TimeUnit.SECONDS)).isEqualTo("b");
      assertThat(submittedWithResult.get(10, TimeUnit.SECONDS)).isEqualTo("b");
      assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("result");
      assertThat(submittedCallable.get(10, TimeUnit.SECONDS)).isEqualTo("b");
      assertThat(afterScope.get(10, TimeUnit.SECONDS)).isNull();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void invokeAllRunsEveryTaskWithTheSubmittersContext() throws Exception {
    ExecutorService executor = Context.taskWrapping(Executors.newFixedThreadPool(2));
    try {
      List<Callable<String>> tasks =
          List.of(() -> Context.current().get(KEY), () -> Context.current().get(KEY));
      List<Future<String>> futures;
      List<Future<String>> timedFutures;
      try (Scope scope = b.makeCurrent()) {
        futures = executor.invokeAll(tasks);
        timedFutures = executor.invokeAll(tasks, 10, TimeUnit.SECONDS);
      }

      for (Future<String> future : futures) {
        assertThat(future.get()).isEqualTo("b");
      }
      for (Future<String> future : timedFutures) {
        assertThat(future.get()).isEqualTo("b");
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void invokeAnyRunsTheTaskWithTheSubmittersContext() throws Exception {
    ExecutorService executor = Context.taskWrapping(Executors.newSingleThreadExecutor());
    try {
      List<Callable<String>> tasks = List.of(() -> Context.current().get(KEY));
      String result;
      String timedResult;
      try (Scope scope = b.makeCurrent()) {
        result = executor.invokeAny(tasks);
        timedResult = executor.invokeAny(tasks, 10, TimeUnit.SECONDS);
      }

      assertThat(result).isEqualTo("b");
      assertThat(timedResult).isEqualTo("b");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void taskWrappingExecutorServicePassesShutdownThrough() throws Exception {
    ExecutorService delegate = Executors.newSingleThreadExecutor();
    ExecutorService executor = Context.taskWrapping(delegate);

    executor.shutdown();

    assertThat(delegate.isShutdown()).isTrue();
    assertThat(executor.isShutdown()).isTrue();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.isTerminated()).isTrue();
  }

  @Test
  void taskWrappingScheduledExecutorServiceSchedulesWithTheContextCurrentAtScheduleTime()
      throws Exception {
    ScheduledThreadPoolExecutor delegate = new ScheduledThreadPoolExecutor(1);
    ScheduledExecutorService executor;
    try (Scope wrapTime = a.makeCurrent()) {
      executor = Context.taskWrapping(delegate);
    }
    try {
      CompletableFuture<String> scheduledRunnable = new CompletableFuture<>();
      ScheduledFuture<?> runnableResult;
      ScheduledFuture<String> scheduledCallable;
      Future<String> submitted;
      try (Scope scheduleTime = b.makeCurrent()) {
        runnableResult =
            executor.schedule(
                () -> {
                  scheduledRunnable.complete(Context.current().get(KEY));
                },
                10,
                TimeUnit.MILLISECONDS);
        scheduledCallable =
            executor.schedule(() -> Context.current().get(KEY), 10, TimeUnit.MILLISECONDS);
        submitted = executor.submit(() -> Context.current().get(KEY));
      }
      ScheduledFuture<String> afterScope =
          executor.schedule(() -> Context.current().get(KEY), 10, TimeUnit.MILLISECONDS);

      assertThat(scheduledRunnable.get(10, TimeUnit.SECONDS)).isEqualTo("b");
      assertThat(runnableResult.get(10, TimeUnit.SECONDS)).isNull();
      assertThat(scheduledCallable.get(10, TimeUnit.SECONDS)).isEqualTo("b");
      assertThat(submitted.get(10, TimeUnit.SECONDS)).isEqualTo("b");
      assertThat(afterScope.get(10, TimeUnit.SECONDS)).isNull();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void eachRunOfAPeriodicTaskRunsInTheContextCapturedAtSchedulingUntilCancelled()
      throws Exception {
    ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1);
    ScheduledExecutorService executor = Context.taskWrapping(thread);
    try {
      for (boolean fixedRate : new boolean[] {true, false}) {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        CountDownLatch threeRuns = new CountDownLatch(3);
        Runnable leaksAScopeEachRun =
            () -> {
              seen.add(String.valueOf(Context.current().get(KEY)));
              b.makeCurrent();
              threeRuns.countDown();
            };
        ScheduledFuture<?> periodic;
        try (Scope scheduleTime = a.makeCurrent()) {
          periodic =
              fixedRate
                  ? executor.scheduleAtFixedRate(leaksAScopeEachRun, 0, 5, TimeUnit.MILLISECONDS)
                  : executor.scheduleWithFixedDelay(
                      leaksAScopeEachRun, 0, 5, TimeUnit.MILLISECONDS);
        }
        assertThat(threeRuns.await(10, TimeUnit.SECONDS)).isTrue();
        periodic.cancel(false);
        // The pool has one thread: once a later task has run, a cancelled periodic task that was
        // still going would have run again by then (its period is a tenth of the wait).
        executor.schedule(() -> {}, 50, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
        int runs = seen.size();
        executor.schedule(() -> {}, 50, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);

        assertThat(seen).hasSize(runs).containsOnly("a");
        assertThat(periodic.isCancelled()).isTrue();
        assertThatThrownBy(periodic::get).isInstanceOf(CancellationException.class);
        assertThat(thread.submit(() -> Context.current()).get(10, TimeUnit.SECONDS))
            .as("what the thread's next, unwrapped, task sees")
            .isSameAs(Context.root());
      }
      assertThat(ScopeStack.leakReportedForTest()).isTrue();
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void taskWrappingScheduledExecutorServicePassesShutdownNowThrough() throws Exception {
    ScheduledThreadPoolExecutor delegate = new ScheduledThreadPoolExecutor(1);
    ScheduledExecutorService executor = Context.taskWrapping(delegate);
    CountDownLatch periodicRunning = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    ScheduledFuture<?> later;
    try (Scope scheduleTime = b.makeCurrent()) {
      executor.scheduleWithFixedDelay(
          () -> {
            periodicRunning.countDown();
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              interrupted.countDown();
            }
          },
          0,
          1,
          TimeUnit.MILLISECONDS);
      later = executor.schedule(() -> Context.current().get(KEY), 1, TimeUnit.HOURS);
    }
    assertThat(periodicRunning.await(10, TimeUnit.SECONDS)).isTrue();

    List<Runnable> neverRun = executor.shutdownNow();

    assertThat(neverRun).containsExactly((Runnable) later);
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(delegate.isShutdown()).isTrue();
    assertThat(executor.isShutdown()).isTrue();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(executor.isTerminated()).isTrue();
    assertThat(later.isDone()).isFalse();
  }
}
