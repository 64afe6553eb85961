package dev.ariadne.storage;

/**
 * Tells a long storage read to stop early: its request has timed out or its client has gone away.
 * A backend asks between its units of work (a block, a batch of traces) and, once cancelled,
 * throws {@link CancelledException} rather than read on for an answer nobody takes. Interrupting
 * the reading thread instead would close the files it reads.
 */
@FunctionalInterface
public interface Cancellation {
  /** A read that is never cancelled. */
  Cancellation NEVER = () -> false;

  /** True once the read should stop. Cheap enough to ask per unit of work; thread-safe. */
  boolean isCancelled();

  /** Throws if the read should stop. */
  default void check() throws CancelledException {
    if (isCancelled()) {
      throw new CancelledException();
    }
  }
}
