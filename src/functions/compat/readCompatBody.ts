import type { HttpRequest } from '@azure/functions';

import { decodeBody, type Decoded } from '../../core/decodeBody.js';

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * The body as the SDKs send it: any Content-Type (browser libraries send text/plain), gzip named by
 * Content-Encoding, by PostHog's `?compression=gzip-js`, or recognised by its magic bytes.
 */
export async function readCompatBody(request: HttpRequest): Promise<Decoded> {
  const raw = new Uint8Array(await request.arrayBuffer());
  const compression = request.query.get('compression');
  if (compression !== null && compression !== 'gzip-js' && compression !== 'gzip') {
    return {
      ok: false,
      status: 400,
      code: 'unsupported_compression',
      message: `compression must be gzip-js or absent, not ${compression}`,
    };
  }
  const named = request.headers.get('content-encoding');
  const gzip = compression !== null || (!named && isGzip(raw));
  return decodeBody(raw, { contentType: null, contentEncoding: gzip ? 'gzip' : named });
}
