package dev.ariadne.agent;

import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import dev.ariadne.collector.Collector;
import dev.ariadne.storage.memory.MemoryStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The collector an agent forwards to: a real {@link Collector} over a memory store on an Armeria
 * server, with OTLP/HTTP at {@code /v1/traces}. A test may {@link #answer script} the next answers
 * to {@code /v1/traces}, which the collector then never sees, or {@link #hold} them; every request
 * that arrives is recorded, with its body inflated, in {@link #requests}.
 */
final class Upstream extends ServerExtension {
  /** A request that reached {@code /v1/traces}: when, and its body once inflated. */
  record Received(long nanoTime, int inflatedBytes) {}

  final MemoryStorage memory = MemoryStorage.create(1_000_000);
  final List<Received> requests = new CopyOnWriteArrayList<>();
  private final Queue<AggregatedHttpResponse> script = new ConcurrentLinkedQueue<>();
  private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
  private Collector collector;

  /** Has the next request to {@code /v1/traces} answered {@code response}. */
  void answer(AggregatedHttpResponse response) {
    script.add(response);
  }

  /** Holds every later request to {@code /v1/traces}, unanswered, until {@link #release()}. */
  void hold() {
    gate = new CompletableFuture<>();
  }

  void release() {
    gate.complete(null);
  }

  /** The OTLP/HTTP base URL the agent forwards to. */
  String endpoint() {
    return httpUri().toString();
  }

  @Override
  protected void configure(ServerBuilder sb) {
    collector = Collector.builder(memory).build();
    sb.service("/v1/traces", (ctx, req) -> HttpResponse.of(req.aggregate()
        .thenApply(request -> {
          requests.add(new Received(System.nanoTime(), inflate(request.content().array()).length));
          return request;
        })
        .thenCombine(gate, (request, open) -> request)
        .thenApply(request -> {
          AggregatedHttpResponse scripted = script.poll();
          if (scripted != null) {
            return scripted.toHttpResponse();
          }
          try {
            return collector.otlpHttp().serve(ctx, request.toHttpRequest());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        })));
  }

  @Override
  public void after(ExtensionContext context) throws Exception {
    super.after(context);
    collector.close();
  }

  private static byte[] inflate(byte[] gzipped) {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
