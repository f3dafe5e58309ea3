import { z } from 'zod';

/** The rate-limit headers of the IETF httpapi draft and Retry-After, as limited routes send them. */
export const rateLimitHeaders = z.object({
  'RateLimit-Policy': z.string().optional().meta({
    description:
      'The key\'s policy, e.g. `"default";q=100;w=1` (draft-ietf-httpapi-ratelimit-headers)',
  }),
  RateLimit: z
    .string()
    .optional()
    .meta({ description: 'What is left in the current window, e.g. `"default";r=99;t=1`' }),
});

export const retryAfterHeaders = rateLimitHeaders.extend({
  'Retry-After': z.string().meta({ description: 'Whole seconds to wait before retrying' }),
});
