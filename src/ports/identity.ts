import type { ProfileView } from '../core/identity/profileState.js';

/** An id as the figures count it: the person it belongs to and every id linked to that person. */
export interface Person {
  personId: string;
  /** The ids linked to the person (their anonymous ids), sorted; the person's own id not included. */
  linkedIds: string[];
}

export type { ProfileView };

/**
 * Links and profiles, written by ScoreStore.write from the events' `link`, `traits`, `traitsOnce`
 * and `group` (in the same transaction on SQLite). Implementations: embedded SQLite, Cosmos DB.
 */
export interface IdentityStore {
  /** The person `userId` counts as: itself when it was never linked. */
  person(userId: string): Promise<Person>;
  /** The profile of the person `userId` counts as; undefined when nothing was ever set. */
  profile(userId: string): Promise<ProfileView | undefined>;
  /** A group's profile (traits of group calls); undefined when none. */
  groupProfile(type: string, id: string): Promise<ProfileView | undefined>;
}
