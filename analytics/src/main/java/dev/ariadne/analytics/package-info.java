/**
 * Analysis of spans: RED metrics (request rate, error rate, duration percentiles) per service and
 * operation, the service dependency graph, and the critical path of a trace.
 */
package dev.ariadne.analytics;
