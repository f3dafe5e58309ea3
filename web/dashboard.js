// The dashboard: plain ES module, no build step. Every number a chart draws is also in a table of
// values (class "values"), so the page reads without colour and a test can compare it with the API.

const KEY = 'eventScoring.readKey';
const DAY_MS = 86_400_000;

/** Chart name → the operationId (function name) whose route it reads. */
export const CHARTS = {
  dau: 'dau',
  topEvents: 'topEvents',
  retention: 'retention',
  trends: 'trends',
  scores: 'scoreDistribution',
  user: 'userSummary',
  health: 'health',
  sql: 'sql',
};

const uPlotReady = import(document.body.dataset.uplot).then((m) => m.default);
let operations; // Set of operationIds this server serves, from its own OpenAPI document

const $ = (selector, root = document) => root.querySelector(selector);
const section = (chart) => $(`section[data-chart="${chart}"]`);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, String(v));
  }
  for (const child of children) node.append(child);
  return node;
}

function setState(chart, state, message = '', extra) {
  const s = section(chart);
  s.dataset.state = state;
  $('.status', s).textContent = message;
  const body = $('.body', s);
  body.replaceChildren();
  if (extra) body.append(extra);
  return body;
}

let keyPrompt;
function askForKey() {
  keyPrompt ??= new Promise((resolve) => {
    const dialog = $('#key-dialog');
    $('#key-form').addEventListener(
      'submit',
      () => {
        const key = $('#key-form').elements.key.value.trim();
        if (key) sessionStorage.setItem(KEY, key);
        resolve(Boolean(key));
      },
      { once: true },
    );
    dialog.addEventListener('cancel', () => resolve(false), { once: true });
    dialog.showModal();
  }).finally(() => (keyPrompt = undefined));
  return keyPrompt;
}

/** GET (or POST `json`) a JSON endpoint; a 401 asks for a read key once and retries with it. */
async function api(path, json) {
  const key = sessionStorage.getItem(KEY);
  const headers = key ? { authorization: `Bearer ${key}` } : {};
  const res = await fetch(
    path,
    json === undefined
      ? { headers }
      : {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(json),
        },
  );
  if (res.status === 401 && !key && (await askForKey())) return api(path, json);
  if (res.status === 401 && key) sessionStorage.removeItem(KEY);
  const body = await res.json().catch(() => null);
  return { status: res.status, ok: res.ok, body };
}

const problemText = (r) =>
  r.body?.error
    ? `${r.status} ${r.body.error.code}: ${r.body.error.message}`
    : `the API answered ${r.status}`;

/** True when the server's table has no such route (its OpenAPI document says so, or it answered 404). */
function unavailable(chart, response) {
  const absent = operations ? !operations.has(CHARTS[chart]) : response?.status === 404;
  if (absent)
    setState(chart, 'unavailable', `Not on this server yet: it has no ${CHARTS[chart]} endpoint.`);
  return absent;
}

async function load(chart, url, render) {
  const s = section(chart);
  s.dataset.url = url;
  if (unavailable(chart)) return;
  setState(chart, 'loading', 'Loading…');
  try {
    const r = await api(url);
    if (unavailable(chart, r)) return;
    // Health answers 503 with its checks when something is down: that is data to show.
    const healthBody = chart === 'health' && r.body?.checks;
    if (!healthBody && (r.status !== 200 || !r.body))
      return setState(chart, 'error', `Error: ${problemText(r)}`);
    await render(r.body, r);
  } catch (err) {
    setState(chart, 'error', `Error: ${err.message}`);
  }
}

function valuesTable(caption, headers, rows) {
  return el(
    'details',
    { class: 'values-box' },
    el('summary', { text: 'Values' }),
    el(
      'table',
      { class: 'values' },
      el('caption', { text: caption }),
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col', text: h })))),
      el(
        'tbody',
        {},
        ...rows.map((row) => el('tr', {}, ...row.map((c) => el('td', { text: String(c) })))),
      ),
    ),
  );
}

function emptyState(chart, message) {
  const curl = `curl -X POST ${location.origin}/api/events -H 'content-type: application/json' -d '{"userId":"user-42","type":"page_view"}'`;
  setState(chart, 'empty', message, el('pre', { class: 'curl' }, el('code', { text: curl })));
}

const NO_EVENTS = 'No events yet: POST to /api/events, for instance:';

async function plot(target, options, data) {
  const uPlot = await uPlotReady;
  const width = Math.max(240, target.clientWidth || 300);
  const chart = new uPlot({ width, height: 220, ...options }, data, target);
  new ResizeObserver(() =>
    chart.setSize({ width: Math.max(240, target.clientWidth), height: 220 }),
  ).observe(target);
  return chart;
}

const dayToSeconds = (day) => Date.parse(`${day}T00:00:00Z`) / 1000;

/** Every figure's days are local days of the project's zone; each chart says which. */
let zone;
const inZone = (body) => {
  if (body?.timezone) zone = body.timezone;
  return body?.timezone ? `, days in ${body.timezone}` : '';
};
const SERIES_COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490'];

function renderDau(body) {
  const series = body.series ?? [];
  if (series.every((p) => p.activeUsers === 0)) return emptyState('dau', NO_EVENTS);
  const target = el('div', { class: 'plot' });
  const box = setState('dau', 'ready', `${body.from} to ${body.to}${inZone(body)}`, target);
  box.append(
    valuesTable(
      'Active users per day',
      ['Day', 'Active users'],
      series.map((p) => [p.day, p.activeUsers]),
    ),
  );
  const dayLabel = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);
  return plot(
    target,
    {
      scales: { x: { time: false } },
      series: [
        { label: 'Day', value: (_u, v) => (v == null ? '--' : dayLabel(v)) },
        { label: 'Active users', stroke: '#1d4ed8', width: 2, points: { show: true } },
      ],
      axes: [
        {
          incrs: [86_400, 7 * 86_400, 28 * 86_400, 91 * 86_400],
          values: (_u, splits) => splits.map((v) => dayLabel(v).slice(5)),
        },
        { label: 'users' },
      ],
    },
    [series.map((p) => dayToSeconds(p.day)), series.map((p) => p.activeUsers)],
  );
}

function renderTopEvents(body) {
  const items = body.items ?? [];
  if (items.length === 0) return emptyState('topEvents', NO_EVENTS);
  const max = Math.max(...items.map((i) => i.events), 1);
  const list = el('ol', { class: 'bars' });
  for (const item of items) {
    const bar = el('span', { class: 'bar' });
    bar.style.width = `${(100 * item.events) / max}%`;
    list.append(
      el(
        'li',
        { 'data-type': item.type, 'data-value': item.events },
        el('span', { class: 'bar-label', text: item.type }),
        el('span', { class: 'bar-track' }, bar),
        el('span', { class: 'bar-value', text: String(item.events) }),
      ),
    );
  }
  const box = setState(
    'topEvents',
    'ready',
    `${body.total} events, ${body.from} to ${body.to}${inZone(body)}`,
    list,
  );
  box.append(
    valuesTable(
      'Events per type',
      ['Type', 'Events'],
      items.map((i) => [i.type, i.events]),
    ),
  );
}

/** Offers the types of the range in the trends picker, keeping what was picked. */
function offerTypes(types) {
  const select = $('#trends-form').elements.events;
  const picked = new Set([...select.selectedOptions].map((o) => o.value));
  const all = [...new Set([...picked, ...types])];
  select.replaceChildren(
    ...all.map((type) => {
      const option = el('option', { value: type, text: type });
      option.selected = picked.has(type);
      return option;
    }),
  );
}

function renderTrends(body) {
  const series = body.series ?? [];
  if (series.every((s) => s.points.every((p) => p.value === 0)))
    return emptyState('trends', NO_EVENTS);
  const what = body.measure === 'users' ? 'Unique users' : 'Events';
  const target = el('div', { class: 'plot' });
  const box = setState(
    'trends',
    'ready',
    `${what} per ${body.interval}, ${body.from} to ${body.to}${inZone(body)}`,
    target,
  );
  const starts = series[0]?.points.map((p) => p.start) ?? [];
  box.append(
    valuesTable(
      `${what} per type and ${body.interval} (first day of each)`,
      [body.interval === 'day' ? 'Day' : `${body.interval} from`, ...series.map((s) => s.type)],
      starts.map((start, i) => [start, ...series.map((s) => s.points[i]?.value ?? 0)]),
    ),
  );
  const dayLabel = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);
  return plot(
    target,
    {
      scales: { x: { time: false } },
      series: [
        { label: body.interval, value: (_u, v) => (v == null ? '--' : dayLabel(v)) },
        ...series.map((s, i) => ({
          label: s.type,
          stroke: SERIES_COLOURS[i % SERIES_COLOURS.length],
          width: 2,
          points: { show: true },
        })),
      ],
      axes: [
        {
          // Ticks on whole days only (a week or a month is named by its first day).
          incrs: [86_400, 7 * 86_400, 28 * 86_400, 91 * 86_400, 364 * 86_400],
          values: (_u, splits) => splits.map((v) => dayLabel(v).slice(5)),
        },
        { label: body.measure },
      ],
    },
    [starts.map(dayToSeconds), ...series.map((s) => s.points.map((p) => p.value))],
  );
}

function trendsUrl() {
  const { from, to } = range();
  const form = $('#trends-form');
  const picked = [...form.elements.events.selectedOptions].map((o) => o.value).slice(0, 20);
  const q = new URLSearchParams({
    from,
    to,
    interval: form.elements.interval.value,
    measure: form.elements.measure.value,
  });
  if (picked.length > 0) q.set('events', picked.join(','));
  return `/api/stats/trends?${q}`;
}

function renderRetention(body) {
  const cohorts = body.cohorts ?? [];
  if (cohorts.every((c) => c.size === 0)) return emptyState('retention', NO_EVENTS);
  const windows = Math.max(...cohorts.map((c) => c.retained.length));
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col', text: 'Cohort' }),
    el('th', { scope: 'col', text: 'Users' }),
    ...Array.from({ length: windows }, (_, k) =>
      el('th', { scope: 'col', text: `${body.interval === 'week' ? 'W' : 'D'}${k}` }),
    ),
  );
  const rows = cohorts.map((c) =>
    el(
      'tr',
      { 'data-cohort': c.cohort },
      el('th', { scope: 'row', text: c.cohort }),
      el('td', { text: String(c.size) }),
      ...c.retained.map((n, k) => {
        const share = c.size > 0 ? n / c.size : 0;
        const incomplete = Boolean(c.incomplete?.[k]);
        const cell = el('td', {
          class: `heat${incomplete ? ' incomplete' : ''}`,
          'data-value': n,
          'data-incomplete': incomplete,
          title: `${n} of ${c.size} (${Math.round(share * 100)} %)${incomplete ? ', window not over yet' : ''}`,
          text: `${n}${incomplete ? '*' : ''}`,
        });
        cell.style.backgroundColor = `rgba(29, 78, 216, ${(0.08 + 0.8 * share).toFixed(3)})`;
        if (share > 0.55) cell.classList.add('dark');
        return cell;
      }),
    ),
  );
  const table = el(
    'table',
    { class: 'values heatmap' },
    el('caption', {
      text: `Users of each ${body.interval} cohort active k ${body.interval}s later; * = window not over yet`,
    }),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
  setState(
    'retention',
    'ready',
    `From ${body.start}, by ${body.interval}${inZone(body)}`,
    el('div', { class: 'scroll' }, table),
  );
}

function renderScores(body) {
  if (!body.count)
    return emptyState(
      'scores',
      'No scored events in this range yet: POST to /api/events, for instance:',
    );
  const challenger = body.challenger;
  const target = el('div', { class: 'plot' });
  const label = (m) => `${m.name}@${m.version}`;
  const box = setState(
    'scores',
    'ready',
    `${label(body.model)}: ${body.count} scores, mean ${(body.mean ?? 0).toFixed(3)}${challenger ? `; challenger ${label(challenger.model)}: ${challenger.count}, mean ${(challenger.mean ?? 0).toFixed(3)}` : ''}${inZone(body)}`,
    target,
  );
  box.append(
    valuesTable(
      'Scores per bin',
      ['From', 'To', label(body.model), ...(challenger ? [label(challenger.model)] : [])],
      body.bins.map((b, i) => [
        b.from,
        b.to,
        b.count,
        ...(challenger ? [challenger.bins[i]?.count ?? 0] : []),
      ]),
    ),
  );
  return uPlotReady.then((uPlot) => {
    const bars = uPlot.paths.bars({ size: [0.9, 60] });
    return plot(
      target,
      {
        scales: { x: { time: false } },
        series: [
          { label: 'score' },
          {
            label: label(body.model),
            stroke: '#1d4ed8',
            fill: 'rgba(29,78,216,0.45)',
            paths: bars,
          },
          ...(challenger
            ? [
                {
                  label: label(challenger.model),
                  stroke: '#b45309',
                  fill: 'rgba(180,83,9,0.35)',
                  dash: [6, 4],
                  paths: bars,
                },
              ]
            : []),
        ],
      },
      [
        body.bins.map((b) => (b.from + b.to) / 2),
        body.bins.map((b) => b.count),
        ...(challenger ? [challenger.bins.map((b) => b.count)] : []),
      ],
    );
  });
}

function renderHealth(body) {
  const checks = Object.entries(body.checks ?? {});
  const list = el(
    'dl',
    { class: 'health' },
    ...checks.flatMap(([name, c]) => [
      el('dt', { text: name }),
      el('dd', {
        class: c.status,
        'data-check': name,
        'data-status': c.status,
        text: `${c.status === 'ok' ? '✓ ok' : '✗ down'}${c.detail ? ` (${c.detail})` : ''}`,
      }),
    ]),
  );
  setState(
    'health',
    body.status === 'ok' ? 'ready' : 'error',
    body.status === 'ok' ? 'All checks pass.' : `Down: ${(body.down ?? []).join(', ')}`,
    list,
  );
}

const topReasons = (reasons = []) =>
  [...reasons]
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, 3)
    .map((r) => `${r.feature} ${r.contribution >= 0 ? '+' : ''}${r.contribution.toFixed(2)}`)
    .join(', ');

async function lookUp(userId) {
  const id = encodeURIComponent(userId);
  const s = section('user');
  s.dataset.url = `/api/users/${id}/scores?limit=10`;
  setState('user', 'loading', 'Loading…');
  const [summary, scores] = await Promise.all([
    operations && !operations.has('userSummary') ? undefined : api(`/api/users/${id}`),
    api(`/api/users/${id}/scores?limit=10`),
  ]);
  if (!scores.ok) return setState('user', 'error', `Error: ${problemText(scores)}`);
  const body = el('div');
  if (
    !summary ||
    (!operations &&
      summary.status === 404 &&
      (!summary.body || /no function/.test(summary.body.error?.message ?? '')))
  ) {
    body.append(
      el('p', {
        class: 'note',
        'data-summary': 'unavailable',
        text: 'Summary: not on this server yet (no userSummary endpoint).',
      }),
    );
  } else if (summary.ok) {
    const d = summary.body;
    body.append(
      el(
        'dl',
        { class: 'summary', 'data-summary': 'ready' },
        ...[
          ['First seen', d.firstSeen],
          ['Last seen', d.lastSeen],
          ['Events', d.events],
          [zone ? `Active days (in ${zone})` : 'Active days', d.activeDays],
        ].flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]),
      ),
    );
  } else if (summary.status !== 404) {
    body.append(el('p', { class: 'error', text: `Summary error: ${problemText(summary)}` }));
  }
  const items = scores.body.items ?? [];
  if (items.length === 0) {
    body.append(el('p', { class: 'note', text: `No scored events for ${userId} yet.` }));
    return setState('user', 'empty', `${userId}`, body);
  }
  body.append(
    el(
      'div',
      { class: 'scroll' },
      el(
        'table',
        { class: 'values events' },
        el('caption', { text: `Newest scored events of ${userId}` }),
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['Occurred', 'Type', 'Score', 'Top reasons'].map((h) =>
              el('th', { scope: 'col', text: h }),
            ),
          ),
        ),
        el(
          'tbody',
          {},
          ...items.map((e) =>
            el(
              'tr',
              { 'data-event-id': e.eventId },
              el('td', { text: e.occurredAt }),
              el('td', { text: e.type }),
              el('td', { text: e.score.toFixed(3), 'data-value': e.score }),
              el('td', { text: topReasons(e.reasons) }),
            ),
          ),
        ),
      ),
    ),
  );
  setState('user', 'ready', `${userId}: ${items.length} newest scored events`, body);
}

const TIME_TYPES = /^(DATE|TIMESTAMP)/;
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);
const cellText = (v) =>
  v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** The SQL panel: the result as a table; with two columns, the second (numbers) over the first. */
async function runQuery(query) {
  const s = section('sql');
  s.dataset.url = '/api/sql';
  if (unavailable('sql')) return;
  setState('sql', 'loading', 'Running…');
  const r = await api('/api/sql', { query, ...range() });
  if (unavailable('sql', r)) return;
  if (!r.ok || !r.body) return setState('sql', 'error', `Error: ${problemText(r)}`);
  const { columns, rows } = r.body;
  const target = el('div', { class: 'plot' });
  const table = el(
    'div',
    { class: 'scroll' },
    el(
      'table',
      { class: 'values sql-result' },
      el('caption', { text: 'Result' }),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...columns.map((c) => el('th', { scope: 'col', text: c.name, title: c.type })),
        ),
      ),
      el(
        'tbody',
        {},
        ...rows.map((row) => el('tr', {}, ...row.map((c) => el('td', { text: cellText(c) })))),
      ),
    ),
  );
  const chartable =
    columns.length === 2 && rows.length > 0 && rows.every((row) => isNumber(row[1]));
  const box = setState('sql', 'ready', `${rows.length} row${rows.length === 1 ? '' : 's'}`);
  if (!chartable) return box.append(table);
  box.append(target, table);
  const time = TIME_TYPES.test(columns[0].type);
  s.dataset.chartKind = time ? 'line' : 'bars';
  const xs = time
    ? rows.map(
        (row) =>
          Date.parse(
            `${row[0]}`.replace(' ', 'T') + (columns[0].type === 'DATE' ? 'T00:00:00Z' : 'Z'),
          ) / 1000,
      )
    : rows.map((_, i) => i);
  const uPlot = await uPlotReady;
  return plot(
    target,
    {
      scales: { x: { time } },
      series: [
        {
          label: columns[0].name,
          value: time ? undefined : (_u, v) => cellText(rows[v]?.[0] ?? ''),
        },
        time
          ? { label: columns[1].name, stroke: '#1d4ed8', width: 2, points: { show: true } }
          : {
              label: columns[1].name,
              stroke: '#1d4ed8',
              fill: 'rgba(29,78,216,0.45)',
              paths: uPlot.paths.bars({ size: [0.8, 60] }),
            },
      ],
      axes: time
        ? [{}, { label: columns[1].name }]
        : [
            {
              values: (_u, splits) =>
                splits.map((v) => (Number.isInteger(v) ? cellText(rows[v]?.[0] ?? '') : '')),
            },
            { label: columns[1].name },
          ],
    },
    [xs, rows.map((row) => row[1])],
  );
}

function range() {
  const form = $('#range');
  return { from: form.elements.from.value, to: form.elements.to.value };
}

function refresh() {
  const { from, to } = range();
  const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
  const interval = days <= 14 ? 'day' : 'week';
  const cohorts = Math.max(1, Math.min(interval === 'day' ? days : Math.ceil(days / 7), 52));
  const windows = Math.max(1, Math.min(cohorts - 1, 52));
  const q = `from=${from}&to=${to}`;
  return Promise.all([
    load('health', '/api/health', renderHealth),
    load('dau', `/api/stats/dau?${q}`, renderDau),
    load('topEvents', `/api/stats/top-events?${q}&limit=20`, (body) => {
      offerTypes((body.items ?? []).map((i) => i.type));
      return renderTopEvents({ ...body, items: (body.items ?? []).slice(0, 10) });
    }),
    load('trends', trendsUrl(), renderTrends),
    load('scores', `/api/stats/scores?${q}&bins=10`, renderScores),
    load(
      'retention',
      `/api/stats/retention?start=${from}&interval=${interval}&cohorts=${cohorts}&windows=${windows}`,
      renderRetention,
    ),
  ]);
}

/** The server's default range: the 30 days ending today in its zone (the browser's may differ). */
async function serverRange() {
  try {
    const r = await api('/api/stats/dau');
    if (r.ok && r.body?.from && r.body?.to) {
      inZone(r.body);
      return { from: r.body.from, to: r.body.to };
    }
  } catch {
    // fall through: the browser's own UTC day
  }
  const today = new Date().toISOString().slice(0, 10);
  return { from: new Date(Date.parse(today) - 29 * DAY_MS).toISOString().slice(0, 10), to: today };
}

async function start() {
  const params = new URLSearchParams(location.search);
  const form = $('#range');
  const fallback =
    params.get('from') && params.get('to')
      ? { from: params.get('from'), to: params.get('to') }
      : await serverRange();
  form.elements.to.value = params.get('to') ?? fallback.to;
  form.elements.from.value = params.get('from') ?? fallback.from;
  if (zone) $('#zone').textContent = `Days in ${zone}`;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void refresh();
  });
  $('#trends-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void load('trends', trendsUrl(), renderTrends);
  });
  $('#sql').addEventListener('submit', (e) => {
    e.preventDefault();
    void runQuery($('#sql').elements.query.value).catch((err) =>
      setState('sql', 'error', `Error: ${err.message}`),
    );
  });
  $('#lookup').addEventListener('submit', (e) => {
    e.preventDefault();
    void lookUp($('#lookup').elements.userId.value.trim()).catch((err) =>
      setState('user', 'error', `Error: ${err.message}`),
    );
  });
  try {
    const doc = await api('/api/openapi.json');
    if (doc.ok)
      operations = new Set(
        Object.values(doc.body.paths).flatMap((item) =>
          Object.values(item).map((op) => op.operationId),
        ),
      );
  } catch {
    operations = undefined;
  }
  await refresh();
  document.body.dataset.ready = 'true';
  const user = params.get('user');
  if (user) {
    $('#lookup').elements.userId.value = user;
    await lookUp(user);
  }
}

void start();
