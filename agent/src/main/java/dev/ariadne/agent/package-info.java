/**
 * The local agent: a forwarder that hands the spans a collector on the application's host
 * accepts on to a collector elsewhere, over OTLP/HTTP, and a proxy of Jaeger's sampling endpoint.
 * {@link dev.ariadne.agent.Agent} is the entry point; the rest is package-private.
 */
package dev.ariadne.agent;
