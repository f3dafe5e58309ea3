import { z } from 'zod';

import { MAX_BATCH_EVENTS } from '../../core/event.js';
import type { OperationDocs } from '../operationDocs.js';
import { ingestBodySchema, ingestResultSchema, problemSchema } from '../schemas.js';

const problem = (description: string) => ({
  description,
  content: { 'application/json': { schema: problemSchema } },
});

export const ingestDocs: OperationDocs = {
  summary: 'Send one event or a batch',
  description: `Validates each event on its own; the valid ones are durably queued before the answer. A batch holds up to ${MAX_BATCH_EVENTS} events and costs one rate-limit token per event, all or none.`,
  tags: ['ingest'],
  requestParams: {
    header: z.object({
      'content-encoding': z
        .enum(['gzip', 'identity'])
        .optional()
        .meta({ description: 'gzip bodies are inflated (at most 1 MiB either way)' }),
    }),
  },
  requestBody: {
    required: true,
    description: 'An event, or `{ sentAt?, events: [...] }`. JSON, optionally gzip-compressed.',
    content: {
      'application/json': {
        schema: ingestBodySchema,
        examples: {
          single: {
            summary: 'One event',
            value: {
              userId: 'user-42',
              type: 'add_to_cart',
              amount: 19.99,
              properties: { device: 'mobile' },
            },
          },
          batch: {
            summary: 'A batch with an idempotency key on one event',
            value: {
              events: [
                {
                  eventId: '3b241101-e2bb-4255-8caf-4136c566a962',
                  userId: 'user-42',
                  type: 'checkout',
                  amount: 59,
                },
                { userId: 'user-7', type: 'page_view' },
              ],
            },
          },
          invalidEvent: {
            summary: 'An event that breaks the contract',
            value: { userId: 'bad user', type: 'click' },
          },
          notAnEvent: { summary: 'A body that is no event', value: { events: [] } },
        },
      },
    },
  },
  responses: {
    '202': {
      description: 'At least one event was durably queued; see each result',
      content: {
        'application/json': {
          schema: ingestResultSchema,
          examples: {
            single: {
              value: {
                accepted: 1,
                rejected: 0,
                duplicates: 0,
                results: [
                  { index: 0, eventId: '0b8f3c52-51a1-4b9e-9d8e-2f0e61b0c7a1', status: 'accepted' },
                ],
              },
            },
            batch: {
              value: {
                accepted: 2,
                rejected: 0,
                duplicates: 0,
                results: [
                  { index: 0, eventId: '3b241101-e2bb-4255-8caf-4136c566a962', status: 'accepted' },
                  { index: 1, eventId: '6f1d2a8e-7c1b-4d55-a1f4-3a9f0f2b8c10', status: 'accepted' },
                ],
              },
            },
          },
        },
      },
    },
    '400': {
      description:
        'Nothing accepted: every event was rejected (per-event results) or the body is not an event or batch (one error)',
      content: {
        'application/json': {
          schema: z.union([
            ingestResultSchema.extend({ error: problemSchema.shape.error }),
            problemSchema,
          ]),
          examples: {
            invalidEvent: {
              value: {
                error: {
                  code: 'no_valid_event',
                  message: 'no event in the request is valid; each result names its errors',
                },
                accepted: 0,
                rejected: 1,
                duplicates: 0,
                results: [
                  {
                    index: 0,
                    eventId: null,
                    status: 'rejected',
                    errors: [
                      {
                        path: 'userId',
                        code: 'invalid_format',
                        message: 'may contain only A-Z a-z 0-9 _ . : @ -',
                      },
                    ],
                  },
                ],
              },
            },
            notAnEvent: {
              value: {
                error: {
                  code: 'invalid_body',
                  message: 'invalid body: events: must contain at least 1 event',
                  errors: [
                    { path: 'events', code: 'too_small', message: 'must contain at least 1 event' },
                  ],
                },
              },
            },
          },
        },
      },
    },
    '413': problem('The body is over 1 MiB (before or after gzip)'),
    '415': problem('Not application/json, or a Content-Encoding other than gzip'),
    '503': {
      ...problem('The queue did not take the events: nothing was accepted, retry the request'),
      headers: z.object({ 'Retry-After': z.string() }),
    },
  },
};
