import type { DeletionLedger, DeletionRequest } from '../../src/ports/index.js';

/** A DeletionLedger in memory, for the runner's tests; `saves` records every saved state in order. */
export function memoryDeletionLedger(): DeletionLedger & { saves: DeletionRequest[] } {
  const requests = new Map<string, DeletionRequest>();
  const saves: DeletionRequest[] = [];
  return {
    saves,
    async create(request) {
      if (!requests.has(request.id)) requests.set(request.id, structuredClone(request));
    },
    async get(id) {
      const found = requests.get(id);
      return found && structuredClone(found);
    },
    async save(request) {
      requests.set(request.id, structuredClone(request));
      saves.push(structuredClone(request));
    },
    async unfinished() {
      return [...requests.values()]
        .filter((r) => r.state !== 'done')
        .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt))
        .map((r) => structuredClone(r));
    },
    async entries() {
      return [...requests.values()].map((r) => ({
        fingerprints: r.fingerprints,
        receivedUpTo: r.receivedUpTo,
      }));
    },
    async close() {},
  };
}
