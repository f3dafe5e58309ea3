/** Thrown by EventFiles.open when the days asked for do not fit the local cache's bound. */
export class CacheBoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheBoundError';
  }
}
