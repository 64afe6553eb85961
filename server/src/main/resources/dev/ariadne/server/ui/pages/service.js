// The service overview (/services/{service}?lookback=1h&spanKind=server&operation=...): RED
// charts of the service or one of its operations (request rate, error %, latency p50/p95/p99 per
// step, from GET /api/v1/metrics/red) drawn as SVG line charts; clicking a point lists its
// exemplar traces (at= in the URL). Below, the service's operations
// (GET /api/v1/metrics/red/operations), sortable (sort= in the URL); clicking one filters the
// charts to it. Without spanKind= the page shows the requests that enter the service: its server
// spans, or its consumer spans when it has no server spans, as Jaeger's monitoring does; a
// service's client and internal spans are calls it makes and work it does within a request.
// Above the charts, what the answer says they lack (spans past analytics.max-series, a range
// past the retention), so that a chart without points is not read as a service without traffic.

import {navigate} from '../app.js';
import {get, url} from '../api.js';
import {empty, failure, h, loading, replace, svg, useStyle} from '../dom.js';
import {count, duration, epochMillis, missingText, niceTicks, percent, plural, serviceColor,
  timestamp} from '../format.js';
import {apiWindow, rangeOf, rangePicker} from './analytics-range.js';

const KINDS = ['server', 'client', 'producer', 'consumer', 'internal'];
const ALL = 'all';
const ENTRY_KINDS = ['server', 'consumer'];
const OFF = 'RED metrics are off on this server (analytics.enabled)';
const WIDTH = 460;
const HEIGHT = 210;
const PAD = {left: 60, right: 14, top: 12, bottom: 28};
const MINUTE = 60_000;
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880].map((m) => m * MINUTE);

export async function render(main, {params: [service], query, signal}) {
  useStyle('/static/pages/analytics.css');
  document.title = `${service} · Services · Ariadne`;
  const path = `/services/${encodeURIComponent(service)}`;
  const view = {service, path, query, range: rangeOf(query),
    operation: query.get('operation') || null,
    spanKind: query.get('spanKind')?.toLowerCase() || null};
  const missing = h('div');
  const charts = h('section', {class: 'red-charts'}, loading('RED metrics'));
  const exemplars = h('section', {class: 'exemplars panel', hidden: true});
  const operations = h('section', {class: 'operations'}, loading('operations'));
  const top = h('div');
  // The links to other states of the view keep the rest of the URL as it is when drawn.
  view.relink = () => replace(top, heading(view), controls(view), basis(view));
  view.relink();
  replace(main, top, missing, charts, exemplars, h('h2', null, 'Operations'), operations);
  const times = apiWindow(view.range);
  const redOf = (kind) => get('/api/v1/metrics/red', {service, operation: view.operation,
    spanKind: kind === ALL ? null : kind, ...times}, signal);
  const allKinds = get('/api/v1/metrics/red/operations', {service, ...times}, signal);
  let red;
  let table;
  try {
    if (view.spanKind) {
      [red, table] = await Promise.all([redOf(view.spanKind), allKinds]);
    } else {
      table = await allKinds;
      view.spanKind = entryKind(table.operations, view.operation);
      view.relink();
      red = await redOf(view.spanKind);
    }
  } catch (e) {
    if (e.name === 'AbortError') return;
    replace(charts,
        e.status === 404 ? h('p', {class: 'state off', role: 'status'}, OFF) : failure(e));
    replace(operations);
    return;
  }
  if (red.missing.length > 0) {
    replace(missing, h('div', {class: 'warning red-missing', role: 'note'},
        h('p', null, h('strong', null, 'These figures are incomplete:')),
        red.missing.map((note) => h('p', null,
            missingText(note, view.operation ? `${view.operation} of ${service}` : service)))));
  }
  drawCharts(charts, exemplars, red, view);
  drawOperations(operations, table.operations.filter((row) => view.spanKind === ALL
      || row.spanKind === view.spanKind), view);
}

/**
 * The kind of the requests that enter the service (or the operation), to count when the URL
 * names none: server if it has server spans, else consumer if it has consumer spans, else all.
 */
function entryKind(rows, operation) {
  const kinds = new Set(rows.filter((row) => !operation || row.operation === operation)
      .map((row) => row.spanKind));
  return ENTRY_KINDS.find((kind) => kinds.has(kind)) ?? ALL;
}

/**
 * Changes the URL in place (the table's sort, the point chosen) and redraws the links that keep
 * it, so that the range, the span kind and the operation can change without losing it.
 */
function replaceQuery(view, changes) {
  history.replaceState(null, '', withParams(location.pathname, location.search, changes));
  view.relink();
}

/** The same view with some query parameters changed (null removes one). */
function withParams(path, query, changes) {
  const next = new URLSearchParams(query);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === '') next.delete(name);
    else next.set(name, value);
  }
  const text = next.toString();
  return text ? `${path}?${text}` : path;
}

function heading({service, path, range}) {
  const query = new URLSearchParams(location.search);
  // The links name the service once more, cut short if need be: the heading has it whole.
  const name = () => h('span', {class: 'name', title: service}, service);
  return [h('div', {class: 'view-head'},
      h('h1', null, h('span', {class: 'swatch', style: {background: serviceColor(service)}}),
          service),
      rangePicker(path, query, range, ['at'])),
  h('p', {class: 'service-links'},
      h('a', {href: url('/search', {service, lookback: query.get('lookback')})},
          'Search traces of ', name()), ' · ',
      h('a', {href: url('/search', {service, status: 'error', lookback: query.get('lookback')})},
          'Traces where ', name(), ' failed'), ' · ',
      h('a', {href: url('/map', {lookback: query.get('lookback')})}, 'Service map'), ' · ',
      h('a', {href: '/services'}, 'All services'))];
}

function controls({path, operation, spanKind}) {
  const kind = h('select', {'aria-label': 'Span kind', name: 'spanKind'},
      h('option', {value: ALL, selected: spanKind === ALL}, 'All span kinds'),
      KINDS.map((k) => h('option', {value: k, selected: k === spanKind}, k)));
  kind.addEventListener('change',
      () => navigate(withParams(path, location.search, {spanKind: kind.value, at: null})));
  return h('div', {class: 'filters'}, h('label', null, 'Span kind ', kind),
      operation ? h('span', {class: 'chip operation'}, 'Operation: ', h('strong', null, operation),
          ' ', h('a', {href: withParams(path, location.search, {operation: null, at: null})},
              '× all operations')) : null);
}

/**
 * What the figures count, and the same series on /metrics (Tempo's names, which label every span
 * kind apart), so that they can be compared; and what counts as failed: status ERROR, as in
 * OpenTelemetry's span metrics and Jaeger's monitoring, whatever the HTTP status code.
 */
function basis({service, operation, spanKind, query}) {
  if (!spanKind) return null;
  const spans = spanKind === ALL ? `every span of ${service}` : `${service}'s ${spanKind} spans`;
  const entry = query.get('spanKind') ? '' : ', the requests that enter it';
  const labels = [`service=${JSON.stringify(service)}`];
  if (operation) labels.push(`span_name=${JSON.stringify(operation)}`);
  if (spanKind !== ALL) labels.push(`span_kind="SPAN_KIND_${spanKind.toUpperCase()}"`);
  return h('p', {class: 'red-basis muted'},
      `Counting ${spans}${operation ? ` named ${operation}` : ''}${entry}; on /metrics: `,
      h('code', null, `traces_spanmetrics_calls_total{${labels.join(', ')}}`),
      '. A request failed when its span has status ERROR, as OpenTelemetry\'s span metrics and '
          + 'Jaeger\'s monitoring count it: an HTTP 5xx answer whose span\'s status is unset is '
          + 'not counted as failed.');
}

// ---- Charts ----------------------------------------------------------------------------------

function rateText(value) {
  if (value === 0) return '0';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return String(Number(value.toPrecision(2)));
}

/** The three charts, as what they plot and how their values read. */
const CHARTS = [
  {key: 'rate', title: 'Request rate', unit: 'requests per second', floor: 0,
    series: [{name: 'rate', colour: '#2f6fb3', value: (p) => p.rate}],
    tick: (v) => `${rateText(v)}/s`,
    details: (p) => [`${rateText(p.rate)} requests/s`, plural(p.requests, 'request')]},
  {key: 'errors', title: 'Errors', unit: '% of requests with status ERROR', floor: 1,
    series: [{name: 'errors', colour: '#c62828', value: (p) => p.errorRatio * 100}],
    tick: (v) => `${Number(v.toPrecision(3))}%`,
    details: (p) => [`${percent(p.errorRatio)} failed`,
      `${count(p.errors)} of ${plural(p.requests, 'request')}`]},
  {key: 'latency', title: 'Latency', unit: 'time per request', floor: 0,
    series: [['p50', '#59a14f'], ['p95', '#f28e2b'], ['p99', '#b07aa1']].map(([name, colour]) => (
      {name, colour, value: (p) => p.latencyNanos[name] ?? NaN})),
    tick: duration,
    details: (p) => ['p50', 'p95', 'p99'].map((q) => `${q} ${duration(p.latencyNanos[q] ?? NaN)}`)},
];

function drawCharts(section, exemplars, red, view) {
  if (red.points.length === 0) {
    const what = [view.operation, view.spanKind !== ALL && `${view.spanKind} spans`]
        .filter(Boolean);
    const filter = what.length ? ` (${what.join(', ')})` : '';
    replace(section, empty(`No requests to ${view.service}${filter} in ${view.range.label}.`));
    return;
  }
  const step = Number(red.stepNanos) / 1e6;
  const points = red.points.map((p) => ({...p, at: epochMillis(p.start)}));
  const domain = [Math.floor(epochMillis(red.start) / step) * step, epochMillis(red.end)];
  const charts = [];
  const select = (point, remember) => {
    for (const c of charts) c.mark(point);
    showExemplars(exemplars, point, step);
    if (remember) replaceQuery(view, {at: point.start});
  };
  for (const spec of CHARTS) charts.push(chart(spec, points, domain, step, select));
  replace(section, charts.map((c) => c.element));
  const chosen = points.find((p) => p.start === view.query.get('at'));
  if (chosen) select(chosen, false);
}

/** One chart: axes, a line per series (broken where steps have no requests), a dot per point. */
function chart(spec, points, domain, step, select) {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const values = points.flatMap((p) => spec.series.map((s) => s.value(p)))
      .filter(Number.isFinite);
  const yTicks = niceTicks(Math.max(spec.floor, ...values));
  const yMax = yTicks[yTicks.length - 1];
  const x = (t) => PAD.left + (t - domain[0]) / (domain[1] - domain[0]) * plotWidth;
  const y = (v) => PAD.top + plotHeight - v / yMax * plotHeight;
  const hover = svg('line', {class: 'crosshair', y1: PAD.top, y2: PAD.top + plotHeight,
    visibility: 'hidden'});
  const chosen = svg('line', {class: 'chosen', y1: PAD.top, y2: PAD.top + plotHeight,
    visibility: 'hidden'});
  const picture = svg('svg', {class: 'chart-svg', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img',
    'aria-label': `${spec.title} over time`},
  svg('rect', {class: 'plot', x: PAD.left, y: PAD.top, width: plotWidth, height: plotHeight,
    fill: 'transparent'}),
  yAxis(yTicks, y, spec.tick, plotWidth), timeAxis(domain, x, PAD.top + plotHeight),
  chosen, hover, spec.series.map((s) => seriesOf(s, points, x, y, step, select)));
  const tooltip = h('div', {class: 'chart-tooltip', role: 'tooltip', hidden: true});
  const element = h('figure', {class: 'chart', dataset: {chart: spec.key}},
      h('figcaption', null, h('strong', null, spec.title), ' ',
          h('span', {class: 'muted'}, spec.unit),
          spec.series.length > 1 ? spec.series.map((s) => h('span', {class: 'key'},
              h('span', {class: 'swatch', style: {background: s.colour}}), s.name)) : null),
      picture, tooltip);
  const nearest = (event) => {
    const box = picture.getBoundingClientRect();
    const mx = (event.clientX - box.left) * WIDTH / box.width;
    const distance = (p) => Math.abs(x(p.at) - mx);
    return points.reduce((best, p) => (distance(p) < distance(best) ? p : best));
  };
  picture.addEventListener('mousemove', (event) => {
    const point = nearest(event);
    place(hover, x(point.at));
    showTooltip(element, tooltip, event, point, spec, step);
  });
  picture.addEventListener('mouseleave', () => {
    hover.setAttribute('visibility', 'hidden');
    tooltip.hidden = true;
  });
  picture.addEventListener('click', (event) => select(nearest(event), true));
  return {element, mark: (point) => place(chosen, x(point.at))};
}

function place(line, atX) {
  line.setAttribute('x1', atX);
  line.setAttribute('x2', atX);
  line.setAttribute('visibility', 'visible');
}

function seriesOf(series, points, x, y, step, select) {
  let d = '';
  let previous = null;
  for (const p of points) {
    const v = series.value(p);
    if (!Number.isFinite(v)) {
      previous = null;
      continue;
    }
    const joined = previous && p.at - previous.at <= step * 1.5;
    d += `${joined ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(v).toFixed(1)} `;
    previous = p;
  }
  const dots = points.filter((p) => Number.isFinite(series.value(p))).map((p) => {
    const dot = svg('circle', {
      class: p.exemplars.length ? 'point exemplars' : 'point', cx: x(p.at).toFixed(1),
      cy: y(series.value(p)).toFixed(1), r: 4, fill: series.colour,
      dataset: {at: p.start, series: series.name},
      tabindex: p.exemplars.length ? 0 : null,
      'aria-label': p.exemplars.length ? `${timestamp(p.at)}: show its exemplar traces` : null,
    });
    dot.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') select(p, true);
    });
    return dot;
  });
  return svg('g', {class: 'series', dataset: {series: series.name}},
      svg('path', {class: 'line', d: d.trim(), fill: 'none', stroke: series.colour}), dots);
}

function yAxis(ticks, y, format, plotWidth) {
  return svg('g', {class: 'axis y'}, ticks.map((v) => [
    svg('line', {class: 'grid', x1: PAD.left, x2: PAD.left + plotWidth, y1: y(v), y2: y(v)}),
    svg('text', {x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end'}, format(v))]));
}

/** Ticks at round local times: every minute up to every two days, at most six of them. */
function timeAxis([from, to], x, bottom) {
  const every = TIME_STEPS.find((s) => (to - from) / s <= 6) || TIME_STEPS[TIME_STEPS.length - 1];
  const offset = -new Date(from).getTimezoneOffset() * MINUTE;
  const ticks = [];
  for (let t = Math.ceil((from + offset) / every) * every - offset; t <= to; t += every) {
    ticks.push(t);
  }
  const pad = (n) => String(n).padStart(2, '0');
  const label = (t) => {
    const d = new Date(t);
    return every >= 1440 * MINUTE ? `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
      : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
  return svg('g', {class: 'axis x'},
      svg('line', {class: 'baseline', x1: PAD.left, x2: WIDTH - PAD.right, y1: bottom, y2: bottom}),
      ticks.map((t) => [
        svg('line', {x1: x(t), x2: x(t), y1: bottom, y2: bottom + 4}),
        svg('text', {x: x(t), y: bottom + 17, 'text-anchor': 'middle'}, label(t))]));
}

/** A step in local time, such as 2024-01-01 12:05–12:10 (the end's date only when it differs). */
function stepText(at, step) {
  const from = timestamp(at).slice(0, 16);
  const to = timestamp(at + step).slice(0, 16);
  return `${from}–${to.slice(0, 10) === from.slice(0, 10) ? to.slice(11) : to}`;
}

function showTooltip(figure, tooltip, event, point, spec, step) {
  replace(tooltip, h('strong', null, stepText(point.at, step)),
      spec.details(point).map((line) => h('div', null, line)),
      point.exemplars.length
        ? h('div', {class: 'muted'},
            `click for ${plural(exemplarTraces(point).length, 'exemplar trace')}`)
        : null);
  tooltip.hidden = false;
  const box = figure.getBoundingClientRect();
  const left = event.clientX - box.left;
  tooltip.style.left = `${left > box.width / 2 ? left - tooltip.offsetWidth - 12 : left + 12}px`;
  tooltip.style.top = `${event.clientY - box.top + 12}px`;
}

/**
 * A point's exemplars by trace, slowest first: each trace once, with its slowest exemplar span's
 * duration and whether any of its exemplar spans failed.
 */
function exemplarTraces(point) {
  const byTrace = new Map();
  for (const e of point.exemplars) {
    const trace = byTrace.get(e.traceId) || {traceId: e.traceId, spans: new Set(), nanos: 0};
    trace.spans.add(e.spanId);
    trace.nanos = Math.max(trace.nanos, e.durationNanos);
    trace.error = trace.error || e.error;
    trace.startMillis = Math.min(trace.startMillis ?? Infinity, epochMillis(e.startEpochNanos));
    byTrace.set(e.traceId, trace);
  }
  return [...byTrace.values()].sort((a, b) => b.nanos - a.nanos);
}

function showExemplars(section, point, step) {
  const traces = exemplarTraces(point);
  section.hidden = false;
  replace(section,
      h('h2', null, `Exemplar traces of ${stepText(point.at, step)}`),
      h('p', {class: 'muted'}, `${count(point.requests)} requests, ${count(point.errors)} failed;`
          + ' the traces of the slowest spans and of the slowest failed ones:'),
      traces.length === 0 ? empty('No exemplars were kept for this step.')
        : h('ul', {class: 'exemplar-list'}, traces.map((t) => h('li', null,
            h('a', {href: `/trace/${encodeURIComponent(t.traceId)}`, class: 'mono'}, t.traceId),
            ' ', h('span', {class: 'duration'}, duration(t.nanos)),
            t.error ? [' ', h('span', {class: 'badge error'}, 'error')] : null,
            ' ', h('span', {class: 'muted'},
                `${plural(t.spans.size, 'exemplar span')} from ${timestamp(t.startMillis)}`)))));
}

// ---- Operations ------------------------------------------------------------------------------

const latencyOf = (q) => (r) => r.latencyNanos[q] ?? -1;

/** The table's columns: how each sorts, reads, and which way it sorts first. */
const COLUMNS = [
  {key: 'operation', label: 'Operation', value: (r) => r.operation},
  {key: 'kind', label: 'Kind', value: (r) => r.spanKind},
  {key: 'requests', label: 'Requests', num: true, value: (r) => r.requests,
    text: (r) => count(r.requests)},
  {key: 'rate', label: 'Rate', num: true, value: (r) => r.rate,
    text: (r) => `${rateText(r.rate)}/s`},
  {key: 'errors', label: 'Error %', num: true, value: (r) => r.errorRatio,
    text: (r) => percent(r.errorRatio)},
  ...['p50', 'p95', 'p99'].map((q) => ({key: q, label: q, num: true, value: latencyOf(q),
    text: (r) => duration(r.latencyNanos[q] ?? NaN)})),
];

function drawOperations(section, rows, view) {
  if (rows.length === 0) {
    replace(section, empty(`No spans from ${view.service} in ${view.range.label}.`));
    return;
  }
  const table = h('table', {class: 'grid operations'});
  const redraw = (sort) => replace(table, header(sort, redraw, view),
      body(sortRows(rows, sort), view));
  redraw(view.query.get('sort') || '');
  replace(section, table);
}

/** Sorts by sort ('p95' ascending, '-p95' descending); rows keep the API's order otherwise. */
function sortRows(rows, sort) {
  const column = COLUMNS.find((c) => c.key === sort.replace(/^-/, ''));
  if (!column) return rows;
  const sign = sort.startsWith('-') ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    return sign * (typeof x === 'string' ? x.localeCompare(y) : x - y);
  });
}

function header(sort, redraw, view) {
  return h('thead', null, h('tr', null, COLUMNS.map((column) => {
    const current = sort.replace(/^-/, '') === column.key;
    const descending = sort.startsWith('-');
    const next = current ? (descending ? column.key : `-${column.key}`)
      : (column.num ? `-${column.key}` : column.key);
    const button = h('button', {type: 'button', class: 'sort'}, column.label,
        current ? (descending ? ' ▼' : ' ▲') : '');
    button.addEventListener('click', () => {
      replaceQuery(view, {sort: next});
      redraw(next);
    });
    return h('th', {class: column.num ? 'num' : null,
      'aria-sort': current ? (descending ? 'descending' : 'ascending') : null}, button);
  })));
}

function body(rows, {path, operation}) {
  return h('tbody', null, rows.map((row) => h('tr', {
    class: row.operation === operation ? 'selected' : null,
    dataset: {operation: row.operation, kind: row.spanKind},
  }, COLUMNS.map((column) => {
    if (column.key === 'operation') {
      const href = withParams(path, location.search, {operation: row.operation, at: null});
      return h('td', {class: 'operation'},
          h('a', {href, title: 'Show this operation in the charts'}, row.operation));
    }
    return h('td', {class: column.num ? 'num' : null},
        column.text ? column.text(row) : column.value(row));
  }))));
}
