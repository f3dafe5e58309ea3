/**
 * The resumable position: rows before `position` are all acknowledged. Batches finish out of order
 * (several are in flight), so a finished range waits until every range before it has finished.
 */
export function createWatermark<T>(start: number) {
  let position = start;
  const done = new Map<number, { end: number; value: T }>();
  return {
    get position() {
      return position;
    },
    /** Marks rows [from, end) finished; returns the values of the ranges the position moved over, in order. */
    finish(from: number, end: number, value: T): T[] {
      done.set(from, { end, value });
      const passed: T[] = [];
      for (let next = done.get(position); next; next = done.get(position)) {
        done.delete(position);
        passed.push(next.value);
        position = next.end;
      }
      return passed;
    },
  };
}
