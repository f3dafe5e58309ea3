/**
 * What PostHog's libraries ask for at load, answered "nothing to do": no feature flags, no
 * surveys, no session recording, no site apps, no extra capture (dead clicks, web vitals,
 * exceptions, heatmaps). Events stay on: capture compressed with gzip, autocapture not opted out.
 */

/** `/array/{token}/config` (posthog-js remote config), and the `config` of `config.js`. */
export function posthogRemoteConfig(token: string): Record<string, unknown> {
  return {
    token,
    supportedCompression: ['gzip', 'gzip-js'],
    hasFeatureFlags: false,
    captureDeadClicks: false,
    capturePerformance: false,
    autocapture_opt_out: false,
    autocaptureExceptions: false,
    errorTracking: { autocaptureExceptions: false, suppressionRules: [] },
    sessionRecording: false,
    heatmaps: false,
    // No `surveys` key: posthog-js loads its surveys script for any value, `false` included, and
    // stays silent without one (its "not loading surveys" is a debug-mode line).
    defaultIdentifiedOnly: true,
    siteApps: [],
  };
}

/**
 * `/array/{token}/config.js`: the script posthog-js loads first; it leaves the config where the
 * library looks for it. The token is written as a JSON string, so no value can break out of it.
 */
export function posthogRemoteConfigScript(token: string): string {
  const key = JSON.stringify(token);
  const value = JSON.stringify({ config: posthogRemoteConfig(token), siteApps: [] });
  return `(function(){var w=window;w._POSTHOG_REMOTE_CONFIG=w._POSTHOG_REMOTE_CONFIG||{};w._POSTHOG_REMOTE_CONFIG[${key}]=${value.replace(/</g, '\\u003c')};})();\n`;
}

/** `/flags` (v2) and `/decide` (v3 and older) in one answer: every reader finds "no flags". */
export function posthogFlagsAnswer(requestId: string): Record<string, unknown> {
  return {
    flags: {},
    featureFlags: {},
    featureFlagPayloads: {},
    errorsWhileComputingFlags: false,
    quotaLimited: [],
    requestId,
    config: { enable_collect_everything: true },
    toolbarParams: {},
    isAuthenticated: false,
    sessionRecording: false,
    supportedCompression: ['gzip', 'gzip-js'],
    autocapture_opt_out: false,
    capturePerformance: false,
    heatmaps: false,
    surveys: false,
    siteApps: [],
  };
}
