import { runInNewContext } from 'node:vm';

import azf from '@azure/functions';
import { describe, expect, it } from 'vitest';

import { openCaller } from '../../../src/core/access/scope.js';
import { createPosthogConfigHandler } from '../../../src/functions/compat/posthogConfigHandler.js';
import { createPosthogFlagsHandler } from '../../../src/functions/compat/posthogFlagsHandler.js';
import { createSegmentSettingsHandler } from '../../../src/functions/compat/segmentSettingsHandler.js';
import { createTestAccess } from '../../support/testAccess.js';
import { testDeps } from '../../support/testDeps.js';

const { HttpRequest, InvocationContext } = azf;

const keys = {
  'w-key': { keyId: 'k-w', name: 'web', scope: 'write' as const },
  'r-key': { keyId: 'k-r', name: 'dash', scope: 'read' as const },
};

function setup() {
  const deps = testDeps();
  const access = createTestAccess(keys);
  deps.access = access;
  return { deps, access };
}

const get = (url: string, params: Record<string, string>) =>
  new HttpRequest({ method: 'GET', url, params });

describe('Segment settings', () => {
  it('points Segment.io at the host the request reached, with no other integration, and costs one token', async () => {
    const { deps, access } = setup();
    const res = await createSegmentSettingsHandler(deps)(
      get('http://127.0.0.1:7071/v1/projects/w-key/settings', { writeKey: 'w-key' }),
      new InvocationContext(),
      openCaller,
    );
    expect(res.status).toBe(200);
    const body = res.jsonBody as {
      integrations: Record<string, { apiHost: string; protocol: string; apiKey: string }>;
      metrics: { sampleRate: number };
      remotePlugins: unknown[];
    };
    expect(Object.keys(body.integrations)).toEqual(['Segment.io']);
    expect(body.integrations['Segment.io']).toMatchObject({
      apiKey: 'w-key',
      apiHost: '127.0.0.1:7071/v1',
      protocol: 'http',
    });
    expect(body.metrics.sampleRate).toBe(0);
    expect(body.remotePlugins).toEqual([]);
    expect(access.taken).toBe(1);
    const https = await createSegmentSettingsHandler(deps)(
      get('https://app.example.net/v1/projects/w-key/settings', { writeKey: 'w-key' }),
      new InvocationContext(),
      openCaller,
    );
    expect(https.jsonBody).toMatchObject({
      integrations: { 'Segment.io': { apiHost: 'app.example.net/v1', protocol: 'https' } },
    });
  });

  it('answers 404 for an unknown key, 403 for a key without write, 429 when the bucket is empty', async () => {
    const { deps, access } = setup();
    const handler = createSegmentSettingsHandler(deps);
    const ask = (key: string) =>
      handler(
        get(`http://h/v1/projects/${key}/settings`, { writeKey: key }),
        new InvocationContext(),
        openCaller,
      );
    expect(await ask('nope')).toMatchObject({
      status: 404,
      jsonBody: { error: { code: 'unknown_write_key' } },
    });
    expect((await ask('r-key')).status).toBe(403);
    access.refuseFor(60_000, 3);
    expect(await ask('w-key')).toMatchObject({ status: 429, headers: { 'retry-after': '3' } });
  });
});

describe('PostHog load-time requests', () => {
  it('serves the remote config as JSON and as the script posthog-js runs', async () => {
    const { deps } = setup();
    const json = await createPosthogConfigHandler('json')(deps)(
      get('http://h/array/w-key/config', { token: 'w-key' }),
      new InvocationContext(),
      openCaller,
    );
    expect(json.status).toBe(200);
    expect(json.jsonBody).toMatchObject({
      token: 'w-key',
      hasFeatureFlags: false,
      sessionRecording: false,
      supportedCompression: ['gzip', 'gzip-js'],
    });
    expect(json.jsonBody).not.toHaveProperty('surveys');
    const script = await createPosthogConfigHandler('script')(deps)(
      get('http://h/array/w-key/config.js', { token: 'w-key' }),
      new InvocationContext(),
      openCaller,
    );
    expect(script.headers).toMatchObject({ 'content-type': expect.stringContaining('javascript') });
    const window: { _POSTHOG_REMOTE_CONFIG?: Record<string, { config: unknown }> } = {};
    runInNewContext(script.body as string, { window });
    expect(window._POSTHOG_REMOTE_CONFIG?.['w-key']?.config).toEqual(json.jsonBody);
  });

  it('refuses an unknown token with a 404', async () => {
    const { deps } = setup();
    const res = await createPosthogConfigHandler('script')(deps)(
      get('http://h/array/x/config.js', { token: 'x' }),
      new InvocationContext(),
      openCaller,
    );
    expect(res.status).toBe(404);
  });

  it('answers /flags and /decide with no flags, no surveys, no recording', async () => {
    const { deps } = setup();
    const res = await createPosthogFlagsHandler(deps)(
      new HttpRequest({ method: 'POST', url: 'http://h/flags/?v=2', body: { string: '{' } }),
      new InvocationContext(),
      openCaller,
    );
    expect(res.status).toBe(200);
    expect(res.jsonBody).toMatchObject({
      flags: {},
      featureFlags: {},
      errorsWhileComputingFlags: false,
      sessionRecording: false,
      surveys: false,
    });
  });
});
