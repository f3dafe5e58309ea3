import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { quietLogger, startTestHost, type TestHost } from '../support/localHost.js';
import { createTestAccess } from '../support/testAccess.js';

/*
 * Nesting of any depth is a per-message rejection: JSON.stringify and structuredClone overflow the
 * stack at a few thousand levels, so nothing on these routes may serialise or walk a message
 * recursively before its depth is known. Once a 5,000-level message answered 503 (setting it aside
 * threw), which told the SDK to retry the same bad batch for ever.
 */

let host: TestHost;

beforeAll(async () => {
  host = await startTestHost({}, mkdtempSync(join(tmpdir(), 'scoring-deep-')), {
    access: createTestAccess({ 'w-key': { keyId: 'key-w', name: 'web', scope: 'write' } }),
  });
});

afterAll(async () => {
  await host?.close();
  host?.removeData();
});

/** `{"a":{"a":…1…}}` (5,000 levels fit in a 32 KiB message) or `[[…]]` (100,000 fit in a batch). */
const deep = (levels: number): string =>
  levels <= 5_000
    ? '{"a":'.repeat(levels) + '1' + '}'.repeat(levels)
    : '['.repeat(levels) + ']'.repeat(levels);

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${host.url}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.each([5_000, 100_000])('a message nested %i levels deep', (levels) => {
  const tooDeep = levels <= 5_000 ? 'too_deep' : 'too_big';

  it('is one rejection in the 200 answer of /v1/batch, the rest of the batch taken', async () => {
    const body = `{"writeKey":"w-key","batch":[{"type":"track","event":"Deep","userId":"deep-seg","messageId":"deep-${levels}","properties":{"x":${deep(levels)}}},{"type":"track","event":"Fine","userId":"deep-seg","messageId":"fine-${levels}"}]}`;
    const res = await post('v1/batch', body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, accepted: 1 });
    expect(res.body.rejected).toMatchObject([
      { index: 0, messageId: `deep-${levels}`, errors: [{ code: tooDeep }] },
    ]);
    if (tooDeep === 'too_deep') {
      const path = (res.body.rejected as { errors: { path: string }[] }[])[0]!.errors[0]!.path;
      // properties (level 1) → x (2) → a × 30 (32): the 33rd level is where it goes too deep
      expect(path).toBe(['properties', 'x', ...Array<string>(31).fill('a')].join('.'));
    }
  });

  it('is one rejection in the 200 answer of PostHog /batch', async () => {
    const body = `{"api_key":"w-key","batch":[{"event":"deep","distinct_id":"deep-ph","uuid":"0190f3c2-7b1e-7a11-9c2b-${String(levels).padStart(12, '0')}","properties":{"x":${deep(levels)}}},{"event":"fine","distinct_id":"deep-ph"}]}`;
    const res = await post('batch', body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'Ok', accepted: 1 });
    expect(res.body.rejected).toMatchObject([{ index: 0, errors: [{ code: tooDeep }] }]);
  });

  it('is one rejected result of POST /api/events', async () => {
    const body = `{"events":[{"userId":"deep-api","type":"deep","properties":{"x":${deep(levels)}}},{"userId":"deep-api","type":"fine"}]}`;
    const res = await post('api/events', body, {
      'content-type': 'application/json',
      authorization: 'Bearer w-key',
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(res.body.results).toMatchObject([
      { index: 0, status: 'rejected', errors: [{ code: tooDeep }] },
      { index: 1, status: 'accepted' },
    ]);
  });
});

describe('after the deep messages', () => {
  it('kept a copy of each rejected compat message (a note in place of the deep part) and stays healthy', async () => {
    const sink = host.deps.deadLetters as unknown as { count?: () => number };
    expect(sink.count?.()).toBe(4);
    expect((await fetch(`${host.url}/api/health`)).status).toBe(200);
    expect(quietLogger.lines.join('\n')).not.toMatch(/unexpected error|could not set/);
  });
});
