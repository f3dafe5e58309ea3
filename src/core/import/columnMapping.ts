/** Where one CSV column goes: an event field, one property, or nowhere. */
export type ColumnTarget =
  | 'eventId'
  | 'userId'
  | 'type'
  | 'occurredAt'
  | 'amount'
  | 'properties'
  | { property: string }
  | 'ignore';

export type MappingOutcome = { ok: true; targets: ColumnTarget[] } | { ok: false; message: string };

const FIELDS = ['eventId', 'userId', 'type', 'occurredAt', 'amount', 'properties'] as const;

/** Header names recognised without --map, compared without case and underscores (event_id, eventId). */
const KNOWN: Record<string, ColumnTarget> = {
  eventid: 'eventId',
  userid: 'userId',
  eventtype: 'type',
  type: 'type',
  occurredat: 'occurredAt',
  amount: 'amount',
  properties: 'properties',
  propertiesjson: 'properties',
};

const squash = (name: string) => name.replace(/[_\s-]/g, '').toLowerCase();

/** Parses `--map col=field,col=properties.key,col=-`; the field names are the API's. */
export function parseMapOption(
  text: string | undefined,
): { ok: true; map: Map<string, ColumnTarget> } | { ok: false; message: string } {
  const map = new Map<string, ColumnTarget>();
  if (text === undefined || text.trim() === '') return { ok: true, map };
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    const column = pair.slice(0, at).trim();
    const field = pair.slice(at + 1).trim();
    if (at < 1 || column === '' || field === '') {
      return { ok: false, message: `--map: "${pair}" must be column=field` };
    }
    let target: ColumnTarget;
    if (field === '-') target = 'ignore';
    else if (field.startsWith('properties.') && field.length > 'properties.'.length) {
      target = { property: field.slice('properties.'.length) };
    } else if ((FIELDS as readonly string[]).includes(field)) target = field as ColumnTarget;
    else {
      return {
        ok: false,
        message: `--map: "${field}" is not a field; use ${FIELDS.join(', ')}, properties.<name> or -`,
      };
    }
    map.set(column, target);
  }
  return { ok: true, map };
}

/** Decides the target of every header column; an unknown column or a missing userId/type stops the import. */
export function resolveMapping(
  header: readonly string[],
  overrides: ReadonlyMap<string, ColumnTarget>,
): MappingOutcome {
  const targets: ColumnTarget[] = [];
  const taken = new Map<string, string>();
  for (const column of header) {
    const target = overrides.get(column) ?? KNOWN[squash(column)];
    if (target === undefined) {
      return {
        ok: false,
        message: `column "${column}" is not a known field; map it with --map "${column}=<field>" (or properties.${column}, or - to ignore)`,
      };
    }
    if (typeof target === 'string' && target !== 'ignore') {
      const other = taken.get(target);
      if (other !== undefined) {
        return { ok: false, message: `columns "${other}" and "${column}" both map to ${target}` };
      }
      taken.set(target, column);
    }
    targets.push(target);
  }
  for (const column of overrides.keys()) {
    if (!header.includes(column)) {
      return { ok: false, message: `--map names column "${column}", which the header lacks` };
    }
  }
  for (const required of ['userId', 'type'] as const) {
    if (!taken.has(required)) {
      return {
        ok: false,
        message: `no column holds ${required}; name one with --map <column>=${required}`,
      };
    }
  }
  return { ok: true, targets };
}
