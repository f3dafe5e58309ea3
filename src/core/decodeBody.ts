import { gunzipSync } from 'node:zlib';

export const MAX_BODY_BYTES = 1024 * 1024;

export type Decoded =
  | { ok: true; value: unknown; bytes: number }
  | { ok: false; status: 400 | 413 | 415; code: string; message: string };

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

/**
 * Turns the raw request body into a JSON value: checks the content type, inflates gzip with the size
 * limit applied to the inflated bytes, and names the position of a JSON syntax error.
 */
export function decodeBody(
  raw: Uint8Array,
  headers: { contentType?: string | null; contentEncoding?: string | null },
): Decoded {
  const type = headers.contentType?.trim();
  if (type && !JSON_TYPE.test(type)) {
    return {
      ok: false,
      status: 415,
      code: 'unsupported_media_type',
      message: `Content-Type must be application/json, not ${type}`,
    };
  }
  const encoding = headers.contentEncoding?.trim().toLowerCase() || 'identity';
  let bytes: Uint8Array = raw;
  if (encoding === 'gzip') {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: MAX_BODY_BYTES });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        return tooLarge('after gzip decoding');
      return { ok: false, status: 400, code: 'invalid_gzip', message: 'body is not valid gzip' };
    }
  } else if (encoding !== 'identity') {
    return {
      ok: false,
      status: 415,
      code: 'unsupported_encoding',
      message: `Content-Encoding must be gzip or identity, not ${encoding}`,
    };
  }
  if (bytes.byteLength > MAX_BODY_BYTES) return tooLarge('');
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.trim() === '')
    return { ok: false, status: 400, code: 'empty_body', message: 'body is empty' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown, bytes: bytes.byteLength };
  } catch (err) {
    const detail = (err as Error).message;
    const where = /position \d+/.test(detail) ? '' : ` at position ${text.length}`;
    return {
      ok: false,
      status: 400,
      code: 'invalid_json',
      message: `malformed JSON: ${detail}${where}`,
    };
  }
}

function tooLarge(when: string): Decoded {
  const suffix = when ? ` ${when}` : '';
  return {
    ok: false,
    status: 413,
    code: 'payload_too_large',
    message: `body must be at most ${MAX_BODY_BYTES} bytes${suffix}`,
  };
}
