import { describe, expect, it } from 'vitest';

import { decideLink, type LinkFacts } from '../../../src/core/identity/decideLink.js';

const facts = (over: Partial<LinkFacts>): LinkFacts => ({
  previousId: 'anon:1',
  userId: 'ann',
  previousLinkedTo: undefined,
  previousHasLinks: false,
  userLinkedTo: undefined,
  ...over,
});

describe('decideLink', () => {
  it('records a fresh anonymous id onto the user', () => {
    expect(decideLink(facts({}))).toEqual({ kind: 'record', aliasId: 'anon:1', personId: 'ann' });
  });

  it('links onto the person of a user that is itself linked (one hop, no chains)', () => {
    expect(decideLink(facts({ userLinkedTo: 'bob' }))).toEqual({
      kind: 'record',
      aliasId: 'anon:1',
      personId: 'bob',
    });
  });

  it('knows a link already recorded, or an id linked to itself', () => {
    expect(decideLink(facts({ previousLinkedTo: 'ann' })).kind).toBe('known');
    expect(decideLink(facts({ previousId: 'ann' })).kind).toBe('known');
    expect(decideLink(facts({ previousId: 'bob', userLinkedTo: 'bob' })).kind).toBe('known');
  });

  it('refuses an id linked to someone else, and an identified person', () => {
    expect(decideLink(facts({ previousLinkedTo: 'bob' }))).toEqual({
      kind: 'refuse',
      reason: 'previous_id_linked_elsewhere',
      personId: 'ann',
    });
    expect(decideLink(facts({ previousId: 'bob', previousHasLinks: true }))).toEqual({
      kind: 'refuse',
      reason: 'previous_id_identified',
      personId: 'ann',
    });
  });
});
