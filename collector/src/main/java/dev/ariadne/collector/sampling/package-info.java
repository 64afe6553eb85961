/**
 * Sampling strategies as Jaeger serves them to its clients' remote samplers: read from a strategies
 * file in Jaeger's format ({@link dev.ariadne.collector.sampling.SamplingStrategies}) and answered
 * over HTTP as the Jaeger collector ({@code /api/sampling}) and agent ({@code /sampling} and
 * {@code /}) answer them, and over gRPC as the collector does on 14250. Independent of the
 * collector's ingest.
 */
package dev.ariadne.collector.sampling;
