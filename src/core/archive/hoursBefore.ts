/**
 * The hour partitions (`yyyy/mm/dd/hh/`) before `cutoff`, found by walking partition names one level
 * at a time (`children(prefix)` lists the names directly under a prefix, such as `2026/` under ``):
 * a year, month or day wholly before the cutoff is listed down to its hours; one wholly after is
 * never opened. Objects are never read.
 */
export async function hoursBefore(
  cutoff: string,
  children: (prefix: string) => Promise<string[]>,
): Promise<string[]> {
  const found: string[] = [];
  const walk = async (prefix: string, depth: number): Promise<void> => {
    for (const name of await children(prefix)) {
      if (!/^\d+$/.test(name)) continue;
      const next = `${prefix}${name}/`;
      const bound = cutoff.slice(0, next.length);
      if (next > bound) continue;
      if (depth === 3) {
        if (next < cutoff) found.push(next);
      } else if (next < bound) {
        await collect(next, depth + 1);
      } else {
        await walk(next, depth + 1);
      }
    }
  };
  // Wholly before the cutoff: every hour under it.
  const collect = async (prefix: string, depth: number): Promise<void> => {
    for (const name of await children(prefix)) {
      if (!/^\d+$/.test(name)) continue;
      if (depth === 3) found.push(`${prefix}${name}/`);
      else await collect(`${prefix}${name}/`, depth + 1);
    }
  };
  await walk('', 0);
  return found.sort();
}
