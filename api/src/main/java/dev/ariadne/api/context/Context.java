package dev.ariadne.api.context;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * An immutable set of values carried along a request: the active span, baggage and anything else
 * keyed by a {@link ContextKey}. One context is current per thread; {@link #makeCurrent()} changes
 * it for the length of a {@link Scope}, and the {@code wrap} methods carry it to other threads.
 */
public final class Context {
  private static final Object[] NONE = {};
  private static final Context ROOT = new Context(null, null, NONE);

  /**
   * The first entry, kept in the context itself: most contexts hold one entry (a span), and
   * then a context is one object, not two. Null only in the root context.
   */
  private final ContextKey<?> firstKey;
  private final Object firstValue;
  /** The entries after the first, alternating keys and values; small, so a scan beats a map. */
  private final Object[] more;

  private Context(ContextKey<?> firstKey, Object firstValue, Object[] more) {
    this.firstKey = firstKey;
    this.firstValue = firstValue;
    this.more = more;
  }

  /** The empty context, current on a thread where nothing was made current. */
  public static Context root() {
    return ROOT;
  }

  /** The context current on the calling thread. */
  public static Context current() {
    return ScopeStack.current();
  }

  @SuppressWarnings("unchecked")
  public <V> V get(ContextKey<V> key) {
    if (firstKey == key) return (V) firstValue;
    for (int i = 0; i < more.length; i += 2) {
      if (more[i] == key) return (V) more[i + 1];
    }
    return null;
  }

  /** Returns a context like this one with {@code value} under {@code key}. */
  public <V> Context with(ContextKey<V> key, V value) {
    Objects.requireNonNull(key, "key");
    if (firstKey == null) return new Context(key, value, NONE);
    if (firstKey == key) {
      return firstValue == value ? this : new Context(key, value, more);
    }
    for (int i = 0; i < more.length; i += 2) {
      if (more[i] == key) {
        if (more[i + 1] == value) return this;
        Object[] copy = more.clone();
        copy[i + 1] = value;
        return new Context(firstKey, firstValue, copy);
      }
    }
    Object[] copy = new Object[more.length + 2];
    System.arraycopy(more, 0, copy, 0, more.length);
    copy[more.length] = key;
    copy[more.length + 1] = value;
    return new Context(firstKey, firstValue, copy);
  }

  /** Returns a context like this one that also holds {@code value}, a span or baggage. */
  public Context with(ImplicitContextKeyed value) {
    return value.storeInContext(this);
  }

  /** Makes this context current on the calling thread until the returned scope is closed. */
  public Scope makeCurrent() {
    return ScopeStack.attach(this);
  }

  /**
   * Returns a runnable that runs {@code task} with this context current. When the task returns or
   * throws, the thread's context is what it was before, even if the task left a scope open: that
   * scope is closed then, and reported once.
   */
  public Runnable wrap(Runnable task) {
    Objects.requireNonNull(task, "task");
    return () -> {
      try (Scope ignored = ScopeStack.attachForTask(this)) {
        task.run();
      }
    };
  }

  /** Returns a callable that calls {@code task} with this context current, as {@link #wrap(Runnable)}. */
  public <T> Callable<T> wrap(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    return () -> {
      try (Scope ignored = ScopeStack.attachForTask(this)) {
        return task.call();
      }
    };
  }

  /**
   * Returns an executor that runs each task with the context that was current when the task was
   * submitted.
   */
  public static Executor taskWrapping(Executor executor) {
    Objects.requireNonNull(executor, "executor");
    return task -> executor.execute(current().wrap(task));
  }

  /**
   * Returns an executor service that runs each task with the context that was current when the
   * task was submitted; shutdown and termination are passed through.
   */
  public static ExecutorService taskWrapping(ExecutorService executor) {
    return new ContextExecutorService(Objects.requireNonNull(executor, "executor"));
  }

  /**
   * Returns a scheduled executor service that runs each task with the context that was current
   * when the task was submitted or scheduled, every run of a periodic task included; shutdown and
   * termination are passed through.
   */
  public static ScheduledExecutorService taskWrapping(ScheduledExecutorService executor) {
    return new ContextScheduledExecutorService(Objects.requireNonNull(executor, "executor"));
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Context{");
    if (firstKey != null) b.append(firstKey).append('=').append(firstValue);
    for (int i = 0; i < more.length; i += 2) {
      b.append(", ").append(more[i]).append('=').append(more[i + 1]);
    }
    return b.append('}').toString();
  }
}
