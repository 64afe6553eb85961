/**
 * The local agent: a forwarder that hands the spans a collector on the application's host
 * accepts on to a collector elsewhere, over OTLP/HTTP, and proxies of Jaeger's sampling endpoint,
 * over HTTP and gRPC.
 * {@link dev.ariadne.agent.Agent} is the entry point; the rest is package-private.
 */
package dev.ariadne.agent;
