import azf from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../../src/config.js';
import { parseCorsPolicy } from '../../../src/core/cors/corsPolicy.js';
import { bindHttpFunction } from '../../../src/functions/bindHttpFunction.js';
import { functionTable } from '../../../src/functionTable.js';
import { isHttpFunction } from '../../../src/functionTypes.js';
import { startTestHost } from '../../support/localHost.js';
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

  it('answers * with a wildcard, unset with a wildcard too, an unlisted origin 403, and no Origin 204 with Allow', async () => {
    const any = await preflight({ CORS_ALLOWED_ORIGINS: '*' }, { origin: 'https://x.example' });
    expect(new Headers(any.headers).get('access-control-allow-origin')).toBe('*');
    const unset = await preflight({}, { origin: 'https://x.example' });
    expect(unset.status).toBe(204);
    expect(new Headers(unset.headers).get('access-control-allow-origin')).toBe('*');
    const denied = await preflight(
      { CORS_ALLOWED_ORIGINS: 'https://a.example' },
      { origin: 'https://x.example' },
    );
    expect(denied.status).toBe(403);
    expect(denied.jsonBody).toMatchObject({ error: { code: 'origin_not_allowed' } });
    const plain = await preflight({}, {});
    expect(plain.status).toBe(204);
    expect(new Headers(plain.headers).get('allow')).toBe('POST, OPTIONS');
  });
});

describe('CORS on every browser route', () => {
  const http = functionTable.filter(isHttpFunction);
  const bind = (name: string, env: Record<string, string> = {}) => {
    const loaded = loadConfig(env, 'local');
    if (!loaded.ok) throw new Error(loaded.message);
    const definition = http.find((f) => f.name === name)!;
    return bindHttpFunction(definition, { ...testDeps(), config: loaded.config });
  };

  it('gives every ingest and SDK route its OPTIONS entry, and no read or admin route one', () => {
    const browser = http.filter((f) => f.browser && !f.trigger.methods.includes('OPTIONS'));
    expect(browser.map((f) => f.name)).toEqual(
      expect.arrayContaining(['ingest', 'segmentT', 'segmentB', 'segmentSettings', 'posthogE']),
    );
    for (const f of browser) {
      const pre = http.find((p) => p.name === `${f.name}Preflight`);
      expect(pre, f.name).toMatchObject({
        trigger: { route: f.trigger.route, methods: ['OPTIONS'] },
        access: 'public',
      });
    }
    for (const name of ['userScores', 'dau', 'userSummary', 'metrics']) {
      expect(http.find((f) => f.name === name)!.browser, name).toBeUndefined();
      expect(http.some((f) => f.name === `${name}Preflight`)).toBe(false);
    }
  });

  it('echoes the requested headers a library sends (X-Retry-Count, Authorization)', async () => {
    const res = await bind('segmentTPreflight')(
      new HttpRequest({
        method: 'OPTIONS',
        url: 'http://localhost/v1/t',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-retry-count,x-custom',
        },
      }),
      new InvocationContext(),
    );
    expect(res.status).toBe(204);
    const allowed = new Headers(res.headers).get('access-control-allow-headers')!.split(', ');
    expect(allowed).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'x-retry-count', 'x-custom']),
    );
  });

  it('puts Access-Control-Allow-Origin on ingest answers, errors included, from any origin while unset; read routes get none', async () => {
    const origin = { origin: 'https://shop.example' };
    const refused = await bind('segmentT')(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost/v1/t',
        headers: origin,
        body: { string: '{' },
      }),
      new InvocationContext(),
    );
    expect(refused.status).toBe(400);
    expect(new Headers(refused.headers).get('access-control-allow-origin')).toBe('*');
    const read = await bind('dau')(
      new HttpRequest({ method: 'GET', url: 'http://localhost/api/stats/dau', headers: origin }),
      new InvocationContext(),
    );
    expect(new Headers(read.headers).get('access-control-allow-origin')).toBeNull();
    const narrowed = await bind('posthogE', { CORS_ALLOWED_ORIGINS: 'https://a.example' })(
      new HttpRequest({
        method: 'POST',
        url: 'http://localhost/e',
        headers: origin,
        body: { string: '{' },
      }),
      new InvocationContext(),
    );
    expect(new Headers(narrowed.headers).get('access-control-allow-origin')).toBeNull();
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

describe('CORS on the answers the local host gives itself', () => {
  it('puts Access-Control-Allow-Origin on a 413 and a 405 of a browser route, not on a read route', async () => {
    const host = await startTestHost();
    try {
      const origin = { origin: 'https://shop.example' };
      const big = await fetch(`${host.url}/e/`, {
        method: 'POST',
        headers: { ...origin, 'content-type': 'text/plain' },
        body: 'x'.repeat(2 * 1024 * 1024),
      });
      expect(big.status).toBe(413);
      expect(big.headers.get('access-control-allow-origin')).toBe('*');
      const wrong = await fetch(`${host.url}/v1/t`, { method: 'PUT', headers: origin, body: '{}' });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('access-control-allow-origin')).toBe('*');
      const read = await fetch(`${host.url}/api/stats/dau`, { method: 'PUT', headers: origin });
      expect(read.status).toBe(405);
      expect(read.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await host.close();
      host.removeData();
    }
  });
});
