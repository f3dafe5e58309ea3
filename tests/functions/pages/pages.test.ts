import { readFileSync } from 'node:fs';
import path from 'node:path';

import azf from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadPageCatalog } from '../../../src/adapters/pages/loadPageCatalog.js';
import { functionTable, isHttpFunction } from '../../../src/app.js';
import { appRoot } from '../../../src/appRoot.js';
import { contentTypeOf } from '../../../src/core/pages/contentTypeOf.js';
import { renderTemplate } from '../../../src/core/pages/renderTemplate.js';
import { bindHttpFunction } from '../../../src/functions/bindHttpFunction.js';
import { compileRoute } from '../../../src/local/httpHost.js';
import { startTestHost } from '../../support/localHost.js';
import { testDeps } from '../../support/testDeps.js';

const { HttpRequest, InvocationContext } = azf;
const version = (name: string) =>
  (
    JSON.parse(
      readFileSync(path.join(appRoot(), 'node_modules', name, 'package.json'), 'utf8'),
    ) as {
      version: string;
    }
  ).version;

describe('pages core', () => {
  it('knows the content types it serves', () => {
    expect(contentTypeOf('a/b.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('x.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('f.png')).toBe('image/png');
    expect(contentTypeOf('noext')).toBe('application/octet-stream');
  });

  it('renders asset links and names the missing ones', () => {
    const urlOf = (n: string) => (n === 'a.js' ? '/api/assets/app/1/a.js' : undefined);
    expect(renderTemplate('<script src="{{asset:a.js}}">', urlOf)).toEqual({
      ok: true,
      html: '<script src="/api/assets/app/1/a.js">',
    });
    expect(renderTemplate('{{asset:a.js}} {{asset:b.css}}', urlOf)).toEqual({
      ok: false,
      missing: ['b.css'],
    });
  });

  it('compiles a catch-all that takes the rest of the path but not nothing', () => {
    const { pattern, paramNames } = compileRoute('api/assets/{*path}');
    expect(paramNames).toEqual(['path']);
    expect(pattern.exec('/api/assets/uplot@1.6.32/uPlot.esm.js')?.[1]).toBe(
      'uplot@1.6.32/uPlot.esm.js',
    );
    expect(pattern.test('/api/assets/')).toBe(false);
    expect(pattern.test('/api/assets')).toBe(false);
  });
});

describe('the page catalog', () => {
  it('versions vendor files by package version and the app files by content hash', async () => {
    const catalog = await loadPageCatalog(appRoot());
    const keys = [...catalog.assets.keys()];
    expect(keys).toEqual(
      expect.arrayContaining([
        `swagger-ui-dist@${version('swagger-ui-dist')}/swagger-ui-bundle.js`,
        `uplot@${version('uplot')}/uPlot.esm.js`,
      ]),
    );
    const dashboardJs = keys.find((k) => k.endsWith('/dashboard.js'))!;
    expect(dashboardJs).toMatch(/^app\/[0-9a-f]{12}\/dashboard\.js$/);
    expect(catalog.pages.dashboard).toContain(`/api/assets/${dashboardJs}`);
    expect(catalog.pages.docs).not.toMatch(/\{\{asset:/);
    expect(catalog.pages.docs).not.toMatch(/https?:\/\//);
  });
});

describe('the pages on the local host', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.close();
    host.removeData();
  });

  it('serves the HTML pages and the document with no-cache and a same-origin CSP', async () => {
    for (const page of ['/api/docs', '/api/dashboard']) {
      const res = await fetch(`${host.url}${page}`);
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe');
      expect(await res.text()).toMatch(/^<!doctype html>/);
    }
    const doc = await fetch(`${host.url}/api/openapi.json`);
    expect(doc.headers.get('cache-control')).toBe('no-cache');
    expect(((await doc.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('serves every asset the pages link, with its type and immutable caching', async () => {
    const html =
      (await (await fetch(`${host.url}/api/docs`)).text()) +
      (await (await fetch(`${host.url}/api/dashboard`)).text());
    const links = [...new Set([...html.matchAll(/"(\/api\/assets\/[^"]+)"/g)].map((m) => m[1]!))];
    expect(links.length).toBeGreaterThanOrEqual(7);
    for (const link of links) {
      const res = await fetch(`${host.url}${link}`);
      expect(res.status, link).toBe(200);
      expect(res.headers.get('content-type'), link).toBe(contentTypeOf(link));
      expect(res.headers.get('cache-control'), link).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await res.arrayBuffer()).byteLength, link).toBeGreaterThan(100);
    }
  });

  it('serves nothing outside its list, however the path is encoded', async () => {
    const uplot = `uplot@${version('uplot')}`;
    for (const probe of [
      `/api/assets/${uplot}/..%2F..%2F..%2Fpackage.json`,
      `/api/assets/${uplot}/%2e%2e%2f%2e%2e%2fpackage.json`,
      '/api/assets/..%2fpackage.json',
      '/api/assets/%2E%2E/%2E%2E/package.json',
      `/api/assets/${uplot}/package.json`,
      `/api/assets/${uplot}/uPlot.cjs.js`,
      '/api/assets/app/000000000000/dashboard.js',
      '/api/assets/local.settings.example.json',
    ]) {
      const res = await fetch(`${host.url}${probe}`);
      expect(res.status, probe).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code, probe).toBe(
        'not_found',
      );
    }
  });
});

describe('the pages as the Functions host calls them', () => {
  const byName = (name: string) =>
    functionTable.filter(isHttpFunction).find((f) => f.name === name)!;
  const deps = testDeps();
  const call = (name: string, url: string, params: Record<string, string> = {}) =>
    bindHttpFunction(byName(name), deps)(
      new HttpRequest({ method: 'GET', url, params }),
      new InvocationContext({ functionName: name }),
    );

  it('answers the catch-all parameter the host passes, and 404 outside the list', async () => {
    const css = await call('assets', 'http://h/api/assets/x', {
      path: `uplot@${version('uplot')}/uPlot.min.css`,
    });
    expect(css.status).toBe(200);
    expect(new Headers(css.headers).get('content-type')).toBe('text/css; charset=utf-8');
    expect(Buffer.from(css.body as Uint8Array).toString()).toContain('.uplot');
    const escape = await call('assets', 'http://h/api/assets/x', { path: '../package.json' });
    expect(escape.status).toBe(404);
    const page = await call('dashboard', 'http://h/api/dashboard');
    expect(page.status).toBe(200);
    expect(page.body as string).toContain('data-chart="dau"');
  });
});
