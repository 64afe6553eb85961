/**
 * Spans through a Kafka topic, between the scale-out path's roles: {@link
 * dev.ariadne.kafka.KafkaSpanWriter}, the collector role's writer, produces them as records of
 * OTLP protobuf, and {@link dev.ariadne.kafka.KafkaIngester}, the ingester role, consumes them into
 * storage. The rest is package-private.
 */
package dev.ariadne.kafka;
