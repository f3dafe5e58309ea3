import { describe, expect, it } from 'vitest';

import { mapPosthogMessage } from '../../../src/core/compat/mapPosthogMessage.js';
import { mapSegmentMessage } from '../../../src/core/compat/mapSegmentMessage.js';
import { MAX_EVENT_BYTES, MAX_JSON_DEPTH } from '../../../src/core/event.js';
import { validateEvents } from '../../../src/core/validateEvents.js';

/*
 * Payloads shaped as the libraries send them by default, at their largest: every one maps and
 * passes the contract with room to spare. The sizes printed are what the README quotes.
 */

const now = Date.parse('2026-11-24T12:00:00Z');
/** As a request body carries it: through JSON (an undefined value is dropped). */
const sent = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const deps = { now, keyId: 'key-1', newId: () => '00000000-0000-4000-8000-000000000001' };
const url = `https://shop.example.com/products/espresso-machine?utm_source=newsletter&utm_medium=email&utm_campaign=black-friday-2026&utm_content=hero&gclid=${'x'.repeat(90)}#reviews`;
const userAgent =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** posthog-js's `$identify`: 46 properties, 2 `$set` keys, 62 `$set_once` keys. */
function posthogIdentify() {
  const common: Record<string, unknown> = {
    $os: 'Mac OS X',
    $os_version: '10.15.7',
    $browser: 'Chrome',
    $device_type: 'Desktop',
    $current_url: url,
    $host: 'shop.example.com',
    $pathname: '/products/espresso-machine',
    $raw_user_agent: userAgent,
    $browser_version: 131,
    $browser_language: 'en-GB',
    $browser_language_prefix: 'en',
    $screen_height: 1117,
    $screen_width: 1728,
    $viewport_height: 965,
    $viewport_width: 1728,
    $lib: 'web',
    $lib_version: '1.200.0',
    $insert_id: 'c7wxj3ctsnq3t2jc',
    $time: 1795953600.123,
    distinct_id: 'ann+test@example.com',
    $device_id: '0193a1f2-7b1e-7a11-9c2b-1234567890ab',
    $console_log_recording_enabled_server_side: false,
    $session_recording_network_payload_capture: { capturePerformance: false },
    $replay_script_config: null,
    $sdk_debug_replay_internal_buffer_length: 0,
    $sdk_debug_replay_internal_buffer_size: 0,
    $sdk_debug_retry_queue_size: 0,
    $session_id: '0193a1f2-7b1e-7a11-9c2b-1234567890ac',
    $window_id: '0193a1f2-7b1e-7a11-9c2b-1234567890ad',
    $pageview_id: '0193a1f2-7b1e-7a11-9c2b-1234567890ae',
    $session_entry_url: url,
    $session_entry_pathname: '/products/espresso-machine',
    $session_entry_host: 'shop.example.com',
    $session_entry_referrer: 'https://www.google.com/',
    $session_entry_referring_domain: 'www.google.com',
    $is_identified: false,
    $process_person_profile: true,
    $referrer: 'https://www.google.com/',
    $referring_domain: 'www.google.com',
    $lib_rate_limit_remaining_tokens: 99,
    $configured_session_timeout_ms: 1_800_000,
    $timezone: 'Europe/London',
    $timezone_offset: 0,
    $active_feature_flags: [],
    token: 'phc_write',
    $anon_distinct_id: '0193a1f2-7b1e-7a11-9c2b-1234567890af',
  };
  expect(Object.keys(common)).toHaveLength(46);
  const $set_once: Record<string, unknown> = {};
  for (const key of [
    'current_url',
    'host',
    'pathname',
    'referrer',
    'referring_domain',
    'os',
    'os_version',
    'browser',
    'browser_version',
    'device_type',
    'raw_user_agent',
    'browser_language',
    'screen_height',
    'screen_width',
    'timezone',
    'utm_source',
    'utm_medium',
    'utm_campaign',
    'utm_content',
    'utm_term',
    'gclid',
    'gad_source',
    'gclsrc',
    'dclid',
    'gbraid',
    'wbraid',
    'fbclid',
    'msclkid',
    'twclid',
    'li_fat_id',
    'mc_cid',
    'igshid',
    'ttclid',
    'rdt_cid',
    'epik',
    'qclid',
    'sccid',
    'irclid',
    '_kx',
    'utm_id',
    'utm_source_platform',
    'utm_creative_format',
    'utm_marketing_tactic',
    'ga_cid',
    'hsa_acc',
    'hsa_cam',
    'hsa_grp',
    'hsa_ad',
    'hsa_src',
    'hsa_tgt',
    'hsa_kw',
    'hsa_mt',
    'hsa_net',
    'hsa_ver',
    'ref',
    'source',
    'campaign',
    'medium',
    'content',
    'term',
    'lib',
    'lib_version',
  ]) {
    $set_once[`$initial_${key}`] = key.includes('url')
      ? url
      : key.includes('agent')
        ? userAgent
        : null;
  }
  expect(Object.keys($set_once)).toHaveLength(62);
  return {
    uuid: '0193a1f2-7b1e-7a11-9c2b-1234567890b0',
    event: '$identify',
    properties: { ...common, $set: { email: 'ann+test@example.com', plan: 'pro' }, $set_once },
    timestamp: '2026-11-24T11:59:59.123Z',
  };
}

/** posthog-js autocapture of a click 25 elements deep in the page. */
function posthogAutocapture() {
  const $elements = Array.from({ length: 25 }, (_, i) => ({
    tag_name: i === 0 ? 'button' : 'div',
    $el_text: i === 0 ? 'Add to basket' : undefined,
    classes: ['flex', 'items-center', `col-${i}`, 'justify-between', 'px-4', 'py-2'],
    attr__class: `flex items-center col-${i} justify-between px-4 py-2`,
    attr__id: `node-${i}`,
    'attr__data-testid': `product-card-${i}`,
    nth_child: i + 1,
    nth_of_type: 1,
  }));
  const properties: Record<string, unknown> = posthogIdentify().properties;
  const { $set: _s, $set_once: _o, $anon_distinct_id: _a, ...common } = properties;
  return {
    event: '$autocapture',
    properties: {
      ...common,
      $event_type: 'click',
      $ce_version: 1,
      $elements,
      $elements_chain: 'x'.repeat(1500),
    },
  };
}

/** analytics.js 2.0 page call with its full context. */
function analyticsJsPage() {
  return {
    type: 'page',
    messageId: 'ajs-next-1732449600123-abc',
    anonymousId: '0193a1f2-7b1e-7a11-9c2b-1234567890b1',
    userId: 'google-oauth2|103476123456789012345',
    name: 'Espresso machine',
    properties: {
      path: '/products/espresso-machine',
      referrer: 'https://www.google.com/',
      search: '?utm_source=newsletter',
      title: 'Espresso machine | Shop',
      url,
    },
    context: {
      page: {
        path: '/products/espresso-machine',
        referrer: 'https://www.google.com/',
        search: '?utm_source=newsletter',
        title: 'Espresso machine | Shop',
        url,
      },
      userAgent,
      userAgentData: {
        brands: [{ brand: 'Chromium', version: '131' }],
        mobile: false,
        platform: 'macOS',
      },
      locale: 'en-GB',
      library: { name: 'analytics.js', version: 'npm:next-1.76.0' },
      campaign: {
        source: 'newsletter',
        medium: 'email',
        name: 'black-friday-2026',
        content: 'hero',
      },
      traits: { email: 'ann+test@example.com', plan: 'pro', address: { city: 'Oslo' } },
      timezone: 'Europe/London',
    },
    integrations: {},
    timestamp: '2026-11-24T11:59:59.123Z',
    sentAt: '2026-11-24T11:59:59.223Z',
  };
}

/** analytics-kotlin track with the mobile context. */
function analyticsKotlinTrack() {
  return {
    type: 'track',
    event: 'Product Added',
    messageId: '5f3c9c56-8d84-4f0e-9a5a-1e2b3c4d5e6f',
    anonymousId: '0193a1f2-7b1e-7a11-9c2b-1234567890b2',
    properties: {
      product_id: 'espresso-1',
      price: 499.0,
      quantity: 1,
      variants: [{ colour: 'black', sizes: ['s', 'm'] }],
    },
    context: {
      app: { name: 'Shop', version: '4.2.0', namespace: 'com.example.shop', build: '420' },
      device: {
        id: 'abc',
        manufacturer: 'Google',
        model: 'Pixel 9',
        name: 'tokay',
        type: 'android',
        adTrackingEnabled: false,
      },
      library: { name: 'analytics-kotlin', version: '1.18.0' },
      os: { name: 'Android', version: '15' },
      screen: { density: 2.625, height: 2424, width: 1080 },
      network: { wifi: true, carrier: 'Telenor', bluetooth: false, cellular: false },
      locale: 'nb-NO',
      userAgent: 'Dalvik/2.1.0 (Linux; U; Android 15; Pixel 9 Build/AP4A.250105.002)',
      timezone: 'Europe/Oslo',
      instanceId: '0193a1f2-7b1e-7a11-9c2b-1234567890b3',
      traits: { anonymousId: '0193a1f2-7b1e-7a11-9c2b-1234567890b2' },
    },
    integrations: { 'Segment.io': true },
    timestamp: '2026-11-24T11:59:59.123Z',
  };
}

function accepted(mapped: ReturnType<typeof mapPosthogMessage>) {
  expect(mapped.ok).toBe(true);
  if (!mapped.ok) throw new Error('rejected');
  const size = Buffer.byteLength(JSON.stringify(mapped.event));
  const v = validateEvents({ events: [mapped.event] }, { now, newId: () => 'x', bodyBytes: size });
  expect(v.kind === 'events' && v.results[0]?.status).toBe('accepted');
  return size;
}

describe('default library payloads', () => {
  it('map and pass the contract, each well under 32 KiB and 32 levels', () => {
    const sizes = {
      posthogIdentify: accepted(mapPosthogMessage(sent(posthogIdentify()), {}, deps)),
      posthogAutocapture: accepted(
        mapPosthogMessage(sent({ ...posthogAutocapture(), distinct_id: 'u' }), {}, deps),
      ),
      analyticsJsPage: accepted(mapSegmentMessage(sent(analyticsJsPage()), {}, deps)),
      analyticsKotlinTrack: accepted(mapSegmentMessage(sent(analyticsKotlinTrack()), {}, deps)),
    };
    console.log('mapped event sizes (bytes):', sizes);
    for (const size of Object.values(sizes)) expect(size).toBeLessThan(MAX_EVENT_BYTES / 2);
    expect(MAX_JSON_DEPTH).toBeGreaterThanOrEqual(8);
  });

  it('keep the posthog-js $identify whole: 43 properties and context keys, 2 traits, 62 traitsOnce, the link', () => {
    const r = mapPosthogMessage(sent(posthogIdentify()), {}, deps);
    if (!r.ok) throw new Error('rejected');
    // 46 sent: token dropped, $anon_distinct_id made the link, distinct_id read as the user
    expect(
      Object.keys(r.event.context!).length + Object.keys(r.event.properties ?? {}).length,
    ).toBe(
      46 - 3 + 1, // token dropped, $anon_distinct_id the link, distinct_id the user; + context.posthog
    );
    expect(Object.keys(r.event.traits!)).toHaveLength(2);
    expect(Object.keys(r.event.traitsOnce!)).toHaveLength(62);
    expect(r.event.link).toEqual({
      previousId: '0193a1f2-7b1e-7a11-9c2b-1234567890af',
      via: 'identify',
    });
  });
});
