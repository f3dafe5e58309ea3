import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import azf, { type HttpHandler, type HttpResponseInit } from '@azure/functions';
import type { HttpFunction } from '../app.js';
import { MAX_BODY_BYTES } from '../core/decodeBody.js';
import type { Logger } from '../ports.js';

interface Route {
  name: string;
  methods: string[];
  pattern: RegExp;
  paramNames: string[];
  handler: HttpHandler;
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
 */
export function createHttpHost(
  functions: { definition: HttpFunction; handler: HttpHandler }[],
  logger: Logger,
): Server {
  const routes: Route[] = functions.map(({ definition, handler }) => ({
    name: definition.name,
    methods: definition.trigger.methods,
    handler,
    ...compileRoute(definition.trigger.route),
  }));

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error(`local host: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent)
        send(res, {
          status: 500,
          jsonBody: { error: { code: 'internal', message: 'internal error' } },
        });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const matches = routes
      .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
      .filter((m) => m.match !== null);
    if (matches.length === 0)
      return send(res, errorBody(404, 'not_found', `no function at ${url.pathname}`));
    const found = matches.find((m) => m.route.methods.includes(req.method ?? 'GET'));
    if (!found) {
      const allowed = matches.flatMap((m) => m.route.methods).join(', ');
      return send(res, {
        ...errorBody(405, 'method_not_allowed', `use ${allowed}`),
        headers: { allow: allowed },
      });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      return send(
        res,
        errorBody(413, 'payload_too_large', `body must be at most ${MAX_BODY_BYTES} bytes`),
        true,
      );
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === undefined)
      return send(
        res,
        errorBody(413, 'payload_too_large', `body must be at most ${MAX_BODY_BYTES} bytes`),
        true,
      );

    const params: Record<string, string> = {};
    found.route.paramNames.forEach(
      (name, i) => (params[name] = decodeURIComponent(found.match![i + 1]!)),
    );
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    const request = new azf.HttpRequest({
      method: req.method ?? 'GET',
      url: url.href,
      headers,
      params,
      body: body.length > 0 ? { bytes: body } : undefined,
    });
    const context = new azf.InvocationContext({
      invocationId: randomUUID(),
      functionName: found.route.name,
      logHandler: (level, ...args) =>
        level === 'error' ? logger.error(args.join(' ')) : undefined,
    });
    send(res, await found.route.handler(request, context));
  }
}

function errorBody(status: number, code: string, message: string): HttpResponseInit {
  return { status, jsonBody: { error: { code, message } } };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

function send(res: ServerResponse, response: HttpResponseInit, close = false): void {
  const headers: Record<string, string> = {};
  if (response.headers) new Headers(response.headers).forEach((v, k) => (headers[k] = v));
  let payload: string | Uint8Array | undefined;
  if (response.jsonBody !== undefined) {
    payload = JSON.stringify(response.jsonBody);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (typeof response.body === 'string' || response.body instanceof Uint8Array) {
    payload = response.body;
  }
  if (close) headers.connection = 'close';
  res.writeHead(response.status ?? 200, headers);
  res.end(payload);
}
