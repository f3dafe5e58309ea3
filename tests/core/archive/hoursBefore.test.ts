import { describe, expect, it } from 'vitest';

import { hoursBefore } from '../../../src/core/archive/hoursBefore.js';

/** A tree of partition names, and the prefixes the walk listed. */
function tree(hours: string[]) {
  const opened: string[] = [];
  const children = async (prefix: string) => {
    opened.push(prefix);
    const names = new Set<string>();
    for (const h of hours) {
      if (h.startsWith(prefix)) names.add(h.slice(prefix.length).split('/')[0]!);
    }
    return [...names].filter((n) => n.length > 0);
  };
  return { children, opened };
}

describe('hoursBefore', () => {
  it('finds the hours strictly before the cut-off, at every level, and never opens later ones', async () => {
    const hours = [
      '2025/12/31/23/',
      '2026/01/15/00/',
      '2026/03/01/09/',
      '2026/03/01/10/',
      '2026/03/01/11/',
      '2026/03/02/00/',
      '2026/04/01/00/',
      '2027/01/01/00/',
    ];
    const t = tree(hours);
    expect(await hoursBefore('2026/03/01/10/', t.children)).toEqual([
      '2025/12/31/23/',
      '2026/01/15/00/',
      '2026/03/01/09/',
    ]);
    expect(t.opened).not.toContain('2027/');
    expect(t.opened).not.toContain('2026/04/');
    expect(t.opened).not.toContain('2026/03/02/');
  });

  it('skips names that are not partitions, and finds none before the first hour', async () => {
    const t = tree(['2026/03/01/10/', 'tmp/x/y/z/']);
    expect(await hoursBefore('2026/03/01/10/', t.children)).toEqual([]);
    expect(await hoursBefore('2030/01/01/00/', t.children)).toEqual(['2026/03/01/10/']);
  });
});
