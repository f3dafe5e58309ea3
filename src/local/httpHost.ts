import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Duplex } from 'node:stream';

import azf, { type HttpHandler, type HttpResponseInit } from '@azure/functions';

import { MAX_BODY_BYTES } from '../core/decodeBody.js';
import type { FieldError } from '../core/event.js';
import { SECURITY_HEADERS } from '../functions/bindHttpFunction.js';
import { badParams, problem } from '../functions/respond.js';
import { unexpectedError } from '../functions/unexpectedError.js';
import type { HttpFunction } from '../functionTypes.js';
import type { Logger } from '../ports/index.js';

interface Route {
  name: string;
  /** A browser route (ingest, the SDK routes): the host's own errors carry its CORS headers too. */
  browser: boolean;
  methods: string[];
  pattern: RegExp;
  paramNames: string[];
  handler: HttpHandler;
}

/** Node's default limit on the request line plus headers; beyond it the parser answers 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
/**
 * After a 413 the host keeps reading (and dropping) up to this much more of the body before it
 * answers and closes: a client still sending when the socket closes gets a reset, not the answer.
 */
export const MAX_DRAIN_BYTES = 16 * MAX_BODY_BYTES;
const DRAIN_MS = 5000;

export interface HttpHostOptions {
  /** Time to receive a whole request (headers and body), then 408. */
  requestTimeoutMs?: number;
  /**
   * The CORS headers of a browser route's answer to `origin` (see bindHttpFunction): put on the
   * answers the host gives itself (413, 405) so that a page can read them as it reads the handler's.
   */
  browserCors?: (origin: string | null) => Record<string, string>;
}

/**
 * Compiles a Functions route template ("api/users/{userId}/scores", "api/assets/{*path}"); host.json's
 * routePrefix is "". A catch-all takes the rest of the path and, as in the Functions host, not nothing.
 */
export function compileRoute(template: string): { pattern: RegExp; paramNames: string[] } {
  const paramNames: string[] = [];
  const source = template
    .split('/')
    .map((segment) => {
      const catchAll = /^\{\*(\w+)\}$/.exec(segment);
      if (catchAll) {
        paramNames.push(catchAll[1]!);
        return '(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) {
        paramNames.push(param[1]!);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^/${source}/?$`), paramNames };
}

/**
 * Serves the HTTP functions of the table on node:http the way the Functions host would: it builds
 * an @azure/functions HttpRequest and InvocationContext per call and writes the HttpResponseInit back.
 * Whatever a client sends gets an answer in the one error shape, including the errors node's own
 * parser raises (431, 408, 400), and nothing a request does can stop the process.
 */
export function createHttpHost(
  functions: { definition: HttpFunction; handler: HttpHandler }[],
  logger: Logger,
  options: HttpHostOptions = {},
): Server {
  const routes: Route[] = functions.map(({ definition, handler }) => ({
    name: definition.name,
    browser: definition.browser === true,
    methods: definition.trigger.methods,
    handler,
    ...compileRoute(definition.trigger.route),
  }));
  const requestTimeout = options.requestTimeoutMs ?? 30_000;

  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 20_000),
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, requestTimeout / 4)),
    },
    (req, res) => {
      req.on('error', () => undefined);
      res.on('error', () => undefined);
      handle(req, res).catch((err: unknown) => {
        const answer = unexpectedError(err, logger, { function: 'localHost', url: safePath(req) });
        if (!res.headersSent) send(res, answer);
        else res.destroy();
      });
    },
  );
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) =>
    answerClientError(err, socket),
  );
  return server;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseUrl(req);
    if (url === undefined) {
      return send(res, problem(400, 'invalid_url', 'the request target is not a valid URL path'));
    }
    const matches = routes
      .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
      .filter((m) => m.match !== null);
    if (matches.length === 0)
      return send(res, problem(404, 'not_found', `no function at ${truncate(url.pathname)}`));
    const origin = req.headers.origin ?? null;
    const cors =
      options.browserCors && matches.some((m) => m.route.browser)
        ? options.browserCors(origin)
        : {};
    const found = matches.find((m) => m.route.methods.includes(req.method ?? 'GET'));
    if (!found) {
      const allowed = matches.flatMap((m) => m.route.methods).join(', ');
      return send(
        res,
        problem(405, 'method_not_allowed', `use ${allowed}`, undefined, {
          allow: allowed,
          ...cors,
        }),
      );
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    const body = declared > MAX_BODY_BYTES ? 'tooLarge' : await readBody(req, MAX_BODY_BYTES);
    if (body === 'aborted') return; // the client went away mid-body: nobody to answer
    if (body === 'tooLarge') {
      await drain(req, MAX_DRAIN_BYTES, DRAIN_MS);
      return send(
        res,
        problem(
          413,
          'payload_too_large',
          `body must be at most ${MAX_BODY_BYTES} bytes`,
          undefined,
          cors,
        ),
        true,
      );
    }

    const params: Record<string, string> = {};
    const bad: FieldError[] = [];
    found.route.paramNames.forEach((name, i) => {
      const raw = found.match![i + 1]!;
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        bad.push({ path: name, code: 'invalid_encoding', message: 'malformed percent-encoding' });
      }
    });
    if (bad.length > 0) return send(res, badParams(bad));
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    let request: InstanceType<typeof azf.HttpRequest>;
    try {
      request = new azf.HttpRequest({
        method: req.method ?? 'GET',
        url: url.href,
        headers,
        params,
        // GET and HEAD bodies are dropped, as @azure/functions would (with a warning per request).
        body:
          body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD'
            ? { bytes: body }
            : undefined,
      });
    } catch (err) {
      return send(
        res,
        problem(400, 'invalid_header', `a request header is not valid: ${(err as Error).message}`),
      );
    }
    const context = new azf.InvocationContext({
      invocationId: randomUUID(),
      functionName: found.route.name,
      logHandler: (level, ...args) =>
        level === 'error'
          ? logger.error(args.join(' '), { function: found.route.name })
          : undefined,
    });
    send(res, await found.route.handler(request, context));
  }

  /** Errors node's HTTP parser raises before a request exists: answered on the raw socket. */
  function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    const inFlight = (socket as { _httpMessage?: ServerResponse })._httpMessage;
    if (
      err.code === 'ECONNRESET' ||
      err.code === 'EPIPE' ||
      !socket.writable ||
      inFlight?.headersSent
    ) {
      socket.destroy();
      return;
    }
    const [status, code, message] = clientErrorAnswer(err);
    const payload = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(payload)}\r\n` +
        Object.entries(SECURITY_HEADERS)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('') +
        'connection: close\r\n\r\n' +
        payload,
    );
    setTimeout(() => socket.destroy(), 1000).unref();
  }
}

function clientErrorAnswer(err: NodeJS.ErrnoException): [number, string, string] {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [
        431,
        'headers_too_large',
        `the request line and headers must be at most ${MAX_HEADER_BYTES} bytes`,
      ];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return [
        408,
        'request_timeout',
        'the request did not arrive in time (is Content-Length right?)',
      ];
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return [400, 'invalid_content_length', 'Content-Length is not valid for this request'];
    case 'HPE_INVALID_METHOD':
      return [400, 'invalid_method', 'the request method is not an HTTP method'];
    default:
      return [
        400,
        'malformed_request',
        `the request is not valid HTTP/1.1 (${err.code ?? 'parse error'})`,
      ];
  }
}

function parseUrl(req: IncomingMessage): URL | undefined {
  // The Host header is the client's to choose: a malformed one must not make the URL unparseable.
  const host = req.headers.host;
  const base =
    host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)
      ? host
      : 'localhost';
  try {
    return new URL(req.url ?? '/', `http://${base}`);
  } catch {
    return undefined;
  }
}

function safePath(req: IncomingMessage): string {
  return truncate((req.url ?? '').split('?')[0] ?? '');
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * The body, or 'tooLarge' as soon as it passes `limit` (the stream is left open and paused so the
 * host can drain it and answer), or 'aborted' when the client closed before sending all of it.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | 'tooLarge' | 'aborted') => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish('tooLarge');
      } else chunks.push(chunk);
    };
    const onEnd = () =>
      finish(req.complete ? (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)) : 'aborted');
    const onClose = () => finish(req.complete ? Buffer.concat(chunks) : 'aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}

/** Reads and drops the rest of a body, up to `maxBytes` or `maxMs`, so the answer that follows is read. */
function drain(req: IncomingMessage, maxBytes: number, maxMs: number): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      req.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) {
        req.pause();
        done();
      }
    };
    const timer = setTimeout(done, maxMs);
    req.on('data', onData);
    req.once('end', done);
    req.once('close', done);
    req.resume();
  });
}

/** A body the handler streams (a Readable, a web ReadableStream, an async iterable of bytes). */
function streamOf(body: HttpResponseInit['body']): AsyncIterable<Uint8Array> | undefined {
  if (body === null || body === undefined || typeof body === 'string') return undefined;
  if (body instanceof Uint8Array) return undefined;
  if (typeof (body as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function')
    return body as AsyncIterable<Uint8Array>;
  return undefined;
}

/**
 * Writes a streamed body chunk by chunk (chunked transfer encoding, no content-length), waiting
 * for the socket to drain; a failure mid-stream can no longer change the status, so it cuts the
 * connection and the client sees a truncated answer rather than a complete-looking one.
 */
async function sendStream(
  res: ServerResponse,
  response: HttpResponseInit,
  stream: AsyncIterable<Uint8Array>,
): Promise<void> {
  const headers: Record<string, string> = {};
  if (response.headers) new Headers(response.headers).forEach((v, k) => (headers[k] = v));
  Object.assign(headers, SECURITY_HEADERS);
  res.writeHead(response.status ?? 200, headers);
  try {
    for await (const chunk of stream) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  } catch {
    res.destroy();
  }
}

function send(res: ServerResponse, response: HttpResponseInit, close = false): void {
  const stream = streamOf(response.body);
  if (stream) {
    void sendStream(res, response, stream);
    return;
  }
  const headers: Record<string, string> = {};
  if (response.headers) new Headers(response.headers).forEach((v, k) => (headers[k] = v));
  let payload: string | Uint8Array | undefined;
  if (response.jsonBody !== undefined) {
    payload = JSON.stringify(response.jsonBody);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (typeof response.body === 'string' || response.body instanceof Uint8Array) {
    payload = response.body;
  }
  Object.assign(headers, SECURITY_HEADERS);
  headers['content-length'] = String(
    payload === undefined
      ? 0
      : typeof payload === 'string'
        ? Buffer.byteLength(payload)
        : payload.byteLength,
  );
  if (close) headers.connection = 'close';
  res.writeHead(response.status ?? 200, headers);
  res.end(payload);
}
