package dev.ariadne.sdk.export;

import java.lang.System.Logger.Level;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An export in the exporter's hands, for the processors. It is counted once, when its verdict is
 * reached: the exporter's answer, or failure if the processor abandons it first.
 */
final class PendingExport {
  private static final System.Logger LOG = System.getLogger(PendingExport.class.getName());

  final CompletableFuture<Void> result;
  private final CompletableFuture<Void> verdict;
  /** Completes once the verdict has been counted. */
  final CompletableFuture<Void> counted;

  /** {@code count} is given the verdict: null if the spans were sent, else why not. */
  PendingExport(CompletableFuture<Void> result, Consumer<Throwable> count) {
    this.result = result;
    this.verdict = result.copy();
    this.counted =
        verdict.handle(
            (ignored, error) -> {
              count.accept(error);
              return null;
            });
  }

  /**
   * Cancels the export so the exporter stops retrying; its answer, or the cancellation, is the
   * verdict. An exporter's future that ignores cancel is failed here instead.
   */
  void abandon() {
    result.cancel(false);
    if (!result.isDone()) {
      verdict.completeExceptionally(new CancellationException("shutdown gave up on the export"));
    }
  }

  /**
   * How many of an export's {@code size} spans its verdict says were lost: none if {@code error}
   * is null, as many as a {@link PartialExportException} says, else all.
   */
  static int lost(int size, Throwable error) {
    if (error == null) return 0;
    Throwable cause = cause(error);
    return cause instanceof PartialExportException
        ? Math.min(size, ((PartialExportException) cause).getFailedSpanCount())
        : size;
  }

  /** {@code error} without the {@link CompletionException} a dependent future wraps it in. */
  static Throwable cause(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  /**
   * Calls the exporter's flush or shutdown: completes normally when the exporter's future
   * completes, however it does; a throw or no future counts as done at once.
   */
  static CompletableFuture<Void> quietly(Supplier<CompletableFuture<Void>> call, String what) {
    try {
      CompletableFuture<Void> result = call.get();
      if (result != null) return result.handle((ignored, error) -> null);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "exporter " + what + " failed", e);
    }
    return CompletableFuture.completedFuture(null);
  }
}
