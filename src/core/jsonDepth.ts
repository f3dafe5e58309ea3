/**
 * True when `value` nests objects and arrays more than `limit` levels deep (a container is level 1,
 * its containers level 2, ...). Iterative and stopping at the first container past the limit, so a
 * client's nesting of any depth costs no stack: JSON.stringify, structuredClone and any recursive
 * walk overflow the stack at a few thousand levels, so values are measured with this first.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: [object, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [container, depth] = stack.pop()!;
    if (depth > limit) return true;
    const children: unknown[] = Array.isArray(container)
      ? container
      : Object.values(container as Record<string, unknown>);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
