import { describe, expect, it } from 'vitest';

import { createPromMetrics } from '../../src/metrics/createPromMetrics.js';
import type { Telemetry } from '../../src/ports.js';
import { sample } from '../support/promText.js';

describe('createPromMetrics', () => {
  it('counts what trackMetric reports, by source, and passes every call on', async () => {
    const metrics = createPromMetrics();
    const passed: string[] = [];
    const inner: Telemetry = {
      trackMetric: (name) => passed.push(name),
      trackEvent: (name) => passed.push(name),
    };
    const t = metrics.wrap(inner);
    t.trackMetric('IngestEventsReceived', 5, { source: 'ios-app' });
    t.trackMetric('IngestEventsAccepted', 3, { source: 'ios-app' });
    t.trackMetric('IngestEventsAccepted', 2, { source: 'web' });
    t.trackMetric('IngestEventsRejected', 1, { source: 'ios-app' });
    t.trackMetric('IngestEventsDuplicate', 1, { source: 'ios-app' });
    t.trackMetric('IngestMs', 12);
    t.trackMetric('StoreWriteMs', 40);
    t.trackMetric('ScorerLagMs', 2500);
    t.trackMetric('RateLimited', 1, { scope: 'write' });
    t.trackMetric('RateLimiterFailOpen', 1);
    t.trackMetric('StoredDocuments', 3);
    t.trackMetric('SomethingElse', 7);
    t.trackEvent('EventsScored', { count: 3 });
    expect(passed).toHaveLength(13);
    const text = await metrics.render();
    expect(sample(text, 'events_received_total{source="ios-app"}')).toBe(5);
    expect(sample(text, 'events_accepted_total{source="ios-app"}')).toBe(3);
    expect(sample(text, 'events_accepted_total{source="web"}')).toBe(2);
    expect(sample(text, 'events_rejected_total{source="ios-app"}')).toBe(1);
    expect(sample(text, 'events_duplicate_total{source="ios-app"}')).toBe(1);
    expect(sample(text, 'ingest_request_duration_seconds_count')).toBe(1);
    expect(sample(text, 'ingest_request_duration_seconds_bucket{le="0.025"}')).toBe(1);
    expect(sample(text, 'ingest_request_duration_seconds_bucket{le="0.01"}')).toBe(0);
    expect(sample(text, 'store_write_duration_seconds_sum')).toBeCloseTo(0.04);
    expect(sample(text, 'scorer_lag_seconds')).toBe(2.5);
    expect(sample(text, 'rate_limited_requests_total{scope="write"}')).toBe(1);
    expect(sample(text, 'rate_limiter_fail_open_total')).toBe(1);
    expect(sample(text, 'events_stored_total')).toBe(3);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('reads the queue backlog at each scrape', async () => {
    const metrics = createPromMetrics();
    let backlog = { messages: 0, oldestEnqueuedAt: null as number | null };
    metrics.observeQueue(
      () => backlog,
      () => 10_000,
    );
    expect(sample(await metrics.render(), 'local_queue_depth_messages')).toBe(0);
    expect(sample(await metrics.render(), 'local_queue_oldest_message_age_seconds')).toBe(0);
    backlog = { messages: 4, oldestEnqueuedAt: 7000 };
    const text = await metrics.render();
    expect(sample(text, 'local_queue_depth_messages')).toBe(4);
    expect(sample(text, 'local_queue_oldest_message_age_seconds')).toBe(3);
  });
});
