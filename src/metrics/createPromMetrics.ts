import { Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { QueueBacklog } from '../adapters/sqlite/sqliteQueue.js';
import type { Telemetry, TelemetryProperties } from '../ports/index.js';
import type { MetricsSource } from './metricsSource.js';

export interface PromMetrics extends MetricsSource {
  /** A Telemetry that feeds these metrics from the trackMetric calls the code makes, then passes them on. */
  wrap(telemetry: Telemetry): Telemetry;
  /** Reads the local queue's backlog at each scrape. */
  observeQueue(backlog: () => QueueBacklog, now?: () => number): void;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * prom-client metrics of the local host. Only startLocalHost imports this module (lazily): it must
 * not load at Azure registration, where the same figures go to Application Insights instead.
 */
export function createPromMetrics(): PromMetrics {
  const registry = new Registry();
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers });
  const events = {
    IngestEventsReceived: counter('events_received_total', 'Events in ingest requests', ['source']),
    IngestEventsAccepted: counter('events_accepted_total', 'Events durably queued', ['source']),
    IngestEventsRejected: counter('events_rejected_total', 'Events that failed validation', [
      'source',
    ]),
    IngestEventsDuplicate: counter(
      'events_duplicate_total',
      'Events repeating an eventId of their batch',
      ['source'],
    ),
    StoredDocuments: counter('events_stored_total', 'Scored documents newly written to the store'),
  };
  const rateLimited = counter('rate_limited_requests_total', 'Requests answered 429', ['scope']);
  const failOpen = counter(
    'rate_limiter_fail_open_total',
    'Requests let through because the shared limiter was unreachable',
  );
  const histogram = (name: string, help: string) =>
    new Histogram({ name, help, buckets: LATENCY_BUCKETS, registers });
  const ingestSeconds = histogram(
    'ingest_request_duration_seconds',
    'Accepted ingest requests, receipt to queued',
  );
  const storeWriteSeconds = histogram(
    'store_write_duration_seconds',
    'Store writes of one scored batch',
  );
  const scorerLag = new Gauge({
    name: 'scorer_lag_seconds',
    help: 'Receipt to scoring of the oldest event of the last scored batch',
    registers,
  });

  const compactionLag = new Gauge({
    name: 'sql_compaction_lag_seconds',
    help: 'Age of the oldest store change not yet in the Parquet files, at the end of the last compaction',
    registers,
  });

  const feed = (name: string, value: number, properties: TelemetryProperties = {}) => {
    if (name in events) {
      events[name as keyof typeof events].inc(labels(properties, name), value);
    } else if (name === 'IngestMs') ingestSeconds.observe(value / 1000);
    else if (name === 'StoreWriteMs') storeWriteSeconds.observe(value / 1000);
    else if (name === 'ScorerLagMs') scorerLag.set(value / 1000);
    else if (name === 'SqlCompactionLagSeconds') compactionLag.set(value);
    else if (name === 'RateLimited')
      rateLimited.inc({ scope: String(properties.scope ?? '') }, value);
    else if (name === 'RateLimiterFailOpen') failOpen.inc(value);
  };

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    wrap: (telemetry) => ({
      ...(telemetry.flush ? { flush: () => telemetry.flush!() } : {}),
      trackEvent: (name, properties, context) => telemetry.trackEvent(name, properties, context),
      trackMetric(name, value, properties, context) {
        if (Number.isFinite(value)) feed(name, value, properties);
        telemetry.trackMetric(name, value, properties, context);
      },
    }),
    observeQueue(backlog, now = Date.now) {
      new Gauge({
        name: 'local_queue_depth_messages',
        help: 'Messages waiting in the local queue (each carries up to 1,000 events)',
        registers,
        collect() {
          this.set(backlog().messages);
        },
      });
      new Gauge({
        name: 'local_queue_oldest_message_age_seconds',
        help: 'Age of the oldest waiting message; 0 when none waits',
        registers,
        collect() {
          const oldest = backlog().oldestEnqueuedAt;
          this.set(oldest === null ? 0 : Math.max(0, now() - oldest) / 1000);
        },
      });
    },
  };
}

function labels(properties: TelemetryProperties, name: string): Record<string, string> {
  return name === 'StoredDocuments' ? {} : { source: String(properties.source ?? 'open') };
}
