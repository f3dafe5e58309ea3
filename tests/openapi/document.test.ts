import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { functionTable, type HttpFunction, isHttpFunction } from '../../src/app.js';
import { openapiDocument } from '../../src/functions/pages/openapiDocument.js';
import { buildDocument, toOpenApiPath } from '../../src/openapi/buildDocument.js';
import { operationDocs } from '../../src/openapi/operations/index.js';
import { startTestHost } from '../support/localHost.js';

/** The parts of an OpenAPI 3.1 document these tests read. */
interface Media {
  schema: object;
  examples?: Record<string, { value: unknown }>;
}
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  example?: unknown;
  schema?: { example?: unknown };
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media>; headers?: Record<string, unknown> }>;
  security?: unknown;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties: Record<string, Record<string, unknown>> }>;
    securitySchemes: Record<string, unknown>;
  };
}

const routes = functionTable.filter(isHttpFunction);
const built = openapiDocument();
if (!built.ok) throw new Error(built.message);
const doc = built.document as unknown as Document;

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options'];
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method]! })),
);

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
ajv.addFormat('date-time', { validate: (s: string) => !Number.isNaN(Date.parse(s)) });
ajv.addFormat('binary', /.*/s);
const validatorOf = (schema: object) => ajv.compile({ ...schema, components: doc.components });

/** The example requests of an operation, by name (see src/openapi/operationDocs.ts). */
function exampleRequests(path: string, op: Operation) {
  const params = op.parameters ?? [];
  const bodyExamples = op.requestBody?.content['application/json']?.examples ?? {};
  const names = new Set([
    ...Object.keys(bodyExamples),
    ...params.flatMap((p) => Object.keys(p.examples ?? {})),
  ]);
  const plainOf = (p: Parameter) => p.example ?? p.schema?.example;
  const pathParams = params.filter((p) => p.in === 'path');
  if (!op.requestBody && pathParams.every((p) => plainOf(p) !== undefined)) names.add('default');
  return [...names].map((name) => {
    let url = path;
    const query = new URLSearchParams();
    for (const p of params) {
      const plain = plainOf(p);
      const value =
        p.examples?.[name]?.value ?? (name === 'default' || p.in === 'path' ? plain : undefined);
      if (value === undefined) continue;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(text));
      if (p.in === 'query') query.set(p.name, text);
    }
    const search = query.toString();
    return { name, url: search ? `${url}?${search}` : url, body: bodyExamples[name]?.value };
  });
}

/** The one status whose response has an example of that name. */
function documentedStatus(op: Operation, name: string): string {
  let statuses = Object.entries(op.responses)
    .filter(([, r]) => Object.values(r.content ?? {}).some((c) => c.examples?.[name]))
    .map(([status]) => status);
  // An answer without a body (a 204) carries no example: the default request expects it.
  if (statuses.length === 0 && name === 'default')
    statuses = Object.entries(op.responses)
      .filter(([status, r]) => status.startsWith('2') && r.content === undefined)
      .map(([status]) => status);
  expect(statuses, `${op.operationId}: example "${name}" is answered by one status`).toHaveLength(
    1,
  );
  return statuses[0]!;
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it("has exactly the table's HTTP routes, each under its function's name", () => {
    const documented = operations.map(
      (o) => `${o.method.toUpperCase()} ${o.path} ${o.op.operationId}`,
    );
    const table = routes.flatMap((f) =>
      f.trigger.methods.map((m) => `${m} ${toOpenApiPath(f.trigger.route)} ${f.name}`),
    );
    expect(documented.sort()).toEqual(table.sort());
  });

  it('refuses a route added without docs, and docs without a route', () => {
    const extra: HttpFunction = {
      ...routes[0]!,
      name: 'undocumentedThing',
      trigger: { ...routes[0]!.trigger, route: 'api/thing' },
    };
    const missing = buildDocument([...routes, extra], operationDocs, { title: 't', version: '1' });
    expect(missing).toEqual({ ok: false, message: expect.stringContaining('undocumentedThing') });
    const orphan = buildDocument(routes.slice(1), operationDocs, { title: 't', version: '1' });
    expect(orphan).toEqual({ ok: false, message: expect.stringContaining(routes[0]!.name) });
  });

  it('names the keys each scoped route takes, with 401, 403 and 429 and the rate-limit headers', () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'apiKey',
      'basic',
      'bearer',
    ]);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({
      in: 'header',
      name: 'x-api-key',
    });
    for (const f of routes) {
      const op = doc.paths[toOpenApiPath(f.trigger.route)]![f.trigger.methods[0]!.toLowerCase()]!;
      if (f.access === 'public') {
        expect(op.security, f.name).toEqual([]);
        continue;
      }
      expect(op.security, f.name).toEqual([{ bearer: [] }, { apiKey: [] }, { basic: [] }]);
      expect(Object.keys(op.responses), f.name).toEqual(
        expect.arrayContaining(['401', '403', '429']),
      );
      expect(Object.keys(op.responses['429']!.headers!).sort()).toEqual([
        'RateLimit',
        'RateLimit-Policy',
        'Retry-After',
      ]);
      const ok = Object.keys(op.responses).find((s) => s.startsWith('2'))!;
      expect(Object.keys(op.responses[ok]!.headers!)).toEqual(['RateLimit-Policy', 'RateLimit']);
    }
  });

  it('documents single events and batches, gzip included, from the zod contract', () => {
    const ingest = doc.paths['/api/events']!.post!;
    const body = ingest.requestBody!.content['application/json']!;
    expect((body.schema as { anyOf: unknown }).anyOf).toEqual([
      { $ref: '#/components/schemas/Event' },
      { $ref: '#/components/schemas/Batch' },
    ]);
    expect(doc.components.schemas.Event!.properties.userId!.pattern).toBe('^[A-Za-z0-9_.:@-]+$');
    expect(doc.components.schemas.Batch!.properties.events!.maxItems).toBe(1000);
    expect(ingest.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'content-encoding' }),
    );
  });

  it('gives every example response a value its schema accepts', () => {
    let checked = 0;
    for (const { op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const media of Object.values(response.content ?? {})) {
          const validate = validatorOf(media.schema);
          for (const [name, example] of Object.entries(media.examples ?? {})) {
            checked++;
            expect(
              validate(example.value),
              `${op.operationId} ${status} ${name}: ${ajv.errorsText(validate.errors)}`,
            ).toBe(true);
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(operations.length);
  });

  describe('sent to the local host', () => {
    let host: Awaited<ReturnType<typeof startTestHost>>;
    beforeAll(async () => {
      host = await startTestHost();
    });
    afterAll(async () => {
      await host.close();
      host.removeData();
    });

    it('each example request gets the status the document gives it, in the documented shape', async () => {
      const sent: string[] = [];
      for (const { path, method, op } of operations) {
        for (const example of exampleRequests(path, op)) {
          const status = documentedStatus(op, example.name);
          const res = await fetch(`${host.url}${example.url}`, {
            method: method.toUpperCase(),
            ...(example.body !== undefined
              ? {
                  body: JSON.stringify(example.body),
                  headers: { 'content-type': 'application/json' },
                }
              : {}),
          });
          const label = `${op.operationId} "${example.name}" ${method.toUpperCase()} ${example.url}`;
          expect(res.status, label).toBe(Number(status));
          const content = op.responses[status]!.content;
          if (content === undefined) {
            // A documented answer without a body (a 204): none may come.
            expect(await res.text(), label).toBe('');
            sent.push(`${op.operationId}.${example.name}=${status}`);
            continue;
          }
          const [type, media] = Object.entries(content)[0]!;
          expect(res.headers.get('content-type'), label).toContain(type);
          const body = type === 'application/json' ? await res.json() : await res.text();
          const validate = validatorOf(media.schema);
          expect(validate(body), `${label}: ${ajv.errorsText(validate.errors)}`).toBe(true);
          sent.push(`${op.operationId}.${example.name}=${status}`);
        }
      }
      expect(sent).toEqual(
        expect.arrayContaining([
          'ingest.single=202',
          'ingest.batch=202',
          'ingest.invalidEvent=400',
          'ingest.notAnEvent=400',
          'userScores.default=200',
          'userScores.badLimit=400',
          'dau.badRange=400',
          'assets.traversal=404',
          'docs.default=200',
        ]),
      );
      expect(new Set(sent.map((s) => s.split('.')[0])).size).toBe(operations.length);
    });
  });
});
