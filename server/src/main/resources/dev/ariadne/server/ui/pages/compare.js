// The Compare view (/compare?a=TRACEID&b=TRACEID): two traces side by side. Their headers, then a
// row per service and operation with its span count, total and mean duration in each trace and
// the difference from A to B, marking the operations that only one of the traces has.

import {navigate} from '../app.js';
import {get, url} from '../api.js';
import {empty, failure, h, loading, replace, useStyle} from '../dom.js';
import {count, duration, epochMillis, plural, serviceColor, timestamp} from '../format.js';

const SORTS = {
  difference: {label: 'Biggest difference', order: (x, y) => Math.abs(y.delta) - Math.abs(x.delta)},
  name: {label: 'Service and operation', order: () => 0},
};

export async function render(main, {query, signal}) {
  useStyle('/static/pages/compare.css');
  const state = {
    a: (query.get('a') || '').trim(),
    b: (query.get('b') || '').trim(),
    sort: Object.hasOwn(SORTS, query.get('sort')) ? query.get('sort') : 'difference',
  };
  document.title = state.a && state.b
    ? `Compare ${state.a.slice(0, 8)} and ${state.b.slice(0, 8)} · Ariadne` : 'Compare · Ariadne';
  const body = h('div', {class: 'comparison'});
  replace(main, h('div', {class: 'compare'}, h('h1', null, 'Compare traces'), idForm(state), body));
  if (!state.a || !state.b) {
    replace(body, empty('Enter two trace IDs, or tick two traces in the search results.'));
    return;
  }
  await showComparison(body, state, signal);
}

function pageUrl(state) {
  return url('/compare', {a: state.a, b: state.b, sort: state.sort});
}

/** Inputs for both trace IDs, a button to swap them and one to compare. */
function idForm(state) {
  const a = h('input', {name: 'a', value: state.a, placeholder: 'trace ID', class: 'mono',
    autocomplete: 'off', spellcheck: 'false'});
  const b = h('input', {name: 'b', value: state.b, placeholder: 'trace ID', class: 'mono',
    autocomplete: 'off', spellcheck: 'false'});
  const go = (next) => {
    const target = pageUrl({...state, ...next});
    navigate(target, {replaceEntry: target === location.pathname + location.search});
  };
  const form = h('form', {class: 'filters compare-form'},
      h('label', null, 'Trace A', a),
      h('button', {type: 'button', class: 'swap', title: 'Swap A and B',
        on: {click: () => go({a: b.value.trim(), b: a.value.trim()})}}, '⇄'),
      h('label', null, 'Trace B', b),
      h('button', {type: 'submit', class: 'primary'}, 'Compare'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go({a: a.value.trim(), b: b.value.trim()});
  });
  return form;
}

async function showComparison(body, state, signal) {
  replace(body, loading('both traces'));
  const answers = await Promise.allSettled([state.a, state.b].map(
      (id) => get(`/api/v1/traces/${encodeURIComponent(id)}`, null, signal)));
  if (signal.aborted) return;
  const [a, b] = answers.map((answer) => answer.status === 'fulfilled' ? answer.value : null);
  replace(body,
      h('div', {class: 'headers'},
          header('A', a, answers[0].reason), header('B', b, answers[1].reason)),
      a && b ? operationTable(a, b, state) : null);
}

// ---- The headers ----

/** What a trace is at a glance: ID, root, start, duration, span and error counts. */
function summarize(trace) {
  let start = null;
  let end = null;
  for (const span of trace.spans) {
    const s = BigInt(span.startEpochNanos);
    const e = BigInt(span.endEpochNanos);
    if (start === null || s < start) start = s;
    if (end === null || e > end) end = e;
  }
  const root = trace.completeness.rootPresent ? trace.spans.find((s) => !s.parentSpanId) : null;
  return {
    root,
    start,
    durationNanos: start === null ? 0 : Number(end - start),
    errors: trace.spans.filter((s) => s.status && s.status.code === 'ERROR').length,
    services: new Set(trace.spans.map((s) => s.serviceName)).size,
  };
}

function header(side, trace, error) {
  const title = h('h2', null, h('span', {class: 'side'}, side));
  if (!trace) {
    return h('section', {class: `trace-header side-${side.toLowerCase()}`}, title,
        failure(`Trace ${side}: ${error && error.message || error}`));
  }
  const summary = summarize(trace);
  title.append(h('a', {href: `/trace/${encodeURIComponent(trace.traceId)}`, class: 'mono'},
      trace.traceId));
  const root = summary.root
    ? [h('span', {class: 'swatch', style: {background: serviceColor(summary.root.serviceName)}}),
      `${summary.root.serviceName}: ${summary.root.name}`]
    : h('span', {class: 'missing-root'}, 'missing root');
  return h('section', {class: `trace-header side-${side.toLowerCase()}`}, title,
      h('dl', null,
          item('Root', root, 'root'),
          item('Start', summary.start === null ? '–'
            : timestamp(epochMillis(String(summary.start)))),
          item('Duration', duration(summary.durationNanos), 'duration'),
          item('Spans', count(trace.spanCount), 'spans'),
          item('Errors', count(summary.errors)),
          item('Services', count(summary.services))),
      trace.completeness.complete ? null : h('p', {class: 'warning'}, incompleteness(trace)));
}

function item(term, value, name) {
  return h('div', {class: name}, h('dt', null, term), h('dd', null, value));
}

function incompleteness(trace) {
  const c = trace.completeness;
  const dropped = c.droppedSpans.reduce((sum, d) => sum + d.count, 0);
  const problems = [!c.rootPresent && 'the root span is missing',
    c.orphanSpanIds.length > 0 && plural(c.orphanSpanIds.length, 'orphan span'),
    dropped > 0 && `${plural(dropped, 'span')} dropped by storage`,
    c.unreadableSpans > 0 && `${plural(c.unreadableSpans, 'span')} unreadable in storage`]
      .filter(Boolean);
  return `Incomplete trace: ${problems.join(', ')}`;
}

// ---- The operations ----

/** Span count and total duration per (service, operation) of one trace. */
function operations(trace) {
  const byKey = new Map();
  for (const span of trace.spans) {
    const key = JSON.stringify([span.serviceName, span.name]);
    const op = byKey.get(key) || {service: span.serviceName, name: span.name, count: 0, total: 0};
    op.count += 1;
    op.total += span.durationNanos;
    byKey.set(key, op);
  }
  return byKey;
}

/** A row per operation of either trace, with the difference of total durations from A to B. */
function differences(a, b) {
  const opsA = operations(a);
  const opsB = operations(b);
  const keys = new Set([...opsA.keys(), ...opsB.keys()]);
  return [...keys].map((key) => {
    const x = opsA.get(key);
    const y = opsB.get(key);
    const delta = (y ? y.total : 0) - (x ? x.total : 0);
    return {
      service: (x || y).service,
      name: (x || y).name,
      a: x,
      b: y,
      delta,
      ratio: x && x.total > 0 ? delta / x.total : null,
    };
  }).sort((x, y) => x.service.localeCompare(y.service) || x.name.localeCompare(y.name));
}

function operationTable(a, b, state) {
  const rows = differences(a, b);
  const body = h('tbody');
  const sortRows = () => replace(body,
      [...rows].sort(SORTS[state.sort].order).map(operationRow));
  sortRows();
  const sort = h('select', {name: 'sort'},
      Object.entries(SORTS).map(([value, s]) => h('option', {value}, s.label)));
  sort.value = state.sort;
  sort.addEventListener('change', () => {
    state.sort = sort.value;
    sortRows();
    // The URL follows the order without fetching the traces again.
    history.replaceState(null, '', pageUrl(state));
  });
  const onlyA = rows.filter((r) => !r.b).length;
  const onlyB = rows.filter((r) => !r.a).length;
  return h('section', {class: 'operations'},
      h('div', {class: 'toolbar'},
          h('h2', null, 'Operations'),
          h('span', {class: 'totals'}, `${count(rows.length)} operations: `
              + `${count(onlyA)} only in A, ${count(onlyB)} only in B`),
          h('label', null, 'Sort', sort)),
      h('table', {class: 'grid operation-diff'},
          h('thead', null, h('tr', null,
              h('th', null, 'Service'), h('th', null, 'Operation'),
              h('th', {class: 'num'}, 'Spans A'), h('th', {class: 'num'}, 'Spans B'),
              h('th', {class: 'num'}, 'Total A'), h('th', {class: 'num'}, 'Total B'),
              h('th', {class: 'num'}, 'Mean A'), h('th', {class: 'num'}, 'Mean B'),
              h('th', {class: 'num'}, 'Δ total'), h('th', {class: 'num'}, 'Δ %'))),
          body));
}

function operationRow(row) {
  const presence = !row.a ? 'only-b' : !row.b ? 'only-a' : 'both';
  const trend = row.delta > 0 ? 'slower' : row.delta < 0 ? 'faster' : '';
  const cell = (name, text) => h('td', {class: `num ${name}`}, text);
  const mean = (op) => op ? duration(op.total / op.count) : '–';
  return h('tr', {class: presence},
      h('td', {class: 'service'},
          h('span', {class: 'swatch', style: {background: serviceColor(row.service)}}),
          row.service),
      h('td', {class: 'operation'}, h('span', {class: 'name'}, row.name), badge(presence)),
      cell('count-a', row.a ? count(row.a.count) : '–'),
      cell('count-b', row.b ? count(row.b.count) : '–'),
      cell('total-a', row.a ? duration(row.a.total) : '–'),
      cell('total-b', row.b ? duration(row.b.total) : '–'),
      cell('mean-a', mean(row.a)),
      cell('mean-b', mean(row.b)),
      cell(`delta ${trend}`, signed(row.delta, duration)),
      cell(`ratio ${trend}`, row.ratio === null ? '–' : signed(row.ratio, percentOf)));
}

/** The mark of an operation that only one trace has. */
function badge(presence) {
  if (presence === 'both') return null;
  return h('span', {class: `badge ${presence}`}, presence === 'only-a' ? 'only in A' : 'only in B');
}

/** A difference with its sign: +12.0ms, −3.00ms, 0ns. */
function signed(value, format) {
  return value > 0 ? `+${format(value)}` : format(value);
}

function percentOf(ratio) {
  const p = Math.abs(ratio) * 100;
  return `${ratio < 0 ? '−' : ''}${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}
