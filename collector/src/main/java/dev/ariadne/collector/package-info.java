/**
 * The collector: receivers for OTLP/HTTP, OTLP/gRPC, Zipkin, Jaeger Thrift over HTTP and Jaeger
 * gRPC, validation and limits, and the bounded ingest pipeline that writes to storage and
 * acknowledges only what storage took. {@link dev.ariadne.collector.Collector} is the entry point;
 * the rest is package-private. The sampling strategies Jaeger clients poll for are apart, in
 * {@link dev.ariadne.collector.sampling}.
 */
package dev.ariadne.collector;
