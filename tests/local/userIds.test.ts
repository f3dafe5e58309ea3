import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ScoredEvent } from '../../src/core/event.js';
import { ODD_USER_IDS, RICH_FIELDS } from '../adapters/storeContract.js';
import { eventually, quietLogger, startTestHost } from '../support/localHost.js';

type Host = Awaited<ReturnType<typeof startTestHost>>;

/** Real ids (Auth0, e-mail with +, Unicode) and ids with every character URLs and Cosmos DB treat specially. */
const USER_IDS = [...ODD_USER_IDS, 'google-oauth2|103476', 'auth0|5f7c8ec7c33c6c004bbafe82'];

describe('user ids through the HTTP routes of the local host', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host.close();
    host.removeData();
  });

  const get = async (path: string) => {
    const res = await fetch(`${host.url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('stores each id as sent and answers GET /api/users/{userId}/scores and /api/users/{userId}, percent-encoded', async () => {
    const { properties, context, traits, traitsOnce, integrations } = RICH_FIELDS;
    const events = USER_IDS.map((userId, i) => ({
      userId,
      type: 'checkout',
      occurredAt: `2026-11-24T10:${String(i).padStart(2, '0')}:00Z`,
      properties,
      context,
      traits,
      traitsOnce,
      integrations,
    }));
    const res = await fetch(`${host.url}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: USER_IDS.length, rejected: 0 });
    await host.consumer!.drain();

    for (const userId of USER_IDS) {
      const id = encodeURIComponent(userId);
      const scores = await eventually(async () => {
        const r = await get(`/api/users/${id}/scores`);
        return (r.body.items as unknown[] | undefined)?.length ? r : undefined;
      });
      expect(scores.status).toBe(200);
      expect(scores.body.userId).toBe(userId);
      const [doc] = scores.body.items as ScoredEvent[];
      expect(doc).toMatchObject({ userId, properties, context, traits, traitsOnce, integrations });
      const summary = await get(`/api/users/${id}`);
      expect(summary.status).toBe(200);
      expect(summary.body).toMatchObject({ userId, events: 1 });
    }
  });

  it('refuses ids the rule does not allow, naming the parameter, in the one error shape', async () => {
    for (const [path, code] of [
      [`/api/users/${encodeURIComponent('a\u0000b')}/scores`, 'invalid_user_id'],
      [`/api/users/${encodeURIComponent('x'.repeat(256))}/scores`, 'invalid_user_id'],
      // a lone surrogate in CESU-8 bytes is no UTF-8: it cannot even be decoded
      ['/api/users/%ED%A0%80/scores', 'invalid_encoding'],
      ['/api/users/%ZZ/scores', 'invalid_encoding'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.body, path).toMatchObject({ error: { errors: [{ path: 'userId', code }] } });
    }

    expect(quietLogger.lines.join('\n')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
