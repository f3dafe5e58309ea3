/**
 * A store holds days of one zone: its documents' `day` and every rollup. Opening it with another
 * TIMEZONE would mix two calendars silently, so the store refuses and names the way out.
 */
export class StoreZoneError extends Error {
  constructor(
    readonly recorded: string,
    readonly configured: string,
    readonly rebuilding: boolean,
  ) {
    super(
      rebuilding
        ? `the store is being rebuilt into ${recorded}; TIMEZONE is ${configured}. Finish it with: npm run rebuild-days -- --timezone ${recorded} (or set TIMEZONE=${recorded} once it is done)`
        : `the store holds days in ${recorded} but TIMEZONE is ${configured}: set TIMEZONE=${recorded}, or recompute every day and rollup in ${configured} with: npm run rebuild-days -- --timezone ${configured}`,
    );
    this.name = 'StoreZoneError';
  }
}
