package dev.ariadne.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One load run: {@code senders} threads in a closed loop, each sending a pooled body and waiting
 * for the answer before it sends the next. They send through the warm-up unmeasured, then
 * measured until the duration has passed or {@code maxSpans} spans were sent, whichever comes
 * first. The server process (when its PID is known), this one and the whole machine are sampled
 * from {@code /proc} as the measurement starts and after its last request has been answered. After a non-2xx answer
 * or a failed request a sender pauses briefly, as a client backing off would, rather than spin.
 */
final class LoadRun {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final long PAUSE_MILLIS = 10;

  private final HttpClient client;
  private final URI uri;
  private final Format format;
  private final BodyPool pool;
  private final int senders;
  private final long maxSpans;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong measuredSpansSent = new AtomicLong();
  private final CountDownLatch spansSent = new CountDownLatch(1);
  private final Map<Integer, LongAdder> refusals = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private volatile boolean measuring;
  private volatile boolean stopped;

  /** {@code maxSpans} of 0 bounds the measurement by its duration alone. */
  LoadRun(HttpClient client, URI uri, Format format, BodyPool pool, int senders, long maxSpans) {
    this.client = client;
    this.uri = uri;
    this.format = format;
    this.pool = pool;
    this.senders = senders;
    this.maxSpans = maxSpans;
  }

  /**
   * What one run measured. The server samples are null when no server PID was given, and the
   * counters null where {@code perf} could not count.
   */
  record Result(
      long elapsedNanos,
      long requests,
      long okRequests,
      long acceptedSpans,
      long rejectedSpans,
      long p50Nanos,
      long p90Nanos,
      long p99Nanos,
      SortedMap<Integer, Long> refusals,
      SortedMap<String, Long> failures,
      ProcessSample serverBefore,
      ProcessSample serverAfter,
      ProcessSample generatorBefore,
      ProcessSample generatorAfter,
      MachineSample machineBefore,
      MachineSample machineAfter,
      PerfCounters.Counts serverCounters,
      PerfCounters.Counts generatorCounters) {}

  /**
   * Runs the warm-up and the measurement and returns what was measured; {@code duration} of zero
   * leaves the measurement bounded by {@code maxSpans} alone. {@code serverPid} 0 means unknown.
   */
  Result run(Duration warmup, Duration duration, long serverPid) throws IOException, InterruptedException {
    List<Sender> running = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      Sender sender = new Sender();
      Thread thread = new Thread(sender, "sender-" + i);
      thread.setDaemon(true);
      running.add(sender);
      threads.add(thread);
      thread.start();
    }
    Thread.sleep(warmup.toMillis());

    long self = ProcessHandle.current().pid();
    PerfCounters serverPerf = serverPid == 0 ? null : PerfCounters.start(serverPid);
    PerfCounters generatorPerf = PerfCounters.start(self);
    ProcessSample serverBefore = serverPid == 0 ? null : ProcessSample.read(serverPid);
    ProcessSample generatorBefore = ProcessSample.read(self);
    MachineSample machineBefore = MachineSample.read();
    long start = System.nanoTime();
    measuring = true;
    if (duration.isZero()) {
      spansSent.await();
    } else {
      spansSent.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }
    stopped = true;
    for (Thread thread : threads) {
      thread.join(REQUEST_TIMEOUT.plusSeconds(5).toMillis());
    }
    long elapsed = System.nanoTime() - start;
    ProcessSample serverAfter = serverPid == 0 ? null : ProcessSample.read(serverPid);
    ProcessSample generatorAfter = ProcessSample.read(self);
    MachineSample machineAfter = MachineSample.read();
    PerfCounters.Counts serverCounters = serverPerf == null ? null : serverPerf.stop();
    PerfCounters.Counts generatorCounters = generatorPerf == null ? null : generatorPerf.stop();

    long requests = 0;
    long ok = 0;
    long accepted = 0;
    long rejected = 0;
    int latencyCount = 0;
    for (Sender sender : running) {
      requests += sender.requests;
      ok += sender.okRequests;
      accepted += sender.acceptedSpans;
      rejected += sender.rejectedSpans;
      latencyCount += sender.latencyCount;
    }
    long[] latencies = new long[latencyCount];
    int at = 0;
    for (Sender sender : running) {
      System.arraycopy(sender.latencies, 0, latencies, at, sender.latencyCount);
      at += sender.latencyCount;
    }
    Arrays.sort(latencies);
    return new Result(
        elapsed, requests, ok, accepted, rejected,
        percentile(latencies, 0.50), percentile(latencies, 0.90), percentile(latencies, 0.99),
        counts(refusals), counts(failures),
        serverBefore, serverAfter, generatorBefore, generatorAfter, machineBefore, machineAfter,
        serverCounters, generatorCounters);
  }

  /** The nearest-rank percentile of sorted values, or 0 when there are none. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static <K> SortedMap<K, Long> counts(Map<K, LongAdder> adders) {
    SortedMap<K, Long> counts = new TreeMap<>();
    adders.forEach((key, adder) -> counts.put(key, adder.sum()));
    return counts;
  }

  /** One sender's loop and tallies; the tallies are read only after its thread has ended. */
  private final class Sender implements Runnable {
    long[] latencies = new long[4096];
    int latencyCount;
    long requests;
    long okRequests;
    long acceptedSpans;
    long rejectedSpans;

    @Override
    public void run() {
      try {
        while (!stopped) {
          boolean measured = measuring;
          if (measured && maxSpans > 0 && measuredSpansSent.addAndGet(pool.spansPerBody()) > maxSpans) {
            spansSent.countDown();
            return;
          }
          send(measured);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void send(boolean measured) throws InterruptedException {
      HttpRequest request = HttpRequest.newBuilder(uri)
          .timeout(REQUEST_TIMEOUT)
          .header("Content-Type", format.contentType)
          .POST(BodyPublishers.ofByteArray(pool.body(sequence.getAndIncrement())))
          .build();
      long start = System.nanoTime();
      try {
        HttpResponse<byte[]> response = client.send(request, BodyHandlers.ofByteArray());
        long latency = System.nanoTime() - start;
        boolean ok = response.statusCode() / 100 == 2;
        if (measured) {
          long rejected = ok ? format.rejectedSpans(response.body()) : 0;
          record(response.statusCode(), ok, rejected, latency);
        }
        if (!ok) {
          Thread.sleep(PAUSE_MILLIS);
        }
      } catch (IOException e) {
        if (measured) {
          failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
        }
        Thread.sleep(PAUSE_MILLIS);
      }
    }

    private void record(int status, boolean ok, long rejected, long latency) {
      requests++;
      if (ok) {
        okRequests++;
        acceptedSpans += pool.spansPerBody() - rejected;
        rejectedSpans += rejected;
      } else {
        refusals.computeIfAbsent(status, k -> new LongAdder()).increment();
      }
      if (latencyCount == latencies.length) {
        latencies = Arrays.copyOf(latencies, latencyCount * 2);
      }
      latencies[latencyCount++] = latency;
    }
  }
}
