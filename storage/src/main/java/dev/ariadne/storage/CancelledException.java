package dev.ariadne.storage;

import java.io.IOException;

/** A storage read stopped part-way because its {@link Cancellation} was cancelled. */
public final class CancelledException extends IOException {
  private static final long serialVersionUID = 1L;

  public CancelledException() {
    super("the read was cancelled: its request timed out or its client went away");
  }
}
