/** One trait value with the event that set it: (at, eventId) orders the writes of a trait. */
export interface TraitEntry {
  v: unknown;
  at: string;
  e: string;
}

/**
 * What a profile keeps: each `traits` key with its latest write, each `traitsOnce` key with its
 * earliest, each group type with its latest id. Joining two states is commutative, associative and
 * idempotent, so the profile is the same whatever the order of arrival, redelivery or replay, and a
 * link merges the anonymous id's profile into the person's with the same join.
 */
export interface ProfileState {
  set: Record<string, TraitEntry>;
  once: Record<string, TraitEntry>;
  groups: Record<string, TraitEntry>;
}

/** What `GET /api/users/{userId}` shows: a `traits` value wins over a `traitsOnce` one. */
export interface ProfileView {
  traits: Record<string, unknown>;
  groups: Record<string, string>;
  /** occurredAt of the newest write kept; absent when nothing was ever set. */
  updatedAt?: string;
}

export interface ProfileWrite {
  eventId: string;
  occurredAt: string;
  traits?: Record<string, unknown> | undefined;
  traitsOnce?: Record<string, unknown> | undefined;
  group?: { type: string; id: string } | undefined;
}

/** Null-prototype records: a trait named `__proto__` is a key like any other. */
const bag = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

export const emptyProfile = (): ProfileState => ({ set: bag(), once: bag(), groups: bag() });

const later = (a: TraitEntry, b: TraitEntry) => a.at > b.at || (a.at === b.at && a.e > b.e);

function joinInto(
  into: Record<string, TraitEntry>,
  from: Record<string, TraitEntry>,
  wins: (a: TraitEntry, b: TraitEntry) => boolean,
): boolean {
  let changed = false;
  for (const key of Object.keys(from)) {
    const entry = from[key]!;
    const held = into[key];
    if (held === undefined || wins(entry, held)) {
      into[key] = { v: entry.v, at: entry.at, e: entry.e };
      changed = true;
    }
  }
  return changed;
}

function toEntries(values: Record<string, unknown>, at: string, e: string) {
  const entries = bag<TraitEntry>();
  for (const key of Object.keys(values)) entries[key] = { v: values[key], at, e };
  return entries;
}

/** Copies a state read from storage into null-prototype records (JSON.parse keeps `__proto__` as data). */
export function normaliseProfile(state: Partial<ProfileState> | undefined): ProfileState {
  const out = emptyProfile();
  if (state === undefined) return out;
  joinProfiles(out, {
    set: state.set ?? bag(),
    once: state.once ?? bag(),
    groups: state.groups ?? bag(),
  });
  return out;
}

/** Joins `from` into `into`; true when `into` changed. */
export function joinProfiles(into: ProfileState, from: ProfileState): boolean {
  const a = joinInto(into.set, from.set, later);
  const b = joinInto(into.once, from.once, (x, y) => later(y, x));
  const c = joinInto(into.groups, from.groups, later);
  return a || b || c;
}

/**
 * The state one event contributes to the profile of its person. With `group`, the traits describe
 * the group (see groupProfileWrite) and the person's profile only names the group.
 */
export function personProfileWrite(write: ProfileWrite): ProfileState | undefined {
  const state = emptyProfile();
  if (write.group) {
    state.groups[write.group.type] = { v: write.group.id, at: write.occurredAt, e: write.eventId };
    return state;
  }
  if (write.traits === undefined && write.traitsOnce === undefined) return undefined;
  if (write.traits) state.set = toEntries(write.traits, write.occurredAt, write.eventId);
  if (write.traitsOnce) state.once = toEntries(write.traitsOnce, write.occurredAt, write.eventId);
  return state;
}

/** The state a group call contributes to the group's own profile; undefined without `group`. */
export function groupProfileWrite(write: ProfileWrite): ProfileState | undefined {
  if (!write.group) return undefined;
  const state = emptyProfile();
  if (write.traits) state.set = toEntries(write.traits, write.occurredAt, write.eventId);
  if (write.traitsOnce) state.once = toEntries(write.traitsOnce, write.occurredAt, write.eventId);
  return state;
}

export function viewProfile(state: ProfileState): ProfileView {
  const traits = bag<unknown>();
  const groups = bag<string>();
  let updatedAt: string | undefined;
  const seen = (at: string) => {
    if (updatedAt === undefined || at > updatedAt) updatedAt = at;
  };
  for (const [key, entry] of Object.entries(state.once)) {
    traits[key] = entry.v;
    seen(entry.at);
  }
  for (const [key, entry] of Object.entries(state.set)) {
    traits[key] = entry.v;
    seen(entry.at);
  }
  for (const [key, entry] of Object.entries(state.groups)) {
    groups[key] = String(entry.v);
    seen(entry.at);
  }
  const view: ProfileView = { traits: { ...traits }, groups: { ...groups } };
  if (updatedAt !== undefined) view.updatedAt = updatedAt;
  return view;
}
