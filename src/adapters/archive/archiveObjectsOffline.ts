/**
 * Archive objects a rewrite could not read because they are in the Blob Archive tier: their
 * rehydration has been started, and the rewrite must be run again once it is done (hours).
 */
export class ArchiveObjectsOffline extends Error {
  constructor(
    readonly names: readonly string[],
    /** What the same call rewrote meanwhile among the objects it could read. */
    readonly done: { objects: number; lines: number },
  ) {
    super(
      `${names.length} archive object(s) are in the Archive tier (first: ${names[0]}); their rehydration to Cool has started, retry the deletion in a few hours`,
    );
    this.name = 'ArchiveObjectsOffline';
  }
}
