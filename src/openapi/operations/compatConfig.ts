import { z } from 'zod';

import {
  posthogFlagsAnswer,
  posthogRemoteConfig,
  posthogRemoteConfigScript,
} from '../../core/compat/posthogConfig.js';
import { segmentSettings } from '../../core/compat/segmentSettings.js';
import type { OperationDocs } from '../operationDocs.js';
import { problemSchema } from '../schemas.js';

const object = z.record(z.string(), z.unknown());
const notFound = {
  '404': {
    description: 'No project has this write key',
    content: { 'application/json': { schema: problemSchema } },
  },
  '429': {
    description: 'Over the key’s rate limit (one request)',
    content: { 'application/json': { schema: problemSchema } },
  },
};

export const writeKeyPath = z.object({
  writeKey: z.string().meta({ description: 'The write key', example: 'esk_write_example' }),
});
export const tokenPath = z.object({
  token: z
    .string()
    .meta({ description: 'The write key (PostHog project token)', example: 'phc_example' }),
});

export const segmentSettingsDocs: OperationDocs = {
  summary: 'Segment settings (cdnURL / cdnHost)',
  description:
    "What Segment's CDN serves analytics.js (`AnalyticsBrowser.load({ writeKey }, { cdnURL: '<this host>' })`) and the mobile libraries (`cdnHost: '<this host>/v1'`): `integrations['Segment.io'].apiHost` is this host plus `/v1`, `protocol` the request's; no destination, no remote plugin, remote metrics off. Costs one request of the key's bucket.",
  tags: ['compatibility'],
  requestParams: { path: writeKeyPath },
  responses: {
    '200': {
      description: 'The settings',
      content: {
        'application/json': {
          schema: object,
          examples: {
            default: {
              value: segmentSettings({
                writeKey: 'esk_write_example',
                host: 'localhost:7071',
                protocol: 'http',
              }),
            },
          },
        },
      },
    },
    ...notFound,
  },
};

export const posthogConfigDocs: OperationDocs = {
  summary: 'PostHog remote config (JSON)',
  description:
    'posthog-js reads it at load: no feature flags, surveys, session recording, site apps, heatmaps, dead clicks or web vitals; gzip capture. Costs one request of the key’s bucket.',
  tags: ['compatibility'],
  requestParams: { path: tokenPath },
  responses: {
    '200': {
      description: 'The remote config',
      content: {
        'application/json': {
          schema: object,
          examples: { default: { value: posthogRemoteConfig('phc_example') } },
        },
      },
    },
    ...notFound,
  },
};

export const posthogConfigJsDocs: OperationDocs = {
  summary: 'PostHog remote config (script)',
  description:
    'The script form posthog-js loads first: it sets `window._POSTHOG_REMOTE_CONFIG[token]` to the config above.',
  tags: ['compatibility'],
  requestParams: { path: tokenPath },
  responses: {
    '200': {
      description: 'The script',
      content: {
        'application/javascript': {
          schema: z.string(),
          examples: { default: { value: posthogRemoteConfigScript('phc_example') } },
        },
      },
    },
    ...notFound,
  },
};

export function posthogFlagsDocs(path: '/flags' | '/decide'): OperationDocs {
  return {
    summary: `PostHog ${path}`,
    description:
      'Answered for every caller without reading the body or the key: no flags, no surveys, no session recording (the fields of /flags v2 and /decide v3 both).',
    tags: ['compatibility'],
    responses: {
      '200': {
        description: 'No flags',
        content: {
          'application/json': {
            schema: object,
            examples: {
              default: { value: posthogFlagsAnswer('00000000-0000-4000-8000-000000000000') },
            },
          },
        },
      },
    },
  };
}
