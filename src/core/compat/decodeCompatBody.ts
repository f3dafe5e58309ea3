import { decodeBody, type Decoded, MAX_BODY_BYTES } from '../decodeBody.js';

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;.*)?$/i;
/** `data=` then a JSON value, percent-encoded or not (what URLSearchParams would leave). */
const DATA_PREFIX = 'data=';

export interface CompatBodyHints {
  /** PostHog's `?compression=` (gzip-js, gzip, base64), or null. */
  compression: string | null;
  contentType: string | null;
  contentEncoding: string | null;
}

const unsupported = (compression: string): Decoded => ({
  ok: false,
  status: 400,
  code: 'unsupported_compression',
  message: `compression must be gzip-js, gzip, base64 or absent, not ${compression}`,
});

/**
 * The body as the SDKs send it, whatever the Content-Type (browser libraries send text/plain):
 * gzip named by Content-Encoding, by PostHog's `?compression=gzip-js` or recognised by its magic
 * bytes; PostHog's form bodies `data=<JSON>` and `data=<base64 JSON>` (`?compression=base64`,
 * older posthog-js, sendBeacon, posthog-js-lite). Inflated and decoded sizes stay under the body limit.
 */
export function decodeCompatBody(raw: Uint8Array, hints: CompatBodyHints): Decoded {
  const compression = hints.compression?.trim().toLowerCase() ?? null;
  if (compression !== null && !['gzip-js', 'gzip', 'base64', ''].includes(compression))
    return unsupported(compression);
  const named = hints.contentEncoding?.trim().toLowerCase() || null;
  const gzip =
    compression === 'gzip-js' ||
    compression === 'gzip' ||
    named === 'gzip' ||
    (named === null && isGzip(raw));
  // decodeBody inflates with its output bounded, then parses; a form body is unwrapped first.
  const form = unwrapForm(raw, hints.contentType, compression === 'base64');
  if (form !== undefined) {
    if (!form.ok) return form;
    return decodeBody(form.bytes, { contentType: null, contentEncoding: null });
  }
  if (gzip && !isGzip(raw) && compression !== null && named === null) {
    // posthog-js falls back to an uncompressed body and sometimes leaves the parameter behind.
    return decodeBody(raw, { contentType: null, contentEncoding: null });
  }
  return decodeBody(raw, { contentType: null, contentEncoding: gzip ? 'gzip' : named });
}

type Unwrapped = { ok: true; bytes: Uint8Array } | Extract<Decoded, { ok: false }>;

/** The JSON bytes inside a `data=` form body; undefined when the body is no form. */
function unwrapForm(
  raw: Uint8Array,
  contentType: string | null,
  base64: boolean,
): Unwrapped | undefined {
  const declared = contentType !== null && FORM_TYPE.test(contentType.trim());
  const startsWithData =
    raw.length >= DATA_PREFIX.length &&
    Buffer.from(raw.subarray(0, DATA_PREFIX.length)).toString('latin1') === DATA_PREFIX;
  if (!declared && !startsWithData) return undefined;
  if (raw.byteLength > MAX_BODY_BYTES) return tooLarge();
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  let data: string | null;
  try {
    data = new URLSearchParams(text).get('data');
  } catch {
    data = null;
  }
  if (data === null || data.trim() === '') {
    return {
      ok: false,
      status: 400,
      code: 'invalid_form',
      message: 'a form body must carry the events in its data field',
    };
  }
  const trimmed = data.trim();
  if (!base64 && (trimmed.startsWith('{') || trimmed.startsWith('['))) {
    return { ok: true, bytes: new Uint8Array(Buffer.from(trimmed, 'utf8')) };
  }
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    return {
      ok: false,
      status: 400,
      code: 'invalid_base64',
      message: 'the data field is neither JSON nor base64',
    };
  }
  // Base64 decodes to at most 3/4 of its length, so the decoded body is bounded by the raw one.
  return { ok: true, bytes: new Uint8Array(Buffer.from(trimmed, 'base64')) };
}

function tooLarge(): Decoded & { ok: false } {
  return {
    ok: false,
    status: 413,
    code: 'payload_too_large',
    message: `body must be at most ${MAX_BODY_BYTES} bytes`,
  };
}
