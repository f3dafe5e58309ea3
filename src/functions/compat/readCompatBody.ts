import type { HttpRequest } from '@azure/functions';

import { decodeCompatBody } from '../../core/compat/decodeCompatBody.js';
import { type Decoded } from '../../core/decodeBody.js';

/** The request's body decoded the way the SDKs send it (see decodeCompatBody). */
export async function readCompatBody(request: HttpRequest): Promise<Decoded> {
  const raw = new Uint8Array(await request.arrayBuffer());
  return decodeCompatBody(raw, {
    compression: request.query.get('compression'),
    contentType: request.headers.get('content-type'),
    contentEncoding: request.headers.get('content-encoding'),
  });
}
