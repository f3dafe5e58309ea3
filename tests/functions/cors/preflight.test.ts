import azf from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { functionTable } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { parseCorsPolicy } from '../../../src/core/cors/corsPolicy.js';
import { bindHttpFunction } from '../../../src/functions/bindHttpFunction.js';
import { testDeps } from '../../support/testDeps.js';

const { HttpRequest, InvocationContext } = azf;

const preflightEntry = functionTable.find((f) => f.name === 'ingestPreflight')!;

function preflight(env: Record<string, string>, headers: Record<string, string>) {
  const loaded = loadConfig(env, 'local');
  if (!loaded.ok) throw new Error(loaded.message);
  if (preflightEntry.trigger.type !== 'http') throw new Error('not http');
  const handler = bindHttpFunction(preflightEntry as never, {
    ...testDeps(),
    config: loaded.config,
  });
  return handler(
    new HttpRequest({ method: 'OPTIONS', url: 'http://localhost/api/events', headers }),
    new InvocationContext(),
  );
}

describe('CORS preflight on ingest', () => {
  it('is a public OPTIONS entry on the ingest route', () => {
    expect(preflightEntry).toMatchObject({
      trigger: { methods: ['OPTIONS'], route: 'api/events' },
      access: 'public',
    });
  });

  it('allows a listed origin with the methods and headers a browser client needs', async () => {
    const res = await preflight(
      { CORS_ALLOWED_ORIGINS: 'https://a.example, https://app.example.com' },
      { origin: 'https://APP.example.com', 'access-control-request-method': 'POST' },
    );
    const h = new Headers(res.headers);
    expect(res.status).toBe(204);
    expect(h.get('access-control-allow-origin')).toBe('https://APP.example.com');
    expect(h.get('access-control-allow-methods')).toBe('POST');
    expect(h.get('access-control-allow-headers')).toMatch(/authorization.*idempotency-key/);
    expect(h.get('access-control-max-age')).toBe('600');
    expect(h.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers * with a wildcard, an unlisted origin 403, and no Origin 204 with Allow', async () => {
    const any = await preflight({ CORS_ALLOWED_ORIGINS: '*' }, { origin: 'https://x.example' });
    expect(new Headers(any.headers).get('access-control-allow-origin')).toBe('*');
    const denied = await preflight({}, { origin: 'https://x.example' });
    expect(denied.status).toBe(403);
    expect(denied.jsonBody).toMatchObject({ error: { code: 'origin_not_allowed' } });
    const plain = await preflight({}, {});
    expect(plain.status).toBe(204);
    expect(new Headers(plain.headers).get('allow')).toBe('POST, OPTIONS');
  });
});

describe('CORS_ALLOWED_ORIGINS', () => {
  it('parses a comma list case-insensitively and refuses a malformed value at startup', () => {
    expect(parseCorsPolicy(' https://A.example ,https://b.example:8443')).toEqual({
      any: false,
      origins: new Set(['https://a.example', 'https://b.example:8443']),
    });
    const bad = loadConfig({ CORS_ALLOWED_ORIGINS: 'app.example.com' }, 'local');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/^Setting CORS_ALLOWED_ORIGINS is invalid/);
  });
});
