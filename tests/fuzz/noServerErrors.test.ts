import { gzipSync } from 'node:zlib';

import azf from '@azure/functions';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { functionTable, type HttpFunction, isHttpFunction } from '../../src/app.js';
import { bindHttpFunction } from '../../src/functions/bindHttpFunction.js';
import { createPromMetrics } from '../../src/metrics/createPromMetrics.js';
import {
  rawExchange,
  recordingLogger,
  shapeProblem,
  startHardenedHost,
} from '../support/rawHttp.js';
import { testDeps } from '../support/testDeps.js';

const { HttpRequest, InvocationContext } = azf;

/*
 * Property: for every HTTP route of the function table (iterated, so routes other branches add are
 * covered too) and any body, headers, path parameters and query string, the answer is a 2xx or a 4xx
 * in the one error shape, and the host stays up. 9,000 cases call the bound handlers in process with
 * real HttpRequest objects (what Azure runs); 1,000 go over HTTP to the local host, 150 of them on
 * raw sockets with Content-Length lies, oversize headers and oversize chunked bodies.
 */
const IN_PROCESS_RUNS = 9000;
const HTTP_RUNS = 850;
const RAW_RUNS = 150;

const routes = functionTable.filter(isHttpFunction);

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 300,
});
/** What node hands over as a header value: latin1 text without controls, trimmed. */
const headerValue = fc
  .oneof(
    printable,
    fc.string({
      unit: fc
        .integer({ min: 0x20, max: 0xff })
        .filter((c) => c !== 0x7f)
        .map((c) => String.fromCharCode(c)),
      maxLength: 80,
    }),
  )
  .map((s) => s.trim());

const uuidish = fc.oneof(
  fc.uuid().map((u) => (Math.random() < 0.3 ? u.toUpperCase() : u)),
  fc.string({ maxLength: 40 }),
);
const timestampish = fc.oneof(
  fc
    .date({ min: new Date('1990-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '2026-11-24',
    '2026-11-24T12:00:00+25:00',
    '9999-12-31T23:59:59Z',
    '0000-01-01T00:00:00Z',
    '',
  ),
  fc.string({ maxLength: 30 }),
);
const eventArb = fc.record(
  {
    eventId: uuidish,
    userId: fc.oneof(fc.constantFrom('u1', 'user-42', 'a@b.c'), fc.string({ maxLength: 140 })),
    type: fc.oneof(fc.constantFrom('page_view', 'purchase'), fc.string({ maxLength: 70 })),
    occurredAt: timestampish,
    amount: fc.oneof(fc.double(), fc.integer(), fc.string({ maxLength: 5 })),
    properties: fc.oneof(
      fc.dictionary(
        fc.string({ maxLength: 70 }),
        fc.oneof(fc.string({ maxLength: 20 }), fc.double(), fc.boolean(), fc.constant(null)),
        { maxKeys: 60 },
      ),
      fc.jsonValue({ maxDepth: 3 }),
    ),
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);
const nested = (depth: number, open: string, close: string, inner = '') =>
  open.repeat(depth) + inner + close.repeat(depth);
const deepValue = fc
  .tuple(fc.integer({ min: 1, max: 120_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}']))
  .map(([d, [o, c]]) => nested(d, o, c, o === '[' ? '' : '1'));
const bodyText = fc.oneof(
  { weight: 6, arbitrary: eventArb.map((e) => JSON.stringify(e)) },
  {
    weight: 6,
    arbitrary: fc
      .record(
        { events: fc.array(eventArb, { maxLength: 30 }), sentAt: timestampish },
        { requiredKeys: ['events'] },
      )
      .map((b) => JSON.stringify(b)),
  },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(deepValue, fc.constantFrom('events', 'properties', 'extra', 'root', 'sentAt'))
      .map(([deep, where]) =>
        where === 'root'
          ? deep
          : where === 'events'
            ? `{"events":[${deep},{"userId":"u","type":"t"}]}`
            : where === 'sentAt'
              ? `{"sentAt":${deep},"events":[{"userId":"u","type":"t"}]}`
              : `{"userId":"u","type":"t","${where}":${where === 'properties' ? `{"a":${deep}}` : deep}}`,
      ),
  },
);
const body = fc.oneof(
  { weight: 10, arbitrary: bodyText.map((t) => Buffer.from(t, 'utf8')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: bodyText.map((t) => gzipSync(t)) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
);
const headers = fc.record(
  {
    'content-type': fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/cloudevents+json',
        'text/plain',
        'multipart/form-data; boundary=x',
      ),
      headerValue,
    ),
    'content-encoding': fc.oneof(fc.constantFrom('gzip', 'identity', 'br', 'GZIP'), headerValue),
    'idempotency-key': fc.oneof(printable, headerValue),
    authorization: fc.oneof(fc.constantFrom('Bearer x', 'Basic Og==', 'Basic !!!'), headerValue),
    'x-api-key': headerValue,
    origin: fc.oneof(fc.constantFrom('https://app.example.com', 'null'), headerValue),
    traceparent: fc.oneof(
      fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
      headerValue,
    ),
    'access-control-request-method': fc.constantFrom('POST', 'GET', 'PUT'),
    'x-random': headerValue,
  },
  { requiredKeys: [] },
);
const queryKey = fc.oneof(
  fc.constantFrom('limit', 'from', 'to', 'continuationToken', 'code'),
  fc.string({ maxLength: 10 }),
);
const queryValue = fc.oneof(
  fc.constantFrom(
    '20',
    '0',
    '101',
    '-1',
    '1e3',
    '2026-11-24',
    '2026-11-24T00:00:00Z',
    '%',
    '%zz',
    '%E0%A4%A',
    'eyJ9',
  ),
  fc
    .string({ maxLength: 40 })
    .map((s) => (Math.random() < 0.5 ? encodeURIComponent(s) : s.replace(/[#\s]/g, ''))),
);
const query = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&'));
const paramValue = fc.oneof(
  fc.constantFrom('u1', 'user-42', '%', '%E0%A4%A', '%C0%AF', '%00', '..', 'a'.repeat(200)),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

function pathOf(route: HttpFunction, params: Record<string, string>, encode: boolean): string {
  return route.trigger.route.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name] ?? '';
    return encode ? encodeURIComponent(value) : value;
  });
}

const caseArb = fc.record({
  route: fc.constantFrom(...routes),
  params: fc.dictionary(fc.constantFrom('userId', 'id', 'name'), paramValue),
  query,
  headers,
  body,
});

describe('no input reaches a 5xx', () => {
  it(`bound handlers answer 2xx or a 4xx in the one shape (${IN_PROCESS_RUNS} cases, in process)`, async () => {
    const deps = testDeps();
    const logger = recordingLogger();
    const metrics = createPromMetrics();
    const all = { ...deps, logger, metrics, telemetry: metrics.wrap(deps.telemetry) };
    const bound = new Map(routes.map((r) => [r, bindHttpFunction(r, all)]));
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(caseArb, fc.nat(), async (c, pick) => {
        const method = c.route.trigger.methods[pick % c.route.trigger.methods.length]!;
        const hasBody = method !== 'GET' && method !== 'HEAD';
        const request = new HttpRequest({
          method,
          url: `http://localhost/${pathOf(c.route, c.params, true)}${c.query ? `?${c.query}` : ''}`,
          headers: c.headers,
          params: c.params,
          body: hasBody && c.body.length > 0 ? { bytes: c.body } : undefined,
        });
        const response = await bound.get(c.route)!(request, new InvocationContext());
        const status = response.status ?? 200;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const text =
          response.jsonBody !== undefined
            ? JSON.stringify(response.jsonBody)
            : typeof response.body === 'string'
              ? response.body
              : '';
        const problem = shapeProblem(status, text, method);
        if (problem) throw new Error(`${c.route.name}: ${problem}`);
        expect(new Headers(response.headers).get('x-content-type-options')).toBe('nosniff');
      }),
      { numRuns: IN_PROCESS_RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261201) },
    );
    expect(logger.lines.join('\n')).not.toMatch(/unexpected error/);
    // The mix reaches both outcomes: accepted work and rejections.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
  }, 120_000);

  describe('over HTTP to the local host', () => {
    let host: Awaited<ReturnType<typeof startHardenedHost>>;
    beforeAll(async () => {
      host = await startHardenedHost({ CORS_ALLOWED_ORIGINS: 'https://app.example.com' });
    });
    afterAll(() => host.stop());

    it(`answers every generated request in the one shape (${HTTP_RUNS} cases)`, async () => {
      const methods = fc.oneof(
        { weight: 4, arbitrary: fc.constant('route') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        },
      );
      await fc.assert(
        fc.asyncProperty(caseArb, methods, fc.boolean(), async (c, m, encode) => {
          const method = m === 'route' ? c.route.trigger.methods[0]! : m;
          const hasBody = method !== 'GET' && method !== 'HEAD';
          const path = `/${pathOf(c.route, c.params, encode).replace(/[?#]/g, '')}`;
          let res: Response;
          try {
            res = await fetch(`${host.url}${path}${c.query ? `?${c.query}` : ''}`, {
              method,
              headers: c.headers,
              body: hasBody ? c.body : undefined,
            });
          } catch (err) {
            // fetch refuses some URLs and header values itself; nothing reached the host.
            if (err instanceof TypeError && !/fetch failed/.test(err.message)) return;
            throw err;
          }
          const text = await res.text();
          const problem = shapeProblem(res.status, text, method);
          if (problem) throw new Error(`${method} ${path.slice(0, 80)}: ${problem}`);
          expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        }),
        { numRuns: HTTP_RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261202) },
      );
    }, 120_000);

    it(`answers raw requests with lying Content-Length, oversize headers and bodies (${RAW_RUNS} cases)`, async () => {
      const rawCase = fc.record({
        route: fc.constantFrom(...routes),
        body: bodyText,
        lie: fc.integer({ min: -40, max: 40 }),
        headerBytes: fc.oneof(
          { weight: 4, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.integer({ min: 1, max: 40_000 }) },
        ),
        chunkedBytes: fc.oneof(
          { weight: 4, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 * 1024 * 1024 }) },
        ),
        end: fc.boolean(),
      });
      const cases = fc.sample(rawCase, {
        numRuns: RAW_RUNS,
        seed: Number(process.env.FUZZ_SEED ?? 20261203),
      });
      const failures: string[] = [];
      // In parallel: a body shorter than its Content-Length waits for the host's 1 s request timeout.
      for (let i = 0; i < cases.length; i += 50) {
        await Promise.all(
          cases.slice(i, i + 50).map(async (c) => {
            const method = c.route.trigger.methods[0]!;
            const path = `/${pathOf(c.route, { userId: 'u1' }, true)}`;
            const payload = Buffer.from(c.body, 'utf8');
            const head = [
              `${method} ${path} HTTP/1.1`,
              'Host: 127.0.0.1',
              'Content-Type: application/json',
            ];
            if (c.headerBytes > 0) head.push(`X-Pad: ${'p'.repeat(c.headerBytes)}`);
            let bytes: Buffer;
            if (c.chunkedBytes > 0) {
              head.push('Transfer-Encoding: chunked', 'Connection: close', '', '');
              const chunk = Buffer.concat([
                Buffer.from('8000\r\n'),
                Buffer.alloc(0x8000, 'a'),
                Buffer.from('\r\n'),
              ]);
              bytes = Buffer.concat([
                Buffer.from(head.join('\r\n')),
                ...Array<Buffer>(Math.ceil(c.chunkedBytes / 0x8000)).fill(chunk),
                Buffer.from('0\r\n\r\n'),
              ]);
            } else {
              head.push(
                `Content-Length: ${Math.max(0, payload.length + c.lie)}`,
                'Connection: close',
                '',
                '',
              );
              bytes = Buffer.concat([Buffer.from(head.join('\r\n')), payload]);
            }
            const answer = await rawExchange(host.port, bytes, { end: c.end, timeoutMs: 8000 });
            if (typeof answer === 'string')
              failures.push(`${answer}: ${JSON.stringify({ ...c, body: c.body.slice(0, 60) })}`);
            else {
              const problem = shapeProblem(answer.status, answer.body);
              if (problem)
                failures.push(`${problem}: ${JSON.stringify({ ...c, body: c.body.slice(0, 60) })}`);
            }
          }),
        );
      }
      expect(failures).toEqual([]);
    }, 120_000);

    it('is still healthy afterwards, with no incident logged', async () => {
      expect((await fetch(`${host.url}/api/health`)).status).toBe(200);
      expect(host.logger.lines.join('\n')).not.toMatch(/unexpected error/);
    });
  });
});
