/**
 * A reader for the subset of Bicep that infra/ uses, so tests can check the templates offline
 * (the Bicep CLI cannot be installed here). Literals become JS values; anything computed stays an
 * Expr holding its source text. It throws on unbalanced brackets or an unterminated string.
 */

/** An expression kept as source text, e.g. `identity.properties.clientId` or `guid(a, b)`. */
export class Expr {
  constructor(readonly text: string) {}
}

export type Value = string | number | boolean | null | Expr | Value[] | { [key: string]: Value };
export type BicepObject = { [key: string]: Value };

export interface Decorated {
  decorators: Record<string, Value[]>;
}
export interface Param extends Decorated {
  type: string;
  default?: Value;
}
export interface Resource {
  symbol: string;
  type: string;
  existing: boolean;
  condition?: string;
  body: BicepObject;
  /** The line before the declaration, when it is a `//` comment. */
  comment?: string;
}
export interface Module {
  symbol: string;
  path: string;
  condition?: string;
  body: BicepObject;
  comment?: string;
}
export interface BicepFile {
  params: Map<string, Param>;
  vars: Map<string, Value>;
  resources: Resource[];
  modules: Module[];
  outputs: Map<string, { type: string; value: Value }>;
  /** `param x = value` lines of a .bicepparam file. */
  assignments: Map<string, Value>;
  using?: string;
}

class Scanner {
  i = 0;
  constructor(readonly s: string) {}

  fail(message: string): never {
    const line = this.s.slice(0, this.i).split('\n').length;
    throw new Error(`${message} at line ${line}`);
  }

  /** Skips spaces, comments and (when asked) newlines. */
  skip(newlines: boolean): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) this.i++;
      else if (this.s.startsWith('//', this.i)) {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      } else if (this.s.startsWith('/*', this.i)) {
        const end = this.s.indexOf('*/', this.i + 2);
        if (end < 0) this.fail('Unterminated comment');
        this.i = end + 2;
      } else return;
    }
  }

  /** Moves past a string starting at the current quote, interpolations included. */
  skipString(): void {
    if (this.s.startsWith("'''", this.i)) {
      const end = this.s.indexOf("'''", this.i + 3);
      if (end < 0) this.fail('Unterminated multi-line string');
      this.i = end + 3;
      return;
    }
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\') this.i += 2;
      else if (c === "'") {
        this.i++;
        return;
      } else if (this.s.startsWith('${', this.i)) {
        this.i += 2;
        this.skipBalanced('}');
      } else if (c === '\n') this.fail('Unterminated string');
      else this.i++;
    }
    this.fail('Unterminated string');
  }

  /** Moves past everything up to and including `close`, minding nesting, strings and comments. */
  skipBalanced(close: string): void {
    const closers: string[] = [close];
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === "'") this.skipString();
      else if (this.s.startsWith('//', this.i) || this.s.startsWith('/*', this.i)) this.skip(false);
      else if (c === '(' || c === '[' || c === '{') {
        closers.push(c === '(' ? ')' : c === '[' ? ']' : '}');
        this.i++;
      } else if (c === ')' || c === ']' || c === '}') {
        if (closers.pop() !== c) this.fail(`Unbalanced ${c}`);
        this.i++;
        if (closers.length === 0) return;
      } else this.i++;
    }
    this.fail(`Missing ${close}`);
  }

  identifier(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!m) this.fail('Expected an identifier');
    this.i += m[0].length;
    return m[0];
  }

  stringLiteral(): string {
    const start = this.i;
    if (this.s[this.i] !== "'") this.fail('Expected a string');
    this.skipString();
    const raw = this.s.slice(start, this.i);
    if (raw.includes('${')) this.fail('Expected a string without interpolation');
    return unescape(raw);
  }

  /** A quoted key; an interpolated one is kept as its source text. */
  keyString(): string {
    const start = this.i;
    this.skipString();
    const raw = this.s.slice(start, this.i);
    return raw.includes('${') ? raw : unescape(raw);
  }

  value(): Value {
    this.skip(true);
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[' && !/^\[\s*for\b/.test(this.s.slice(this.i))) return this.array();
    return this.scalar();
  }

  /** Reads to the end of the value (newline, comma or closing bracket at depth 0). */
  scalar(): Value {
    const start = this.i;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '\n' || c === ',' || c === '}' || c === ']' || c === ')') break;
      if (this.s.startsWith('//', this.i) || this.s.startsWith('/*', this.i)) break;
      if (c === "'") this.skipString();
      else if (c === '(' || c === '[' || c === '{') {
        this.i++;
        this.skipBalanced(c === '(' ? ')' : c === '[' ? ']' : '}');
      } else this.i++;
    }
    const raw = this.s.slice(start, this.i).trim();
    if (raw === '') this.fail('Expected a value');
    return classify(raw);
  }

  object(): BicepObject {
    this.i++; // {
    const out: BicepObject = {};
    for (;;) {
      this.skip(true);
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      if (this.i >= this.s.length) this.fail('Missing }');
      const key = this.s[this.i] === "'" ? this.keyString() : this.identifier();
      this.skip(false);
      if (key === 'resource' && this.s[this.i] !== ':') {
        const nested = this.resourceRest(undefined);
        out[`resource ${nested.symbol}`] = {
          type: nested.type,
          existing: nested.existing,
          ...nested.body,
        };
        continue;
      }
      if (this.s[this.i] !== ':') this.fail(`Expected : after ${key}`);
      this.i++;
      out[key] = this.value();
    }
  }

  array(): Value[] {
    this.i++; // [
    const out: Value[] = [];
    for (;;) {
      this.skip(true);
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === ']') {
        this.i++;
        return out;
      }
      if (this.i >= this.s.length) this.fail('Missing ]');
      out.push(this.value());
    }
  }

  /** After the `resource` keyword: symbol 'type@version' [existing] = [if (cond)] { body }. */
  resourceRest(comment: string | undefined): Resource {
    this.skip(false);
    const symbol = this.identifier();
    this.skip(false);
    const type = this.stringLiteral();
    this.skip(false);
    let existing = false;
    if (this.s.startsWith('existing', this.i)) {
      existing = true;
      this.i += 'existing'.length;
      this.skip(false);
    }
    const { condition, body } = this.assignedBody();
    return {
      symbol,
      type,
      existing,
      body,
      ...(condition ? { condition } : {}),
      ...(comment ? { comment } : {}),
    };
  }

  /** `= [if (cond)] { ... }` */
  assignedBody(): { condition?: string; body: BicepObject } {
    if (this.s[this.i] !== '=') this.fail('Expected =');
    this.i++;
    this.skip(true);
    let condition: string | undefined;
    if (this.s.startsWith('if', this.i)) {
      this.i += 2;
      this.skip(false);
      const start = this.i + 1;
      this.i++;
      this.skipBalanced(')');
      condition = this.s.slice(start, this.i - 1).trim();
      this.skip(true);
    }
    if (this.s[this.i] !== '{') this.fail('Expected {');
    return { body: this.object(), ...(condition ? { condition } : {}) };
  }
}

function unescape(raw: string): string {
  return raw
    .slice(1, -1)
    .replace(/\\(.)/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t' })[ch] ?? ch);
}

function classify(raw: string): Value {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?\d+$/.test(raw)) return Number(raw);
  if (/^'(?:[^'\\\n]|\\.)*'$/.test(raw) && !raw.includes('${')) return unescape(raw);
  return new Expr(raw);
}

function previousLineComment(s: string, at: number): string | undefined {
  const lines = s.slice(0, at).split('\n');
  lines.pop(); // the declaration's own line
  while (lines.length > 0 && /^\s*@/.test(lines[lines.length - 1]!)) lines.pop();
  const prev = lines[lines.length - 1]?.trim();
  return prev?.startsWith('//') ? prev.slice(2).trim() : undefined;
}

export function parseBicep(text: string): BicepFile {
  const sc = new Scanner(text);
  const file: BicepFile = {
    params: new Map(),
    vars: new Map(),
    resources: [],
    modules: [],
    outputs: new Map(),
    assignments: new Map(),
  };
  let decorators: Record<string, Value[]> = {};
  for (;;) {
    sc.skip(true);
    if (sc.i >= text.length) return file;
    const at = sc.i;
    if (text[sc.i] === '@') {
      sc.i++;
      const name = sc.identifier();
      if (text[sc.i] !== '(') sc.fail('Expected ( after decorator');
      sc.i++;
      const args: Value[] = [];
      for (;;) {
        sc.skip(true);
        if (text[sc.i] === ')') {
          sc.i++;
          break;
        }
        if (text[sc.i] === ',') {
          sc.i++;
          continue;
        }
        args.push(sc.value());
      }
      decorators[name] = args;
      continue;
    }
    const keyword = sc.identifier();
    sc.skip(false);
    switch (keyword) {
      case 'targetScope':
      case 'metadata': {
        if (keyword === 'metadata') sc.identifier();
        sc.skip(false);
        if (text[sc.i] !== '=') sc.fail('Expected =');
        sc.i++;
        sc.value();
        break;
      }
      case 'using':
        file.using = sc.stringLiteral();
        break;
      case 'param': {
        const name = sc.identifier();
        sc.skip(false);
        if (text[sc.i] === '=') {
          sc.i++;
          file.assignments.set(name, sc.value());
          break;
        }
        const type = sc.identifier();
        sc.skip(false);
        const param: Param = { type, decorators };
        if (text[sc.i] === '=') {
          sc.i++;
          param.default = sc.value();
        }
        file.params.set(name, param);
        break;
      }
      case 'var': {
        const name = sc.identifier();
        sc.skip(false);
        if (text[sc.i] !== '=') sc.fail('Expected =');
        sc.i++;
        file.vars.set(name, sc.value());
        break;
      }
      case 'output': {
        const name = sc.identifier();
        sc.skip(false);
        const type = sc.identifier();
        sc.skip(false);
        if (text[sc.i] !== '=') sc.fail('Expected =');
        sc.i++;
        file.outputs.set(name, { type, value: sc.value() });
        break;
      }
      case 'resource':
        file.resources.push(sc.resourceRest(previousLineComment(text, at)));
        break;
      case 'module': {
        const symbol = sc.identifier();
        sc.skip(false);
        const path = sc.stringLiteral();
        sc.skip(false);
        const { condition, body } = sc.assignedBody();
        const comment = previousLineComment(text, at);
        file.modules.push({
          symbol,
          path,
          body,
          ...(condition ? { condition } : {}),
          ...(comment ? { comment } : {}),
        });
        break;
      }
      default:
        sc.fail(`Unsupported statement ${keyword}`);
    }
    decorators = {};
  }
}

/** Nested resources declared inside a resource body, as `resource <symbol>` keys. */
export function nestedResources(
  body: BicepObject,
): { symbol: string; type: string; body: BicepObject }[] {
  const out: { symbol: string; type: string; body: BicepObject }[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (
      key.startsWith('resource ') &&
      value &&
      typeof value === 'object' &&
      !(value instanceof Expr)
    ) {
      const obj = value as BicepObject;
      out.push({
        symbol: key.slice('resource '.length),
        type: typeof obj.type === 'string' ? obj.type : '',
        body: obj,
      });
      out.push(...nestedResources(obj));
    }
  }
  return out;
}

/** Follows a dotted path through parsed objects. */
export function at(value: Value | undefined, path: string): Value | undefined {
  let v: Value | undefined = value;
  for (const key of path.split('.')) {
    if (
      v === null ||
      v === undefined ||
      typeof v !== 'object' ||
      v instanceof Expr ||
      Array.isArray(v)
    )
      return undefined;
    v = v[key];
  }
  return v;
}

/** Drops Expr wrappers into their text, for deep equality with plain objects. */
export function plain(value: Value | undefined): unknown {
  if (value instanceof Expr) return { expr: value.text };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}
