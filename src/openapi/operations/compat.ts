import { z } from 'zod';

import type { OperationDocs } from '../operationDocs.js';
import { posthogAnswerSchema, problemSchema, segmentAnswerSchema } from '../schemas.js';

const problems = {
  '400': 'Malformed JSON or not a message/batch',
  '413': 'Over 500 KB a batch or 32 KB a message',
  '503': 'The queue did not take the events; retry the whole request',
};
const errorAnswers = Object.fromEntries(
  Object.entries(problems).map(([status, description]) => [
    status,
    { description, content: { 'application/json': { schema: problemSchema } } },
  ]),
);

const segmentBodies: Record<string, Record<string, unknown>> = {
  batch: {
    batch: [
      {
        type: 'track',
        messageId: 'msg-1',
        userId: 'user-42',
        event: 'Order Completed',
        properties: { revenue: 42.5, product: { sku: 'A-1' } },
      },
    ],
    sentAt: '2026-03-01T10:00:00.000Z',
  },
  track: { userId: 'user-42', event: 'Order Completed', properties: { revenue: 42.5 } },
  identify: { userId: 'user-42', traits: { plan: 'pro' } },
  page: { userId: 'user-42', name: 'Pricing', properties: { path: '/pricing' } },
  screen: { userId: 'user-42', name: 'Home' },
  group: { userId: 'user-42', groupId: 'acme' },
  alias: { userId: 'user-42', previousId: 'anon-7' },
};

/** A Segment HTTP Tracking API route; `call` is the message type the path gives (batch: many). */
export function segmentDocs(call: keyof typeof segmentBodies): OperationDocs {
  return {
    summary: `Segment ${call === 'batch' ? 'batch / import' : call}`,
    description:
      "Segment's HTTP Tracking API, for unchanged Segment libraries (host = this app's origin). The write key as HTTP Basic user name, or `writeKey` in the body. Messages are mapped to events (README, mapping table); `messageId` becomes a UUIDv5 eventId, so retries never double-count. 200 even when some messages are rejected: they are listed.",
    tags: ['compatibility'],
    requestBody: {
      description: 'JSON, optionally gzip (Content-Encoding: gzip)',
      content: {
        'application/json': {
          schema: z.record(z.string(), z.unknown()),
          examples: { default: { value: segmentBodies[call] } },
        },
      },
    },
    responses: {
      '200': {
        description: 'The batch was taken',
        content: {
          'application/json': {
            schema: segmentAnswerSchema,
            examples: {
              default: { value: { success: true, accepted: 1, duplicates: 0, rejected: [] } },
            },
          },
        },
      },
      ...errorAnswers,
    },
  };
}

export const posthogDocs: OperationDocs = {
  summary: 'PostHog capture',
  description:
    "PostHog's capture endpoint for unchanged PostHog libraries (host = this app's origin): `{ api_key, batch, sent_at }` or one `{ api_key, event, distinct_id, properties, timestamp, uuid }`; gzip by Content-Encoding or `?compression=gzip-js`. `uuid` is the eventId (UUIDv5 when not a UUID).",
  tags: ['compatibility'],
  requestBody: {
    description: 'JSON, optionally gzip',
    content: {
      'application/json': {
        schema: z.record(z.string(), z.unknown()),
        examples: {
          default: {
            value: {
              api_key: 'esk_write_…',
              event: '$pageview',
              distinct_id: 'user-42',
              properties: { $current_url: 'https://example.com/pricing' },
              timestamp: '2026-03-01T10:00:00.000Z',
            },
          },
        },
      },
    },
  },
  responses: {
    '200': {
      description: 'Taken',
      content: {
        'application/json': {
          schema: posthogAnswerSchema,
          examples: {
            default: { value: { status: 'Ok', accepted: 1, duplicates: 0, rejected: [] } },
          },
        },
      },
    },
    ...errorAnswers,
  },
};
