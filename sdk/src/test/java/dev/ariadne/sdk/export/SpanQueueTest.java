package dev.ariadne.sdk.export;

import static dev.ariadne.sdk.TestObjects.indexOf;
import static dev.ariadne.sdk.TestObjects.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ariadne.sdk.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpanQueueTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 5, 100, 1000})
  void holdsExactlyItsCapacityNotThePowerOfTwoAbove(int capacity) {
    SpanQueue queue = new SpanQueue(capacity);

    for (int i = 0; i < capacity; i++) assertThat(queue.offer(span(i, true))).isTrue();

    assertThat(queue.offer(span(capacity, true))).isFalse();
    assertThat(queue.size()).isEqualTo(capacity);
  }

  @Test
  void acceptsAgainOnceDrained() {
    SpanQueue queue = new SpanQueue(3);
    for (int i = 0; i < 3; i++) queue.offer(span(i, true));
    List<SpanData> out = new ArrayList<>();

    assertThat(queue.drainTo(out, 1)).isEqualTo(1);

    assertThat(queue.offer(span(3, true))).isTrue();
    assertThat(queue.offer(span(4, true))).isFalse();
  }

  @Test
  void closedTakesNoMoreAndKeepsWhatItHeldForTheConsumer() {
    SpanQueue queue = new SpanQueue(4);
    queue.offer(span(0, true));
    queue.offer(span(1, true));

    queue.close();
    queue.close();

    assertThat(queue.offer(span(2, true))).isFalse();
    assertThat(queue.size()).isEqualTo(2);
    List<SpanData> out = new ArrayList<>();
    assertThat(queue.drainTo(out, 10)).isEqualTo(2);
    assertThat(out).extracting(SpanData::getName).containsExactly("span-0", "span-1");
    assertThat(queue.size()).isZero();
    assertThat(queue.offer(span(3, true))).as("drained, still closed").isFalse();
  }

  @Test
  void drainsInTheOrderOfferedAcrossManyWrapArounds() {
    SpanQueue queue = new SpanQueue(3);
    List<SpanData> out = new ArrayList<>();
    long next = 0;
    for (int round = 0; round < 50; round++) {
      int offered = 1 + round % 3;
      for (int i = 0; i < offered; i++) assertThat(queue.offer(span(next++, true))).isTrue();
      queue.drainTo(out, round % 2 == 0 ? offered : Integer.MAX_VALUE);
    }

    assertThat(out).hasSize((int) next);
    for (int i = 0; i < out.size(); i++) assertThat(indexOf(out.get(i))).isEqualTo(i);
    assertThat(queue.size()).isZero();
  }

  @Test
  void drainsNoMoreThanAsked() {
    SpanQueue queue = new SpanQueue(10);
    for (int i = 0; i < 5; i++) queue.offer(span(i, true));
    List<SpanData> out = new ArrayList<>();

    assertThat(queue.drainTo(out, 2)).isEqualTo(2);
    assertThat(queue.drainTo(out, 0)).isZero();
    assertThat(queue.size()).isEqualTo(3);
    assertThat(queue.drainTo(out, 10)).isEqualTo(3);
    assertThat(queue.drainTo(out, 10)).isZero();
    assertThat(out).extracting(s -> indexOf(s)).containsExactly(0L, 1L, 2L, 3L, 4L);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1_073_741_825, Integer.MAX_VALUE})
  void rejectsACapacityWhoseRingAnIntCannotIndex(int capacity) {
    assertThatThrownBy(() -> new SpanQueue(capacity))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity: " + capacity + " (expected: >= 1 and <= 1073741824)");
  }

  @Test
  void drainsEverySpanAcceptedFromManyProducersExactlyOnce() throws Exception {
    int producers = 4;
    int perProducer = 50_000;
    int capacity = 100;
    SpanQueue queue = new SpanQueue(capacity);
    boolean[][] accepted = new boolean[producers][perProducer];
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger(producers);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      SpanData[] spans = new SpanData[perProducer];
      for (int i = 0; i < perProducer; i++)
        spans[i] = span((long) producer * perProducer + i, true);
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < perProducer; i++)
                    accepted[producer][i] = queue.offer(spans[i]);
                } catch (Throwable t) {
                  failure.compareAndSet(null, t);
                } finally {
                  running.decrementAndGet();
                }
              },
              "producer-" + p);
      thread.start();
      threads.add(thread);
    }

    int[] drainedCounts = new int[producers * perProducer];
    List<SpanData> batch = new ArrayList<>();
    AtomicBoolean sawOverCapacity = new AtomicBoolean();
    start.countDown();
    boolean producersDone;
    do {
      producersDone = running.get() == 0;
      if (queue.size() > capacity) sawOverCapacity.set(true);
      batch.clear();
      queue.drainTo(batch, 7);
      for (SpanData span : batch) drainedCounts[(int) indexOf(span)]++;
    } while (!producersDone || queue.size() > 0);
    for (Thread thread : threads) thread.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(failure.get()).isNull();
    assertThat(sawOverCapacity.get()).as("size never exceeds capacity").isFalse();
    int acceptedCount = 0;
    for (int p = 0; p < producers; p++) {
      for (int i = 0; i < perProducer; i++) {
        int index = p * perProducer + i;
        if (accepted[p][i]) {
          acceptedCount++;
          assertThat(drainedCounts[index]).as("accepted span %s drained once", index).isEqualTo(1);
        } else {
          assertThat(drainedCounts[index]).as("rejected span %s never drained", index).isZero();
        }
      }
    }
    assertThat(acceptedCount).as("the consumer kept up with some of the offers").isPositive();
  }
}
