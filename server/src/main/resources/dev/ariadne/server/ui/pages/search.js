// The Search view (/ and /search): traces found by service, operation, span kind, status,
// attributes, duration and time range. Every field lives in the URL's query string, so a search
// is shared and reloaded as a link. The results show as a scatter plot of duration over time and
// as a sortable list; a click on either opens the trace, and two picked traces open in the
// Compare view.

import {navigate} from '../app.js';
import {get, url} from '../api.js';
import {empty, failure, h, loading, replace, svg, useStyle} from '../dom.js';
import {count, duration, epochMillis, niceTicks, plural, serviceColor, shownNanos, timestamp}
    from '../format.js';

const RANGES = [
  ['15m', 'Last 15 minutes'], ['1h', 'Last hour'], ['6h', 'Last 6 hours'],
  ['24h', 'Last 24 hours'], ['2d', 'Last 2 days'], ['7d', 'Last 7 days'],
];
const CUSTOM = 'custom';
const DEFAULT_LOOKBACK = '1h';
const DEFAULT_LIMIT = '20';
const KINDS = ['server', 'client', 'producer', 'consumer', 'internal'];
const STATUSES = [['error', 'Error'], ['ok', 'OK'], ['unset', 'Unset']];
const SORTS = {
  newest: {label: 'Newest first', order: (a, b) => byStart(b, a)},
  longest: {label: 'Longest first', order: (a, b) => b.durationNanos - a.durationNanos},
  shortest: {label: 'Shortest first', order: (a, b) => a.durationNanos - b.durationNanos},
  spans: {label: 'Most spans', order: (a, b) => b.spanCount - a.spanCount},
};
const KEYS_LIST = 'search-attribute-keys';

export async function render(main, {query, signal}) {
  useStyle('/static/pages/search.css');
  document.title = 'Search · Ariadne';
  const search = fromQuery(query);
  const notices = h('div', {class: 'notices'});
  const results = h('section', {class: 'results', 'aria-label': 'Results'});
  replace(main, h('div', {class: 'search'},
      h('h1', null, 'Search'), searchForm(search, {signal, notices}), notices, results));
  await showResults(results, search, signal);
}

// ---- The search as the URL holds it ----

function fromQuery(query) {
  const start = query.get('start') || '';
  const end = query.get('end') || '';
  const sort = query.get('sort');
  return {
    service: query.get('service') || '',
    operation: query.get('operation') || '',
    spanKind: query.get('spanKind') || '',
    status: query.get('status') || '',
    attributes: query.getAll('attribute').filter((a) => a !== ''),
    minDuration: query.get('minDuration') || '',
    maxDuration: query.get('maxDuration') || '',
    lookback: start || end ? '' : query.get('lookback') || DEFAULT_LOOKBACK,
    start,
    end,
    limit: query.get('limit') || DEFAULT_LIMIT,
    sort: Object.hasOwn(SORTS, sort) ? sort : 'newest',
  };
}

/** The page's own query string, each field named as GET /api/v1/traces names it. */
function queryParams(search) {
  const {service, operation, spanKind, status, attributes, minDuration, maxDuration} = search;
  const {lookback, start, end, limit} = search;
  return {service, operation, spanKind, status, attribute: attributes, minDuration, maxDuration,
    lookback, start, end, limit};
}

/**
 * The parameters of GET /api/v1/traces: the page's, with the durations widened to all that the
 * results show as them (a minimum of 1.23ms finds the 1.226ms that reads 1.23ms, and so does a
 * maximum of 1.23ms the 1.234ms).
 */
function apiParams(search) {
  return {...queryParams(search), minDuration: shownBound(search.minDuration, true),
    maxDuration: shownBound(search.maxDuration, false)};
}

function pageUrl(search) {
  return url('/search', {...queryParams(search), sort: search.sort});
}

const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/y;
const UNIT_NANOS = {ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
  d: 86400e9};

/** Nanoseconds in a duration as the API reads it (250ms, 1.5s, 1h30m), or NaN. */
function parseDuration(text) {
  if (!text) return NaN;
  if (text === '0') return 0;
  DURATION_PART.lastIndex = 0;
  let nanos = 0;
  let part;
  while (DURATION_PART.lastIndex < text.length && (part = DURATION_PART.exec(text))) {
    nanos += Number(part[1]) * UNIT_NANOS[part[2]];
  }
  return DURATION_PART.lastIndex === text.length ? Math.round(nanos) : NaN;
}

/**
 * A duration bound as the API is asked for it: the shortest duration shown as at least it
 * (atLeast), or the longest shown as at most it, in nanoseconds. Text that is no duration, or
 * one too long for a number to count exactly, goes as it is, for the API to answer.
 */
function shownBound(text, atLeast) {
  const nanos = parseDuration(text);
  if (!(nanos <= Number.MAX_SAFE_INTEGER / 4)) return text;
  // The first duration shown as at least the bound (atLeast), or as more than it.
  let low = 0;
  let high = 2 * nanos + 1e3;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const shown = shownNanos(middle);
    if (atLeast ? shown >= nanos : shown > nanos) high = middle;
    else low = middle + 1;
  }
  return `${atLeast ? low : low - 1}ns`;
}

function splitAttribute(text) {
  const equals = text.indexOf('=');
  return equals < 0 ? [text, ''] : [text.slice(0, equals), text.slice(equals + 1)];
}

// ---- The form ----

function searchForm(search, context) {
  const service = h('select', {name: 'service'}, option('', 'All services'));
  setOptions(service, [], search.service);
  const operation = h('select', {name: 'operation'}, option('', 'All operations'));
  setOptions(operation, [], search.operation);
  const keys = h('datalist', {id: KEYS_LIST});
  const attributes = attributeFilters(search.attributes, service, context);
  const form = h('form', {class: 'filters search-form', role: 'search'},
      field('Service', service),
      field('Operation', operation),
      field('Span kind', selected(h('select', {name: 'spanKind'},
          option('', 'Any'), KINDS.map((k) => option(k))), search.spanKind)),
      field('Status', selected(h('select', {name: 'status'},
          option('', 'Any'), STATUSES.map(([value, label]) => option(value, label))),
      search.status)),
      attributes.element, keys,
      field('Min duration', durationInput('minDuration', search.minDuration)),
      field('Max duration', durationInput('maxDuration', search.maxDuration)),
      rangeFields(search),
      field('Limit', h('input', {type: 'number', name: 'limit', min: 1, max: 10000,
        value: search.limit})),
      h('button', {type: 'submit', class: 'primary'}, 'Find traces'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = pageUrl(fromForm(form, search));
    navigate(next, {replaceEntry: next === location.pathname + location.search});
  });
  service.addEventListener('change', () => {
    operation.value = '';
    loadOperations(operation, service.value, context);
    loadKeys(keys, service.value, context);
    attributes.refreshValues();
  });
  fill(service, context, 'Services', async () => {
    const answer = await get('/api/v1/services', null, context.signal);
    return answer.services;
  });
  loadOperations(operation, search.service, context);
  loadKeys(keys, search.service, context);
  return form;
}

/**
 * The search the form holds, from the one the URL held (previous). The custom range's fields show
 * whole seconds, To the last second the range includes, all of it: the URL's end, as the API's,
 * is the first instant after the range. An edge the user left as it was keeps the URL's own,
 * possibly finer, time.
 */
function fromForm(form, previous) {
  const data = new FormData(form);
  const choice = (name) => String(data.get(name) || '');
  const text = (name) => choice(name).trim();
  // Compared as times: a browser leaves zero seconds out of the field's value (09:29, not 09:29:00).
  const edge = (name, last) => (fromLocalInput(text(name))
      === fromLocalInput(toLocalInput(previous[name], last))
    ? previous[name] : fromLocalInput(text(name), last));
  const values = data.getAll('attributeValue');
  const attributes = data.getAll('attributeKey')
      .map((key, i) => [key.trim(), values[i]])
      .filter(([key, value]) => key || value.trim())
      .map(([key, value]) => `${key}=${value}`);
  const custom = choice('range') === CUSTOM;
  return {
    service: choice('service'),
    operation: choice('operation'),
    spanKind: choice('spanKind'),
    status: choice('status'),
    attributes,
    minDuration: text('minDuration'),
    maxDuration: text('maxDuration'),
    lookback: custom ? '' : choice('range'),
    start: custom ? edge('start', false) : '',
    end: custom ? edge('end', true) : '',
    limit: text('limit'),
    sort: previous.sort,
  };
}

function field(label, ...controls) {
  return h('label', null, label, ...controls);
}

function option(value, label = value) {
  return h('option', {value}, label);
}

/** The select with value chosen (once its options exist). */
function selected(select, value) {
  select.value = value;
  return select;
}

function durationInput(name, value) {
  return h('input', {name, value, class: 'duration', placeholder: 'e.g. 100ms',
    autocomplete: 'off', spellcheck: 'false'});
}

/** The key=value filters: a row each, keys and values autocompleted from the API. */
function attributeFilters(initial, service, context) {
  const rows = h('div', {class: 'rows'});
  const refreshers = new Set();
  const add = (text) => {
    const row = attributeRow(text, service, context);
    refreshers.add(row.refresh);
    row.remove.addEventListener('click', () => {
      refreshers.delete(row.refresh);
      row.element.remove();
    });
    rows.append(row.element);
    return row;
  };
  (initial.length ? initial : ['']).forEach(add);
  const more = h('button', {type: 'button', class: 'add', on: {click: () => add('').key.focus()}},
      '+ Attribute');
  return {
    element: h('fieldset', {class: 'attributes'}, h('legend', null, 'Attributes'), rows, more),
    refreshValues: () => refreshers.forEach((refresh) => refresh()),
  };
}

let rowNumber = 0;

function attributeRow(text, service, context) {
  const [key, value] = splitAttribute(text);
  const listId = `search-attribute-values-${++rowNumber}`;
  const values = h('datalist', {id: listId});
  const keyInput = h('input', {name: 'attributeKey', list: KEYS_LIST, value: key,
    placeholder: 'key', 'aria-label': 'Attribute key', autocomplete: 'off', spellcheck: 'false'});
  const valueInput = h('input', {name: 'attributeValue', list: listId, value,
    placeholder: 'value', 'aria-label': 'Attribute value', autocomplete: 'off',
    spellcheck: 'false'});
  const remove = h('button', {type: 'button', class: 'remove', title: 'Remove this filter',
    'aria-label': 'Remove this filter'}, '×');
  const refresh = () => loadValues(values, keyInput.value.trim(), service.value, context);
  keyInput.addEventListener('change', refresh);
  if (key) refresh();
  return {
    element: h('div', {class: 'attribute'}, keyInput, h('span', null, '='), valueInput, values,
        remove),
    key: keyInput,
    remove,
    refresh,
  };
}

/** The relative range (a select) and, when "Custom range" is chosen, the absolute one. */
function rangeFields(search) {
  const range = h('select', {name: 'range'}, RANGES.map(([v, label]) => option(v, label)));
  if (search.lookback && !RANGES.some(([v]) => v === search.lookback)) {
    range.append(option(search.lookback, `Last ${search.lookback}`));
  }
  range.append(option(CUSTOM, 'Custom range…'));
  range.value = search.lookback || CUSTOM;
  const start = h('input', {type: 'datetime-local', name: 'start', step: 1,
    value: toLocalInput(search.start)});
  const end = h('input', {type: 'datetime-local', name: 'end', step: 1,
    value: toLocalInput(search.end, true)});
  const absolute = h('div', {class: 'absolute'}, field('From', start), field('To', end));
  const sync = () => {
    absolute.hidden = range.value !== CUSTOM;
    if (range.value === CUSTOM && !start.value && !end.value) {
      const now = Date.now();
      start.value = toLocalInput(new Date(now - 3600e3).toISOString());
      end.value = toLocalInput(new Date(now).toISOString());
    }
  };
  range.addEventListener('change', sync);
  sync();
  return [field('Time range', range), absolute];
}

/**
 * A time from the URL (RFC 3339 or epoch nanoseconds) as a datetime-local value, local time, cut
 * to the second; for an end (last), the last second before it.
 */
function toLocalInput(text, last = false) {
  const nanos = text ? epochNanosOf(text) : null;
  if (nanos === null) return '';
  return timestamp(Number((nanos - (last ? 1n : 0n)) / 1000000n)).slice(0, 19).replace(' ', 'T');
}

/** Epoch nanoseconds (a BigInt) of RFC 3339 or epoch nanoseconds, or null. */
function epochNanosOf(text) {
  if (/^\d+$/.test(text)) return BigInt(text);
  const millis = Date.parse(text);
  if (!Number.isFinite(millis)) return null;
  const finer = /\.\d{3}(\d{1,6})/.exec(text);
  return BigInt(millis) * 1000000n + (finer ? BigInt(finer[1].padEnd(6, '0')) : 0n);
}

/**
 * A datetime-local value (local time) as RFC 3339 in UTC, as the API and the URL take it; for an
 * end (last), the first instant after its whole second.
 */
function fromLocalInput(text, last = false) {
  const millis = new Date(text).getTime();
  if (!text || !Number.isFinite(millis)) return '';
  return new Date(Math.floor(millis / 1000) * 1000 + (last ? 1000 : 0)).toISOString();
}

// ---- Autocompletion ----

const pending = new WeakMap();

/** Fills a select or datalist with what load() answers, unless a newer load replaced it. */
async function fill(element, context, what, load) {
  const token = {};
  pending.set(element, token);
  let values;
  try {
    values = await load();
  } catch (e) {
    if (e.name !== 'AbortError') notice(context.notices, what, failure(`${what}: ${e.message}`));
    return;
  }
  if (pending.get(element) !== token) return;
  notice(context.notices, what);
  if (element instanceof HTMLSelectElement) setOptions(element, values, element.value);
  else replace(element, values.map((v) => h('option', {value: v})));
}

/** Replaces what the notices say about one source; nothing when the source recovered. */
function notice(notices, what, message) {
  for (const old of notices.querySelectorAll('[data-source]')) {
    if (old.dataset.source === what) old.remove();
  }
  if (message) notices.append(h('div', {dataset: {source: what}}, message));
}

/** Keeps the first ("All …") option, lists the values and keeps current (even if unlisted). */
function setOptions(select, values, current) {
  const all = select.options[0];
  const listed = current && !values.includes(current) ? [current, ...values] : values;
  replace(select, all, listed.map((v) => option(v)));
  select.value = current;
}

function loadOperations(select, service, context) {
  if (!service) {
    pending.delete(select);
    setOptions(select, [], select.value);
    return;
  }
  fill(select, context, 'Operations', async () => {
    const path = `/api/v1/services/${encodeURIComponent(service)}/operations`;
    const answer = await get(path, null, context.signal);
    return [...new Set(answer.operations.map((o) => o.name))];
  });
}

function loadKeys(datalist, service, context) {
  fill(datalist, context, 'Attribute keys', async () => {
    const answer = await get('/api/v1/attributes/keys', {service}, context.signal);
    return answer.keys;
  });
}

function loadValues(datalist, key, service, context) {
  if (!key) {
    pending.delete(datalist);
    replace(datalist);
    return;
  }
  fill(datalist, context, 'Attribute values', async () => {
    const answer = await get('/api/v1/attributes/values', {key, service}, context.signal);
    return answer.values;
  });
}

// ---- Results ----

async function showResults(box, search, signal) {
  replace(box, loading('traces'));
  let answer;
  try {
    answer = await get('/api/v1/traces', apiParams(search), signal);
  } catch (e) {
    if (e.name !== 'AbortError') replace(box, failure(e));
    return;
  }
  const traces = answer.traces;
  if (traces.length === 0) {
    replace(box, empty('No traces match this search. Widen the time range or remove a filter.'));
    return;
  }
  const points = new Map();
  const list = resultList(traces, search, points);
  replace(box, list.toolbar, scatterPlot(traces, points), list.table);
}

function open(trace) {
  navigate(`/trace/${encodeURIComponent(trace.traceId)}`);
}

function byStart(a, b) {
  const x = BigInt(a.startEpochNanos);
  const y = BigInt(b.startEpochNanos);
  return x < y ? -1 : x > y ? 1 : 0;
}

function rootLabel(trace) {
  return trace.rootPresent ? `${trace.rootServiceName}: ${trace.rootSpanName}` : 'missing root';
}

/** The list with its toolbar: the count, the sort order and the Compare button. */
function resultList(traces, search, points) {
  const longest = Math.max(...traces.map((t) => t.durationNanos), 1);
  const compare = comparePicker();
  const rows = traces.map((trace) => traceRow(trace, longest, compare, points));
  const body = h('tbody');
  const sortRows = () => body.replaceChildren(...[...rows]
      .sort((a, b) => SORTS[search.sort].order(a.trace, b.trace) || byStart(b.trace, a.trace))
      .map((row) => row.element));
  sortRows();
  const sort = selected(h('select', {name: 'sort'},
      Object.entries(SORTS).map(([value, s]) => option(value, s.label))), search.sort);
  sort.addEventListener('change', () => {
    search.sort = sort.value;
    sortRows();
    // The URL follows the order without searching again.
    history.replaceState(null, '', pageUrl(search));
  });
  const total = traces.length === Number(search.limit)
      ? `${count(traces.length)} traces (the limit: raise it to see more)`
      : `${count(traces.length)} ${traces.length === 1 ? 'trace' : 'traces'}`;
  const toolbar = h('div', {class: 'toolbar'},
      h('span', {class: 'total'}, total), field('Sort', sort), compare.button);
  const table = h('table', {class: 'grid trace-list'},
      h('thead', null, h('tr', null,
          h('th', null, h('span', {class: 'visually-hidden'}, 'Compare')),
          h('th', null, 'Trace'), h('th', null, 'Start'), h('th', {class: 'num'}, 'Duration'),
          h('th', {class: 'num'}, 'Spans'), h('th', {class: 'num'}, 'Errors'),
          h('th', null, 'Services'))),
      body);
  return {toolbar, table};
}

/** Picks two traces (the two latest checked) and opens them in the Compare view. */
function comparePicker() {
  const picked = [];
  const boxes = new Map();
  const button = h('button', {type: 'button', class: 'compare', disabled: true,
    on: {click: () => navigate(url('/compare', {a: picked[0], b: picked[1]}))}},
  'Compare two traces');
  const update = () => {
    button.disabled = picked.length !== 2;
    button.title = picked.length === 2 ? '' : 'Tick two traces in the list to compare them';
  };
  update();
  const checkbox = (traceId) => {
    const box = h('input', {type: 'checkbox', 'aria-label': `Compare trace ${traceId}`});
    boxes.set(traceId, box);
    box.addEventListener('change', () => {
      const at = picked.indexOf(traceId);
      if (at >= 0) picked.splice(at, 1);
      if (box.checked) picked.push(traceId);
      if (picked.length > 2) boxes.get(picked.shift()).checked = false;
      update();
    });
    return box;
  };
  return {button, checkbox};
}

function traceRow(trace, longest, compare, points) {
  const href = `/trace/${encodeURIComponent(trace.traceId)}`;
  const root = trace.rootPresent
      ? [h('span', {class: 'service'}, trace.rootServiceName), ': ',
        h('span', {class: 'operation'}, trace.rootSpanName)]
      : h('span', {class: 'missing-root'}, 'missing root');
  const services = [...trace.services].sort((a, b) => b.spanCount - a.spanCount
      || a.serviceName.localeCompare(b.serviceName));
  const element = h('tr', {dataset: {traceId: trace.traceId}},
      h('td', {class: 'pick'}, compare.checkbox(trace.traceId)),
      h('td', {class: 'root'}, h('a', {href}, root),
          h('span', {class: 'trace-id mono'}, trace.traceId)),
      h('td', {class: 'start'}, timestamp(epochMillis(trace.startEpochNanos))),
      h('td', {class: 'num duration'}, duration(trace.durationNanos),
          h('div', {class: 'duration-bar',
            style: {width: `${Math.max(1, trace.durationNanos / longest * 100)}%`}})),
      h('td', {class: 'num spans'}, count(trace.spanCount)),
      h('td', {class: 'num errors'}, trace.errorCount > 0
          ? h('span', {class: 'badge error'}, count(trace.errorCount)) : '0'),
      h('td', {class: 'services'}, services.map((s) => h('span', {
        class: 'badge service', title: `${s.serviceName}: ${plural(s.spanCount, 'span')}`,
      }, h('span', {class: 'swatch', style: {background: serviceColor(s.serviceName)}}),
      h('span', {class: 'name'}, s.serviceName), ` ${count(s.spanCount)}`))));
  element.addEventListener('click', (event) => {
    if (event.target.closest('a, input, label, button')) return;
    open(trace);
  });
  const point = () => points.get(trace.traceId);
  element.addEventListener('mouseenter', () => point() && point().classList.add('hover'));
  element.addEventListener('mouseleave', () => point() && point().classList.remove('hover'));
  return {trace, element};
}

// ---- The scatter plot: trace duration over start time ----

const PLOT = {width: 1000, height: 220, left: 72, right: 16, top: 12, bottom: 28};

function scatterPlot(traces, points) {
  const times = traces.map((t) => epochMillis(t.startEpochNanos));
  const [t0, t1] = padded(Math.min(...times), Math.max(...times));
  // Round durations on the axis, the longest trace a little below the top.
  const ticks = niceTicks(Math.max(...traces.map((t) => t.durationNanos), 1) * 1.05);
  const top = ticks[ticks.length - 1];
  const innerWidth = PLOT.width - PLOT.left - PLOT.right;
  const innerHeight = PLOT.height - PLOT.top - PLOT.bottom;
  const x = (millis) => PLOT.left + (millis - t0) / (t1 - t0) * innerWidth;
  const y = (nanos) => PLOT.top + innerHeight - Math.max(0, nanos) / top * innerHeight;
  const ordered = [...traces].sort((a, b) => (a.errorCount > 0) - (b.errorCount > 0));
  return svg('svg', {class: 'scatter', viewBox: `0 0 ${PLOT.width} ${PLOT.height}`,
    role: 'img', 'aria-label': 'Trace duration over start time'},
  yAxis(ticks, y), xAxis(t0, t1, x),
  ordered.map((trace) => {
    const circle = point(trace, x(epochMillis(trace.startEpochNanos)), y(trace.durationNanos));
    points.set(trace.traceId, circle);
    return circle;
  }));
}

function padded(min, max) {
  const span = max - min || 60e3;
  return [min - span * 0.03, max + span * 0.03];
}

function yAxis(ticks, y) {
  return svg('g', {class: 'axis y'}, ticks.map((nanos) => [
    svg('line', {class: 'grid', x1: PLOT.left, x2: PLOT.width - PLOT.right, y1: y(nanos),
      y2: y(nanos)}),
    svg('text', {x: PLOT.left - 6, y: y(nanos), 'text-anchor': 'end', 'dominant-baseline':
      'middle'}, duration(nanos)),
  ]));
}

function xAxis(t0, t1, x) {
  const ticks = [0.05, 0.275, 0.5, 0.725, 0.95].map((f) => t0 + f * (t1 - t0));
  const span = t1 - t0;
  // Days apart: date and minute; within a day: the second; within seconds: the millisecond.
  const text = (millis) => span > 86400e3 ? timestamp(millis).slice(5, 16)
      : span > 10e3 ? timestamp(millis).slice(11, 19) : timestamp(millis).slice(11, 23);
  return svg('g', {class: 'axis x'}, ticks.map((millis) =>
    svg('text', {x: x(millis), y: PLOT.height - 8, 'text-anchor': 'middle'}, text(millis))));
}

function point(trace, cx, cy) {
  const label = `${rootLabel(trace)} · ${duration(trace.durationNanos)} · `
      + `${count(trace.spanCount)} spans · ${count(trace.errorCount)} errors · `
      + timestamp(epochMillis(trace.startEpochNanos));
  const circle = svg('circle', {cx, cy, r: 3 + Math.min(5, Math.sqrt(trace.spanCount)),
    class: trace.errorCount > 0 ? 'point error' : 'point', tabindex: 0, role: 'link',
    'aria-label': label, dataset: {traceId: trace.traceId}}, svg('title', null, label));
  circle.addEventListener('click', () => open(trace));
  circle.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') open(trace);
  });
  return circle;
}
