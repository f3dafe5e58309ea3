import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { AuditLog, AuditRecord } from '../../src/ports/index.js';

export interface AuditLogUnderTest {
  log: AuditLog;
  cleanup(): Promise<void>;
}

export const auditRecord = (n: number, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  id: `rec-${String(n).padStart(3, '0')}`,
  at: `2026-12-04T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
  actor: 'key-a',
  action: 'suppression.add',
  target: `user-${n}`,
  ...extra,
});

/** The behaviour every AuditLog shares; each adapter's test file runs it against its own peer. */
export function auditLogContract(name: string, make: () => Promise<AuditLogUnderTest>): void {
  describe(`AuditLog contract: ${name}`, () => {
    let subject: AuditLogUnderTest;
    let log: AuditLog;
    beforeEach(async () => {
      subject = await make();
      log = subject.log;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('is empty at first', async () => {
      expect(await log.list({ limit: 10 })).toEqual({ items: [], cursor: null });
    });

    it('lists newest first, ties by id, and pages with the cursor to the end', async () => {
      const records = [1, 2, 3, 4, 5].map((n) => auditRecord(n));
      // two in the same millisecond
      records.push(auditRecord(6, { at: records[4]!.at }));
      await log.append(records.slice(0, 3));
      await log.append(records.slice(3));
      const expected = [...records]
        .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
        .map((r) => r.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const got = await log.list({ limit: 4, ...(cursor ? { cursor } : {}) });
        seen.push(...got.items.map((r) => r.id));
        if (got.cursor === null) break;
        cursor = got.cursor;
      }
      expect(seen).toEqual(expected);
      expect((await log.list({ limit: 1 })).items[0]).toEqual(
        records.find((r) => r.id === expected[0]),
      );
    });

    it('refuses a record with an id it already holds at that time (append-only)', async () => {
      await log.append([auditRecord(1)]);
      await expect(log.append([auditRecord(1, { target: 'changed' })])).rejects.toThrow();
      expect((await log.list({ limit: 10 })).items).toEqual([auditRecord(1)]);
    });

    it('refuses a cursor it did not make', async () => {
      await expect(log.list({ limit: 1, cursor: 'not-a-cursor' })).rejects.toThrow(RangeError);
    });
  });
}
