/**
 * The pages load only from their own origin. No inline script or style: uPlot and Swagger UI set
 * styles through the CSSOM, which style-src does not govern; data: images are Swagger UI's icons.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export const htmlHeaders = (csp: string): Record<string, string> => ({
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy': csp,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
});

/** Every asset path holds a version or a content hash, so a cached copy never goes stale. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
