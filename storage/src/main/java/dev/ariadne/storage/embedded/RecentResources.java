package dev.ariadne.storage.embedded;

import dev.ariadne.model.Resource;

/**
 * A number for each of the last resource objects seen, found by identity. The decoders give the
 * spans of a request (and of a block's run) one resource object per service, and a block is written
 * trace by trace, so the spans that follow one another come from a handful of resources: this
 * finds them without hashing or comparing their attributes, which {@link Resource#equals} and
 * {@link Resource#hashCode} do on every call. Sixteen slots, chosen by identity hash; a resource
 * pushed out is only looked up again the slow way. Not thread-safe.
 */
final class RecentResources {
  private static final int SLOTS = 16;

  private final Resource[] resources = new Resource[SLOTS];
  private final int[] numbers = new int[SLOTS];

  /** The number given to this very object by {@link #put}, or -1 if it is not among the last. */
  @SuppressWarnings("ReferenceEquality") // identity is the point: equals() is deep
  int get(Resource resource) {
    int slot = slot(resource);
    return resources[slot] == resource ? numbers[slot] : -1;
  }

  void put(Resource resource, int number) {
    int slot = slot(resource);
    resources[slot] = resource;
    numbers[slot] = number;
  }

  private static int slot(Resource resource) {
    int hash = System.identityHashCode(resource);
    return (hash ^ hash >>> 16) & (SLOTS - 1);
  }
}
