import type {
  HttpMethod,
  HttpRequest,
  HttpResponseInit,
  InvocationContext,
} from '@azure/functions';

import type { Caller, Scope } from './core/access/scope.js';
import type { Deps } from './wiring/deps.js';

/** A handler of the table: the HttpHandler of @azure/functions plus the caller its key proved. */
export type ApiHandler = (
  request: HttpRequest,
  context: InvocationContext,
  caller: Caller,
) => Promise<HttpResponseInit>;

export interface HttpFunction {
  name: string;
  trigger: {
    type: 'http';
    methods: HttpMethod[];
    /** Full path without the leading slash: host.json sets routePrefix "" so /v1/batch can exist. */
    route: string;
    /** Always anonymous: our API keys do the authentication (see README, "Access"). */
    authLevel: 'anonymous';
  };
  /**
   * The key scope the route needs, or `public`. `cost` is what one call takes from the caller's
   * bucket: `request` is taken by the wrapper, `events` by the handler once it knows the count.
   */
  access:
    | { scope: Scope; cost: 'request' | 'events' }
    /** The handler authenticates: the key is in a header or, failing that, in the body (Segment, PostHog). */
    | { scope: Scope; cost: 'events'; key: 'header-or-body' }
    | 'public';
  create: (deps: Deps) => ApiHandler;
  /**
   * Called from web pages with a key written in the page (ingest, the SDK routes): any origin may
   * call it unless CORS_ALLOWED_ORIGINS narrows that, and it has an OPTIONS entry (README, "CORS").
   */
  browser?: true;
}

export type QueueHandler = (messages: unknown[], context: InvocationContext) => Promise<void>;

export interface QueueFunction {
  name: string;
  trigger: {
    type: 'serviceBusQueue';
    /** App setting prefix of the identity-based connection. */
    connection: string;
    /** Binding expression resolved from app settings by the host. */
    queueName: string;
    cardinality: 'many';
  };
  create: (deps: Deps) => QueueHandler;
}

export type TimerHandler = (timer: unknown, context: InvocationContext) => Promise<void>;

export interface TimerFunction {
  name: string;
  trigger: {
    type: 'timer';
    /** NCRONTAB (with seconds) of the Azure timer trigger. */
    schedule: string;
    /** The same period for the local host's scheduler under npm start. */
    everyMinutes: number;
  };
  create: (deps: Deps) => TimerHandler;
}

export type FunctionDefinition = HttpFunction | QueueFunction | TimerFunction;

export const isHttpFunction = (f: FunctionDefinition): f is HttpFunction =>
  f.trigger.type === 'http';

export const isTimerFunction = (f: FunctionDefinition): f is TimerFunction =>
  f.trigger.type === 'timer';
