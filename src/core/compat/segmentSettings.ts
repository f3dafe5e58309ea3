/**
 * The settings object Segment's CDN serves at `/v1/projects/{writeKey}/settings`, reduced to what
 * points a library at this host: `Segment.io` is the only integration (no destination is ever
 * loaded), `apiHost` is this host plus `/v1` (analytics.js posts to `{protocol}://{apiHost}/t`,
 * the mobile libraries to `https://{apiHost}/b`), and remote metrics are off (`sampleRate: 0`).
 */
export function segmentSettings(options: {
  writeKey: string;
  /** `host[:port]` of this app, as the request reached it. */
  host: string;
  protocol: 'http' | 'https';
}): Record<string, unknown> {
  const apiHost = `${options.host}/v1`;
  return {
    integrations: {
      'Segment.io': {
        apiKey: options.writeKey,
        apiHost,
        protocol: options.protocol,
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
        versionSettings: { componentTypes: [] },
      },
    },
    plan: {
      track: { __default: { enabled: true, integrations: {} } },
      identify: { __default: { enabled: true } },
      group: { __default: { enabled: true } },
    },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0, host: apiHost },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
    autoInstrumentationSettings: { disableTraffic: true, sampleRate: 0 },
  };
}
