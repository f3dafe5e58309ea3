import azf from '@azure/functions';
import { describe, expect, it } from 'vitest';

import type { HttpFunction } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { bindHttpFunction } from '../../src/functions/bindHttpFunction.js';
import { recordingLogger } from '../support/rawHttp.js';
import { testDeps } from '../support/testDeps.js';

const { HttpRequest, InvocationContext } = azf;

const definition = (create: HttpFunction['create']): HttpFunction => ({
  name: 'probe',
  trigger: { type: 'http', methods: ['GET'], route: 'api/probe', authLevel: 'anonymous' },
  access: { scope: 'read', cost: 'request' },
  create,
});
const get = (headers: Record<string, string> = {}) =>
  new HttpRequest({ method: 'GET', url: 'http://localhost/api/probe', headers });

function depsWith(env: Record<string, string> = {}) {
  const loaded = loadConfig(env, 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  const logger = recordingLogger();
  return { ...testDeps(), config: loaded.config, logger };
}

describe('bindHttpFunction', () => {
  it('answers a thrown error (even a stack overflow) with a 500 and an incident id that is logged', async () => {
    const deps = depsWith();
    const overflow = (n: number): number => overflow(n + 1) + 1;
    const handler = bindHttpFunction(
      definition(() => async () => ({ status: 200, jsonBody: overflow(0) })),
      deps,
    );
    const res = await handler(get(), new InvocationContext({ invocationId: 'inv-1' }));
    expect(res.status).toBe(500);
    const incident = new Headers(res.headers).get('x-incident-id');
    expect(incident).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.jsonBody).toMatchObject({ error: { code: 'internal' } });
    expect((res.jsonBody as { error: { message: string } }).error.message).toContain(incident);
    const logged = deps.logger.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.find((l) => l.message === 'unexpected error')).toMatchObject({
      level: 'error',
      incidentId: incident,
      function: 'probe',
      invocationId: 'inv-1',
    });
  });

  it('adds nosniff to every answer and logs one request line with the trace id', async () => {
    const deps = depsWith();
    const handler = bindHttpFunction(
      definition(() => async () => ({ status: 204 })),
      deps,
    );
    const res = await handler(
      get({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }),
      new InvocationContext(),
    );
    expect(new Headers(res.headers).get('x-content-type-options')).toBe('nosniff');
    expect(JSON.parse(deps.logger.lines.at(-1)!)).toMatchObject({
      message: 'request',
      function: 'probe',
      status: 204,
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
  });

  it('adds CORS headers for an allowed origin only', async () => {
    const deps = depsWith({ CORS_ALLOWED_ORIGINS: 'https://app.example.com' });
    const handler = bindHttpFunction(
      definition(() => async () => ({ status: 200 })),
      deps,
    );
    const allowed = await handler(
      get({ origin: 'https://app.example.com' }),
      new InvocationContext(),
    );
    expect(new Headers(allowed.headers).get('access-control-allow-origin')).toBe(
      'https://app.example.com',
    );
    expect(new Headers(allowed.headers).get('vary')).toBe('Origin');
    const other = await handler(get({ origin: 'https://evil.example' }), new InvocationContext());
    expect(new Headers(other.headers).get('access-control-allow-origin')).toBeNull();
  });
});
