import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type AppInsightsTelemetry,
  createAppInsightsTelemetry,
  parseTraceparent,
} from '../../src/appInsightsTelemetry.js';
import { type Logger, noTelemetry } from '../../src/ports.js';
import { createTelemetry } from '../../src/telemetry.js';
import {
  type Envelope,
  type IngestionServer,
  startIngestionServer,
  TEST_IKEY,
  trustIngestionTestCert,
} from '../support/ingestionServer.js';

// Shaped like a Flex Consumption worker, so the SDK's resource detection takes the Functions path
// (role name from WEBSITE_SITE_NAME) and never probes the VM metadata endpoint. No SDK statistics
// to Microsoft's endpoints from a test.
const ENV: Record<string, string> = {
  WEBSITE_SITE_NAME: 'func-telemetry-test',
  FUNCTIONS_EXTENSION_VERSION: '~4',
  WEBSITE_SKU: 'FlexConsumption',
  APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
  APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
  APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
};

/** The metrics the functions emit through the port. */
const PORT_METRICS = [
  'ScoringMs',
  'IngestEventsAccepted',
  'IngestEventsRejected',
  'QueueSendMs',
  'StoreWriteMs',
  'StoreThrottles',
];

const isEvent = (name: string, run: string) => (e: Envelope) =>
  e.data.baseType === 'EventData' &&
  e.data.baseData.name === name &&
  e.data.baseData.properties?.run === run;
const isMetric = (name: string, run: string) => (e: Envelope) =>
  e.data.baseType === 'MetricData' &&
  e.data.baseData.metrics?.[0]?.name === name &&
  e.data.baseData.properties?.run === run;

describe('createAppInsightsTelemetry', () => {
  let server: IngestionServer;
  let telemetry: AppInsightsTelemetry;
  let untrust: () => void;
  const savedEnv = new Map<string, string | undefined>();

  beforeAll(async () => {
    for (const [k, v] of Object.entries(ENV)) {
      savedEnv.set(k, process.env[k]);
      process.env[k] = v;
    }
    untrust = trustIngestionTestCert();
    server = await startIngestionServer();
    telemetry = createAppInsightsTelemetry(server.connectionString);
  });

  afterAll(async () => {
    await telemetry?.shutdown();
    await server?.close();
    untrust?.();
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('sends custom events by name with their properties as customDimensions', async () => {
    const run = randomUUID();
    telemetry.trackEvent('ModelLoaded', { run, modelVersion: '7', slot: 'champion' });
    telemetry.trackEvent('ModelRejected', { run, reason: 'schema: weights missing' });
    telemetry.trackEvent('MessageDeadLettered', { run, reason: 'invalid_event', key: 'm-1' });
    await telemetry.flush();

    const [loaded] = await server.waitFor(isEvent('ModelLoaded', run));
    const [rejected] = await server.waitFor(isEvent('ModelRejected', run));
    const [dead] = await server.waitFor(isEvent('MessageDeadLettered', run));
    expect(loaded?.name).toBe('Microsoft.ApplicationInsights.Event');
    expect(loaded?.iKey).toBe(TEST_IKEY);
    expect(loaded?.data.baseData.properties).toEqual({ run, modelVersion: '7', slot: 'champion' });
    expect(rejected?.data.baseData.properties?.reason).toBe('schema: weights missing');
    expect(dead?.data.baseData.properties).toEqual({ run, reason: 'invalid_event', key: 'm-1' });
    expect(loaded?.tags['ai.cloud.role']).toBe('func-telemetry-test');
    // Tracked without a context: no operation of their own.
    expect(dead?.tags['ai.operation.id']).toBeUndefined();
    expect(server.paths.every((p) => p === '/v2.1/track')).toBe(true);
  });

  it('carries the traceparent of the context as the operation id and parent id', async () => {
    const run = randomUUID();
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    telemetry.trackEvent(
      'MessageDeadLettered',
      { run, reason: 'invalid_event' },
      { traceparent: `00-${traceId}-${spanId}-01` },
    );
    // A malformed traceparent is ignored, not fatal: the event is still sent, uncorrelated.
    telemetry.trackEvent('ModelRejected', { run }, { traceparent: `00-${traceId}-nothex-01` });
    await telemetry.flush();

    const [correlated] = await server.waitFor(isEvent('MessageDeadLettered', run));
    expect(correlated?.tags['ai.operation.id']).toBe(traceId);
    expect(correlated?.tags['ai.operation.parentId']).toBe(spanId);
    const [uncorrelated] = await server.waitFor(isEvent('ModelRejected', run));
    expect(uncorrelated?.tags['ai.operation.id']).toBeUndefined();
  });

  it('sends custom metrics by name, aggregated per dimension set, with their dimensions', async () => {
    const run = randomUUID();
    telemetry.trackMetric('ScoringMs', 12.5, { run, modelVersion: '3' });
    telemetry.trackMetric('ScoringMs', 7.5, { run, modelVersion: '3' });
    telemetry.trackMetric('ScoringMs', 1, { run, modelVersion: '4' });
    telemetry.trackMetric('IngestEventsAccepted', 5, { run });
    telemetry.trackMetric('IngestEventsRejected', 2, { run });
    telemetry.trackMetric('QueueSendMs', 3.25, { run, ok: true });
    telemetry.trackMetric('StoreWriteMs', 40, { run, documents: 2 });
    telemetry.trackMetric('StoreThrottles', 1, { run });
    await telemetry.flush();

    const scoring = await server.waitFor(isMetric('ScoringMs', run), 2);
    const v3 = scoring.find((e) => e.data.baseData.properties?.modelVersion === '3');
    const v4 = scoring.find((e) => e.data.baseData.properties?.modelVersion === '4');
    expect(v3?.name).toBe('Microsoft.ApplicationInsights.Metric');
    expect(v3?.data.baseData.metrics?.[0]).toMatchObject({
      value: 20,
      count: 2,
      min: 7.5,
      max: 12.5,
    });
    expect(v4?.data.baseData.metrics?.[0]).toMatchObject({ value: 1, count: 1 });
    const [queue] = await server.waitFor(isMetric('QueueSendMs', run));
    expect(queue?.data.baseData.properties).toEqual({ run, ok: 'true' });
    expect(queue?.data.baseData.metrics?.[0]?.value).toBe(3.25);
    const [write] = await server.waitFor(isMetric('StoreWriteMs', run));
    expect(write?.data.baseData.properties).toEqual({ run, documents: '2' });
    for (const name of ['IngestEventsAccepted', 'IngestEventsRejected', 'StoreThrottles']) {
      await server.waitFor(isMetric(name, run));
    }
  });

  it('collects nothing by itself: no request, dependency, http metric or performance counter', async () => {
    // An outgoing call through the CommonJS https module, the way an SDK would make it, which
    // also is an incoming request to the test server in this process.
    const https = createRequire(import.meta.url)('node:https') as typeof import('node:https');
    await new Promise<void>((resolve, reject) => {
      const url = new URL('v2.1/track', server.connectionString.split('IngestionEndpoint=')[1]);
      https
        .request(url, { method: 'POST' }, (res) => res.resume().on('end', resolve))
        .on('error', reject)
        .end('[]');
    });
    const run = randomUUID();
    telemetry.trackEvent('ModelLoaded', { run });
    await telemetry.flush();
    await server.waitFor(isEvent('ModelLoaded', run));

    expect(new Set(server.envelopes.map((e) => e.data.baseType))).toEqual(
      new Set(['EventData', 'MetricData']),
    );
    const metricNames = server.envelopes.flatMap(
      (e) => e.data.baseData.metrics?.map((m) => m.name) ?? [],
    );
    expect(metricNames.filter((n) => !PORT_METRICS.includes(n))).toEqual([]);
  });

  it('is started once per process', () => {
    expect(createAppInsightsTelemetry(server.connectionString)).toBe(telemetry);
    const other = `InstrumentationKey=11111111-1111-1111-1111-111111111111;IngestionEndpoint=https://127.0.0.1:1/`;
    expect(() => createAppInsightsTelemetry(other)).toThrow(/already started/);
  });

  it('refuses a connection string without a valid instrumentation key', async () => {
    expect(() => createAppInsightsTelemetry('IngestionEndpoint=https://127.0.0.1:1/')).toThrow(
      /InstrumentationKey/,
    );
    const errors: string[] = [];
    const logger: Logger = { info: () => {}, warn: () => {}, error: (m) => errors.push(m) };
    // createTelemetry keeps the app running without telemetry, and says why.
    await expect(createTelemetry('InstrumentationKey=not-a-guid', logger)).resolves.toBe(
      noTelemetry,
    );
    expect(errors).toEqual([
      expect.stringMatching(/Application Insights did not start.*InstrumentationKey/),
    ]);
  });
});

describe('parseTraceparent', () => {
  it('reads version 00, any flags, upper case; refuses malformed, zero ids and version ff', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(parseTraceparent(`00-${id}-00f067aa0ba902b7-01`)).toEqual({
      traceId: id,
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    });
    expect(parseTraceparent(`00-${id.toUpperCase()}-00F067AA0BA902B7-00`)?.traceId).toBe(id);
    expect(parseTraceparent(undefined)).toBeUndefined();
    expect(parseTraceparent('')).toBeUndefined();
    expect(parseTraceparent(`00-${id}-00f067aa0ba902b7`)).toBeUndefined();
    expect(parseTraceparent(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceparent(`00-${id}-${'0'.repeat(16)}-01`)).toBeUndefined();
    expect(parseTraceparent(`ff-${id}-00f067aa0ba902b7-01`)).toBeUndefined();
  });
});
