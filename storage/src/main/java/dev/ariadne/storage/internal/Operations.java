package dev.ariadne.storage.internal;

import dev.ariadne.storage.Operation;
import dev.ariadne.storage.Storage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** How the backends list a service's operations. */
public final class Operations {
  /** By span name, then kind: the order {@link Storage#operations} lists in. */
  public static final Comparator<Operation> ORDER =
      Comparator.comparing(Operation::spanName).thenComparing(Operation::kind);

  private Operations() {}

  /**
   * Of operations in {@link #ORDER}, those of the first {@link Storage#MAX_NAMES_PER_SERVICE} span
   * names, each with all its kinds.
   */
  public static List<Operation> ofFirstNames(Collection<Operation> sorted) {
    List<Operation> first = new ArrayList<>();
    int names = 0;
    String name = null;
    for (Operation operation : sorted) {
      if (!operation.spanName().equals(name)) {
        if (names == Storage.MAX_NAMES_PER_SERVICE) {
          break;
        }
        names++;
        name = operation.spanName();
      }
      first.add(operation);
    }
    return List.copyOf(first);
  }
}
