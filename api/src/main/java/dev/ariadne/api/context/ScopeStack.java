package dev.ariadne.api.context;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The per-thread chain of open scopes. The current context is that of the newest scope still
 * open. A scope closed out of order, or on another thread, is only marked closed; its thread
 * unwinds past it when the scopes opened after it close, or, if it is the newest, at the thread's
 * next use of its current context, so a mistake in one place never leaves a wrong span current.
 */
final class ScopeStack implements Scope {
  private static final ThreadLocal<ScopeStack> TOP = new ThreadLocal<>();
  private static final AtomicBoolean REPORTED = new AtomicBoolean();
  private static final AtomicBoolean LEAK_REPORTED = new AtomicBoolean();
  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup().findVarHandle(ScopeStack.class, "closed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Context context;
  private final ScopeStack previous;
  /**
   * Volatile because another thread may close the scope and its own thread must then see it; a
   * volatile read is a plain load on x86. Its own thread sets it with a release write, which
   * needs no fence, so the usual close costs what it did.
   */
  private volatile boolean closed;

  private ScopeStack(Context context, ScopeStack previous) {
    this.context = context;
    this.previous = previous;
  }

  static Context current() {
    ScopeStack top = top();
    return top == null ? Context.root() : top.context;
  }

  static Scope attach(Context context) {
    ScopeStack top = top();
    Context current = top == null ? Context.root() : top.context;
    if (current == context) return Scope.noop();
    ScopeStack scope = new ScopeStack(context, top);
    TOP.set(scope);
    return scope;
  }

  /**
   * Makes {@code context} current for the length of one task on the calling thread. Closing the
   * returned scope ends the task: the scopes the task opened and left open are closed too, so the
   * thread's next task does not inherit their context.
   */
  static Scope attachForTask(Context context) {
    ScopeStack task = new ScopeStack(context, top());
    TOP.set(task);
    return () -> endTask(task);
  }

  private static void endTask(ScopeStack task) {
    if (task.closed) return;
    ScopeStack leaked = null;
    for (ScopeStack scope = TOP.get(); scope != task && scope != null; scope = scope.previous) {
      if (!scope.closed) {
        scope.closed = true;
        leaked = scope;
      }
    }
    task.closed = true;
    unwind(task);
    if (leaked != null) reportLeak(leaked.context);
  }

  /** The newest scope still open on the calling thread, or null. */
  private static ScopeStack top() {
    ScopeStack top = TOP.get();
    return top != null && top.closed ? unwind(top) : top;
  }

  /** Makes the newest open scope from {@code scope} down the thread's newest, and returns it. */
  private static ScopeStack unwind(ScopeStack scope) {
    while (scope != null && scope.closed) scope = scope.previous;
    if (scope == null) {
      TOP.remove();
    } else {
      TOP.set(scope);
    }
    return scope;
  }

  @Override
  public void close() {
    if (TOP.get() == this) { // on its own thread, in order (or closed already by another thread)
      CLOSED.setRelease(this, true);
      unwind(this);
    } else if (!closed) { // out of order, or on another thread
      closed = true;
      report();
    }
  }

  private void report() {
    if (REPORTED.compareAndSet(false, true)) {
      System.getLogger(Scope.class.getName())
          .log(
              Level.WARNING,
              "A scope was closed out of order or on another thread than the one that opened it;"
                  + " the current context is kept consistent, but the instrumentation should close"
                  + " scopes in try-with-resources. Reported once.",
              new IllegalStateException("scope closed here"));
    }
  }

  private static void reportLeak(Context context) {
    if (LEAK_REPORTED.compareAndSet(false, true)) {
      System.getLogger(Scope.class.getName())
          .log(
              Level.WARNING,
              "A task run with its submitter's context ended with a scope still open, of "
                  + context
                  + "; it was closed when the task ended, so that the thread's next task does not"
                  + " see it. The instrumentation should close scopes in try-with-resources."
                  + " Reported once.");
    }
  }

  static boolean reportedForTest() {
    return REPORTED.get();
  }

  static boolean leakReportedForTest() {
    return LEAK_REPORTED.get();
  }
}
