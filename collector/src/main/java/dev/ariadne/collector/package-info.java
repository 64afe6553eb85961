/**
 * The collector: receivers for OTLP/HTTP, OTLP/gRPC, Zipkin, Jaeger Thrift over HTTP, Jaeger gRPC
 * and the Jaeger agent's UDP ports, validation and limits, and the bounded ingest pipeline that
 * writes to storage and acknowledges only what storage took. {@link dev.ariadne.collector.Collector}
 * is the entry point, and {@link dev.ariadne.collector.JaegerUdpReceiver} the handle of a UDP port
 * it binds; the rest is package-private. The sampling strategies Jaeger clients poll for are apart,
 * in {@link dev.ariadne.collector.sampling}.
 */
package dev.ariadne.collector;
