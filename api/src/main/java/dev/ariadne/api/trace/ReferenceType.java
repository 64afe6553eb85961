package dev.ariadne.api.trace;

/**
 * The seed's two kinds of causal reference between spans. A CHILD_OF reference becomes the span's
 * parent; a FOLLOWS_FROM reference is kept as a link marked as follows-from, and also provides the
 * parent when the span has no other.
 */
public enum ReferenceType {
  /** The referenced span depends on, and usually waits for, the new span. */
  CHILD_OF,
  /** The referenced span caused the new span but does not wait for its result. */
  FOLLOWS_FROM
}
