/** What a composition opened, closed once in reverse order; a failing close does not stop the others. */
export class Closers {
  readonly #closers: (() => Promise<void>)[] = [];

  add(close: () => Promise<void>): void {
    this.#closers.push(close);
  }

  /** Runs before everything added so far (telemetry flushes first, while clients are still open). */
  addFirst(close: () => Promise<void>): void {
    this.#closers.unshift(close);
  }

  async closeAll(): Promise<void> {
    const all = this.#closers.splice(0).reverse();
    for (const close of all) await close().catch(() => undefined);
  }
}
