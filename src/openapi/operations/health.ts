import type { OperationDocs } from '../operationDocs.js';
import { healthSchema } from '../schemas.js';

export const healthDocs: OperationDocs = {
  summary: 'Is the service usable?',
  description: 'Probes the queue and the store, and names the loaded model.',
  tags: ['service'],
  responses: {
    '200': {
      description: 'Queue, store and model are usable',
      content: {
        'application/json': {
          schema: healthSchema,
          examples: {
            default: {
              value: {
                status: 'ok',
                checks: {
                  queue: { status: 'ok' },
                  store: { status: 'ok' },
                  model: { status: 'ok', detail: 'purchase-propensity@3' },
                },
                access: { mode: 'keys' },
              },
            },
          },
        },
      },
    },
    '503': {
      description: 'Something is down; `down` names it',
      content: { 'application/json': { schema: healthSchema } },
    },
  },
};
