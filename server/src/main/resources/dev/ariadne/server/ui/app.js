// The router: picks the view from the URL, loads its module and lets it draw into <main>.
// Each view module exports render(main, route), possibly async; route holds the path's params,
// the query string and a signal aborted when the user leaves the view (pass it to api.get and
// listen to it to stop timers). Links to this server's views are followed without reloading.

import {failure, h, replace} from './dom.js';

const VIEWS = [
  {pattern: /^\/services$/, view: 'services', module: './pages/services.js'},
  {pattern: /^\/(?:search)?$/, view: 'search', module: './pages/search.js'},
  {pattern: /^\/compare$/, view: 'compare', module: './pages/compare.js'},
  {pattern: /^\/trace\/([^/]+)$/, view: 'search', module: './pages/trace.js'},
  {pattern: /^\/map$/, view: 'map', module: './pages/map.js'},
  {pattern: /^\/services\/([^/]+)$/, view: 'services', module: './pages/service.js'},
];

const main = document.getElementById('view');
let leaving = null;
let generation = 0;
/**
 * How many times each view's module failed to load. The browser remembers a failed import of a
 * URL for as long as the page lives (the server may only have been down a moment), so the next
 * try asks for the module under a URL of its own, and once one loads the view keeps using it.
 */
const failedImports = new Map();

/** The view's module, loaded under the URL of its last try (see failedImports). */
async function load(module) {
  const failures = failedImports.get(module) || 0;
  try {
    return await import(failures ? `${module}?retry=${failures}` : module);
  } catch (e) {
    failedImports.set(module, failures + 1);
    throw e;
  }
}

/** Shows the view for the current URL. */
async function route() {
  const current = ++generation;
  if (leaving) leaving.abort();
  leaving = new AbortController();
  const signal = leaving.signal;
  const path = location.pathname;
  const match = VIEWS.map((v) => ({v, m: v.pattern.exec(path)})).find((x) => x.m);
  for (const link of document.querySelectorAll('header nav a')) {
    link.classList.toggle('active', Boolean(match) && link.dataset.view === match.v.view);
  }
  if (!match) {
    document.title = 'Not found · Ariadne';
    replace(main, h('h1', null, 'Not found'), failure(`There is no page at ${path}.`));
    return;
  }
  let module;
  try {
    module = await load(match.v.module);
  } catch (e) {
    if (current === generation) {
      replace(main, failure(`This page cannot be loaded (${e.message}). Is the server up?`),
          h('p', null, h('button', {type: 'button', on: {click: route}}, 'Try again'),
              ' (if it fails again once the server is back, reload the page)'));
    }
    return;
  }
  if (current !== generation) return;
  replace(main);
  try {
    const params = match.m.slice(1).map(decodeURIComponent);
    await module.render(main, {params, query: new URLSearchParams(location.search), signal});
  } catch (e) {
    if (e.name !== 'AbortError' && current === generation) replace(main, failure(e));
  }
}

/** Goes to url (a path on this server) as a new history entry, or replaces the current one. */
export function navigate(url, {replaceEntry = false} = {}) {
  if (replaceEntry) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route();
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download')) return;
  const target = new URL(link.href, location.href);
  if (target.origin !== location.origin || target.pathname.startsWith('/static/')
      || target.pathname.startsWith('/api/')) return;
  if (target.pathname === location.pathname && target.search === location.search && target.hash) {
    return;
  }
  event.preventDefault();
  navigate(target.pathname + target.search + target.hash);
});
window.addEventListener('popstate', route);

/**
 * Names in the header the time zone every page shows its times in, the browser's: a trace read by
 * people in different zones shows different clock times, and only links carry UTC.
 */
function showZone() {
  const minutes = -new Date().getTimezoneOffset();
  const pad = (v) => String(v).padStart(2, '0');
  const offset = `UTC${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:`
      + pad(Math.abs(minutes) % 60);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelector('header.top').append(h('span', {class: 'zone',
    title: `Times are shown in this browser's time zone${zone ? `, ${zone}` : ''} (${offset} now);`
        + ' links carry UTC'}, offset));
}

showZone();

/** The propagation headers whose trace ID the header's box takes, as log lines carry them. */
const HEADERS = [
  // W3C traceparent: 00-{trace ID}-{span ID}-{flags}
  /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/i,
  // Jaeger uber-trace-id: {trace ID}:{span ID}:{parent span ID}:{flags}
  /^([0-9a-f]{1,32}):[0-9a-f]{1,16}:[0-9a-f]{1,16}:[0-9a-f]{1,2}$/i,
  // B3 single header: {trace ID}-{span ID}[-{sampling}[-{parent span ID}]]
  /^([0-9a-f]{16}|[0-9a-f]{32})-[0-9a-f]{16}(?:-[01d](?:-[0-9a-f]{16})?)?$/i,
];

/**
 * The trace ID in what was pasted into the header's box: the ID itself, or the trace ID of a
 * propagation header (W3C traceparent, Jaeger's uber-trace-id, B3's single header), in lower case.
 * Anything else is passed on as typed, for the trace page to say what is wrong with it.
 */
function traceIdIn(text) {
  const trimmed = text.trim();
  for (const header of HEADERS) {
    const match = header.exec(trimmed);
    if (match) return match[1].toLowerCase();
  }
  return /^[0-9a-f]+$/i.test(trimmed) ? trimmed.toLowerCase() : trimmed;
}

const lookup = document.querySelector('header form.lookup');
lookup.addEventListener('submit', (event) => {
  event.preventDefault();
  const traceId = traceIdIn(lookup.elements.traceId.value);
  if (traceId === '') return;
  lookup.reset();
  navigate(`/trace/${encodeURIComponent(traceId)}`);
});
route();
