// The trace view (/trace/{traceId}): a header with the trace's figures, the completeness the API
// reports, and then either the timeline with the selected span's details beside it or the
// trace's statistics (?tab=statistics). The selected span (?span=), the find text (?find=) and
// the statistics' sort (?sort=, ?order=) are in the URL, so a reload or a shared link shows the
// same. The critical path is loaded alongside the trace; without it the timeline still shows.

import {ApiError, get, parseJson} from '../api.js';
import {failure, h, loading, replace, safeUrl, useStyle} from '../dom.js';
import {count, duration, epochMillis, plural, serviceColor, timestamp} from '../format.js';
import {completenessWarnings} from './trace-completeness.js';
import {spanDetail} from './trace-detail.js';
import {markCriticalPath, traceModel} from './trace-model.js';
import {statisticsView} from './trace-statistics.js';
import {timeline} from './trace-timeline.js';

/**
 * The trace shown last ({key, text, trace, segments}), while the URL stays on it: switching tabs
 * and going back and forth between its states do not fetch it again.
 */
let cache = null;

export async function render(main, {params, query, signal}) {
  useStyle('/static/pages/trace.css');
  const key = params[0];
  const tab = query.get('tab') === 'statistics' ? 'statistics' : 'timeline';
  document.title = `Trace ${key} · Ariadne`;
  const view = h('div', {class: 'trace-view'}, loading('the trace'));
  replace(main, view);
  const cached = cache && cache.key === key ? cache : null;
  const path = tab !== 'timeline' ? null
      : cached && cached.segments ? Promise.resolve({segments: cached.segments})
      : criticalPath(key, signal);
  let loaded;
  try {
    loaded = cached || await fetchTrace(key, signal);
  } catch (e) {
    if (e.name !== 'AbortError') replace(view, h('h1', null, 'Trace'), problem(e, key));
    return;
  }
  cache = loaded;
  signal.addEventListener('abort', () => {
    if (location.pathname !== `/trace/${key}`) cache = null;
  });
  const model = traceModel(loaded.trace);
  const page = {model, loaded, query, signal, tab, tabLinks: []};
  page.spanLink = (id, label) => spanLink(page, id, label);
  replace(view, header(model, loaded.text, signal), completenessWarnings(model, page.spanLink),
      tabs(page));
  if (tab === 'statistics') {
    view.append(statisticsView(model, {
      sort: query.get('sort'), order: query.get('order'),
      onSort: (sort, order) => setQuery(page, {sort, order}),
    }));
  } else {
    showTimeline(page, view, path);
  }
}

/**
 * The trace as the API answered it, with the answer's own text for the download (parsing and
 * writing it again would round integers beyond 2^53); errors as api.get reports them.
 */
async function fetchTrace(key, signal) {
  const path = `/api/v1/traces/${encodeURIComponent(key)}`;
  let response;
  try {
    response = await fetch(path, {headers: {Accept: 'application/json'}, signal});
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `The server cannot be reached (${path}): ${e.message}`);
  }
  const text = await response.text();
  let trace = null;
  try {
    trace = parseJson(text);
  } catch {
    throw new ApiError(response.status, `${path} answered ${response.status} with no JSON`);
  }
  if (!response.ok) {
    throw new ApiError(response.status, trace && trace.message
        ? `${trace.message} (${response.status})`
        : `${path} answered ${response.status} ${response.statusText}`);
  }
  return {key, text, trace, segments: null};
}

/** The critical path's segments, or the error that kept them away; never rejects. */
function criticalPath(key, signal) {
  return get(`/api/v1/traces/${encodeURIComponent(key)}/critical-path`, null, signal)
      .then((answer) => ({segments: answer.segments}), (error) => ({error}));
}

function problem(error, key) {
  if (error instanceof ApiError && error.status === 404) {
    return failure(`Trace ${key} was not found: it has not arrived (yet), `
        + 'or it is older than what storage keeps.');
  }
  return failure(error);
}

function header(model, text, signal) {
  const root = model.root;
  return h('header', {class: 'trace-header'},
      h('div', {class: 'title-row'},
          h('h1', null, root
            ? [h('span', {class: 'swatch', style: {background: serviceColor(root.service)}}),
              h('span', {class: 'root-service'}, root.service), ': ', root.name]
            : 'Trace without a root span'),
          download(model.traceId, text, signal)),
      h('dl', {class: 'trace-facts'},
          fact('Trace ID', h('code', null, model.traceId)),
          fact('Start', timestamp(epochMillis(String(model.startEpochNanos)))),
          fact('Duration', duration(model.duration)),
          fact('Services', h('span', {class: 'service-list'}, `${model.services.length}: `,
              model.services.map(([name, n], i) => [i ? ' ' : null,
                h('span', {class: 'service-count'},
                    h('span', {class: 'swatch', style: {background: serviceColor(name)}}),
                    `${name} (${count(n)})`)]))),
          fact('Depth', count(model.depth)),
          fact('Spans', count(model.trace.spanCount)),
          fact('Errors', count(model.errors))));
}

function fact(term, value) {
  return h('div', {class: 'fact', dataset: {fact: term.toLowerCase().replace(' ', '-')}},
      h('dt', null, term), h('dd', null, value));
}

function download(traceId, text, signal) {
  // h() lets only relative and http(s) URLs into href, and a blob: URL is neither. This one is
  // safe to set directly: it is made here, from the API's own answer typed application/json, and
  // the download attribute saves it as a file instead of opening it as a page of this origin.
  // It is made on the first click, which then follows it: copying a large trace into a Blob up
  // front cost 40-75 ms of the page's first render (benchmarks/ui-render.sh).
  let blobUrl = null;
  const link = h('a', {
    class: 'download', download: `trace-${traceId}.json`, href: '#',
    on: {click: () => {
      if (!blobUrl) {
        blobUrl = URL.createObjectURL(new Blob([text], {type: 'application/json'}));
        link.href = blobUrl;
      }
    }},
  }, 'Download JSON');
  signal.addEventListener('abort', () => blobUrl && URL.revokeObjectURL(blobUrl));
  return link;
}

function tabs(page) {
  const link = (label, name) => {
    const a = h('a', {class: page.tab === name ? 'tab active' : 'tab', dataset: {tab: name}},
        label);
    page.tabLinks.push([a, name]);
    return a;
  };
  const nav = h('nav', {class: 'tabs'}, link('Timeline', 'timeline'),
      link('Statistics', 'statistics'));
  updateTabLinks(page);
  return nav;
}

function updateTabLinks(page) {
  for (const [a, name] of page.tabLinks) {
    a.href = safeUrl(href(name === 'statistics'
      ? {tab: 'statistics'}
      : {tab: null, sort: null, order: null}));
  }
}

/** The current URL with these query parameters set (or, for null, removed). */
function href(changes) {
  const query = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value) query.set(name, value);
    else query.delete(name);
  }
  const text = query.toString();
  return location.pathname + (text ? `?${text}` : '');
}

/** Records a change of the view's state in the URL, without a new history entry. */
function setQuery(page, changes) {
  if (page.signal.aborted) return;
  history.replaceState(history.state, '', href(changes));
  updateTabLinks(page);
}

/** A link to span id of this trace: on the timeline it selects the span in place. */
function spanLink(page, id, label) {
  const onTimeline = page.tab === 'timeline' && page.model.byId.has(id);
  return h('a', {
    href: href({span: id, tab: null, sort: null, order: null}),
    class: 'span-link',
    on: onTimeline ? {click: (event) => {
      event.preventDefault();
      page.select(page.model.byId.get(id));
    }} : null,
  }, label);
}

function showTimeline(page, view, path) {
  const {model, query, signal} = page;
  const wanted = query.get('span');
  const selected = wanted ? model.byId.get(wanted) || null : null;
  const note = h('p', {class: 'state critical-note'}, 'Loading the critical path…');
  const body = h('div', {class: 'trace-body'});
  let detail = null;
  const showDetail = (s) => {
    if (detail) detail.remove();
    detail = s ? spanDetail(model, s, {spanLink: page.spanLink, onClose: () => page.select(null)})
        : null;
    if (detail) body.append(detail);
    body.classList.toggle('with-detail', Boolean(s));
  };
  const tl = timeline(model, {
    selected, find: query.get('find') || '', signal,
    onSelect: (s) => page.select(s),
    onFind: (text) => setQuery(page, {find: text.trim() ? text : null}),
  });
  page.selected = selected;
  page.select = (s) => {
    page.selected = s;
    tl.select(s);
    showDetail(s);
    setQuery(page, {span: s ? s.id : null});
  };
  body.append(tl.element);
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || event.defaultPrevented || !page.selected) return;
    if (event.target.closest('input, select, textarea')) return;
    page.select(null);
  }, {signal});
  view.append(note);
  if (wanted && !selected) view.append(failure(`Span ${wanted} is not in this trace.`));
  view.append(body);
  showDetail(selected);
  path.then((answer) => {
    if (signal.aborted) return;
    if (answer.error) {
      note.classList.add('error');
      note.textContent = `The critical path could not be loaded (${answer.error.message}); `
          + 'the timeline is shown without it.';
      return;
    }
    page.loaded.segments = answer.segments;
    markCriticalPath(model, answer.segments);
    note.textContent = criticalSummary(answer.segments);
    tl.refresh();
    if (detail) showDetail(page.selected);
  });
}

function criticalSummary(segments) {
  if (!segments.length) {
    return 'The analysis found no critical path: the root takes no time, or the spans\' '
        + 'references form a cycle.';
  }
  const spans = new Set(segments.map((s) => s.spanId)).size;
  return `Critical path: ${plural(segments.length, 'segment')} over ${plural(spans, 'span')}, `
      + 'marked on their bars: the work the trace waited for.';
}
