import type { HttpHandler, HttpMethod, InvocationContext } from '@azure/functions';
import type { Deps } from './deps.js';
import { createDauHandler } from './functions/dau.js';
import { createHealthHandler } from './functions/health.js';
import { createIngestHandler } from './functions/ingest.js';
import { createScorerHandler } from './functions/scorer.js';
import { createUserScoresHandler } from './functions/userScores.js';

export interface HttpFunction {
  name: string;
  trigger: {
    type: 'http';
    methods: HttpMethod[];
    route: string;
    authLevel: 'anonymous' | 'function';
  };
  create: (deps: Deps) => HttpHandler;
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

export type FunctionDefinition = HttpFunction | QueueFunction;

/** The one list of functions: the Azure registrations and the local host are both built from it. */
export const functionTable: readonly FunctionDefinition[] = [
  {
    name: 'ingest',
    trigger: { type: 'http', methods: ['POST'], route: 'events', authLevel: 'function' },
    create: createIngestHandler,
  },
  {
    name: 'userScores',
    trigger: {
      type: 'http',
      methods: ['GET'],
      route: 'users/{userId}/scores',
      authLevel: 'function',
    },
    create: createUserScoresHandler,
  },
  {
    name: 'dau',
    trigger: { type: 'http', methods: ['GET'], route: 'stats/dau', authLevel: 'function' },
    create: createDauHandler,
  },
  {
    name: 'health',
    trigger: { type: 'http', methods: ['GET'], route: 'health', authLevel: 'anonymous' },
    create: createHealthHandler,
  },
  {
    name: 'scorer',
    trigger: {
      type: 'serviceBusQueue',
      connection: 'ServiceBusConnection',
      queueName: '%SERVICEBUS_QUEUE_NAME%',
      cardinality: 'many',
    },
    create: createScorerHandler,
  },
];

export const isHttpFunction = (f: FunctionDefinition): f is HttpFunction =>
  f.trigger.type === 'http';
