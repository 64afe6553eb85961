// The trace view's span detail panel: everything the API says about one span (IDs, times,
// status, attributes, resource, scope, events, links), as text. References to spans of the same
// trace select them; references to other traces open those.

import {empty, h} from '../dom.js';
import {attributeValue, duration, epochMillis, offset, plural, serviceColor, timestamp}
    from '../format.js';

/**
 * The panel for span s of model. spanLink(id, label) gives a link selecting a span of this trace;
 * onClose() closes the panel.
 */
export function spanDetail(model, s, {spanLink, onClose}) {
  const d = s.data;
  return h('aside', {class: 'detail', 'aria-label': 'Span details'},
      h('div', {class: 'detail-head'},
          h('h2', null, d.name),
          h('button', {type: 'button', class: 'close', title: 'Close', on: {click: onClose}},
              '×')),
      facts(model, s, spanLink),
      spanWarnings(model, s, spanLink),
      section('Attributes', attributeTable(d.attributes, d.droppedAttributesCount)),
      section(`Events (${d.events.length})`, events(s), droppedNote(d.droppedEventsCount, 'event')),
      section(`References (${d.links.length})`, references(model, s, spanLink),
          droppedNote(d.droppedLinksCount, 'link')),
      section('Resource', attributeTable(d.resource.attributes, d.resource.droppedAttributesCount)),
      d.scope ? section('Instrumentation scope', scope(d.scope)) : null);
}

function facts(model, s, spanLink) {
  const d = s.data;
  const rows = [
    ['Service', [h('span', {class: 'swatch', style: {background: serviceColor(s.service)}}),
      h('a', {href: `/services/${encodeURIComponent(s.service)}`, class: 'service-link',
        title: `${s.service}'s overview: its requests, errors and latency`}, s.service)]],
    ['Kind', d.kind],
    ['Span ID', h('code', null, s.id)],
    ['Parent', parent(model, s, spanLink)],
    ['Trace ID', h('code', null, model.traceId)],
    ['Start', `${offset(s.start)} · ${timestamp(epochMillis(d.startEpochNanos))}`],
    ['Duration', duration(s.duration)],
    ['Status', [h('span', {class: d.status.code === 'ERROR' ? 'badge error' : 'badge'},
        d.status.code), d.status.message ? h('span', {class: 'status-message'},
        ` ${d.status.message}`) : null]],
  ];
  if (s.critical.length) {
    const time = s.critical.reduce((sum, c) => sum + (c.end - c.start), 0);
    rows.push(['Critical path', `${duration(time)} of this span's time`]);
  }
  if (d.traceState) rows.push(['Trace state', h('code', null, d.traceState)]);
  rows.push(['Flags', String(d.flags)]);
  return h('dl', {class: 'facts'}, rows.map(([term, value]) => [h('dt', null, term),
    h('dd', null, value)]));
}

function parent(model, s, spanLink) {
  if (!s.parentId) return 'none: a root span';
  if (model.byId.has(s.parentId)) {
    const p = model.byId.get(s.parentId);
    return spanLink(s.parentId, `${p.service}: ${p.name}`);
  }
  return [h('code', null, s.parentId), ' (never received)'];
}

/** What the trace's completeness says about this span. */
function spanWarnings(model, s, spanLink) {
  const completeness = model.trace.completeness;
  const notes = [];
  if (completeness.orphanSpanIds.includes(s.id)) {
    notes.push(`Its parent ${s.parentId} was never received; it is shown at the top level.`);
  }
  for (const skew of completeness.clockSkew.filter((k) => k.spanId === s.id)) {
    const p = model.byId.get(skew.parentSpanId);
    notes.push([skewText(skew), ' its parent ',
      spanLink(skew.parentSpanId, p ? `${p.service}: ${p.name}` : skew.parentSpanId),
      ' (possible clock skew; times are shown as received).']);
  }
  if (completeness.duplicateSpanIds.includes(s.id)) {
    notes.push('This span ID was received more than once.');
  }
  if (completeness.collidingSpanIds.includes(s.id)) {
    notes.push('Another span of this trace has the same span ID.');
  }
  if (s.cycle) {
    notes.push('Its parents form a cycle; it is shown at the top level.');
  } else if (completeness.cyclicSpanIds.includes(s.id)) {
    notes.push('Its parents form a cycle.');
  }
  if (s.duration < 0) notes.push('It ends before it starts.');
  return notes.length
    ? h('div', {class: 'warning'}, notes.map((note) => h('p', null, note)))
    : null;
}

/** "Starts 2ms before and ends 5ms after", as the API's clock skew entry says. */
export function skewText(skew) {
  const parts = [];
  if (skew.startsBeforeParentNanos > 0) {
    parts.push(`starts ${duration(skew.startsBeforeParentNanos)} before`);
  }
  if (skew.endsAfterParentNanos > 0) {
    parts.push(`ends ${duration(skew.endsAfterParentNanos)} after`);
  }
  const text = parts.join(' and ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function section(title, ...content) {
  return h('section', null, h('h3', null, title), content);
}

/** "3 events dropped by the client or the collector", or nothing when none were dropped. */
function droppedNote(count, noun) {
  return count
    ? h('p', {class: 'muted'}, `${plural(count, noun)} dropped by the client or the collector`)
    : null;
}

/** Typed attributes as a table of key, value (as text) and type. */
function attributeTable(attributes, dropped) {
  return [
    attributes.length
      ? h('table', {class: 'grid attributes'}, h('tbody', null, attributes.map((a) => h('tr', null,
          h('th', {scope: 'row'}, a.key),
          h('td', null, attributeValue(a)),
          h('td', {class: 'type'}, a.type)))))
      : empty('None.'),
    droppedNote(dropped, 'attribute'),
  ];
}

function events(s) {
  if (!s.events.length) return empty('None.');
  return h('ol', {class: 'events'}, s.events.map((e) => h('li', null,
      h('div', {class: 'event-head'},
          h('span', {class: 'event-time'}, offset(e.time)),
          h('span', {class: 'event-name'}, e.name),
          h('span', {class: 'muted'}, intoSpan(e, s))),
      e.data.attributes.length
        ? attributeTable(e.data.attributes, e.data.droppedAttributesCount)
        : null)));
}

/** Where event e of span s is in the span: "10.0ms into the span", "5.00ms before the span". */
export function intoSpan(e, s) {
  const into = e.time - s.start;
  return into < 0 ? `${duration(-into)} before the span` : `${duration(into)} into the span`;
}

function references(model, s, spanLink) {
  const links = s.data.links;
  if (!links.length) return empty('None.');
  return h('ul', {class: 'references'}, links.map((link) => h('li', null,
      h('span', {class: link.followsFrom ? 'badge follows' : 'badge'},
          link.followsFrom ? 'follows from' : 'link'),
      ' ', target(model, link, spanLink),
      link.traceState ? h('div', {class: 'muted'}, `trace state ${link.traceState}`) : null,
      link.attributes.length ? attributeTable(link.attributes, link.droppedAttributesCount)
        : null)));
}

function target(model, link, spanLink) {
  if (link.traceId === model.traceId) {
    const s = model.byId.get(link.spanId);
    if (!s) return [h('code', null, link.spanId), ' (not in this trace)'];
    return spanLink(link.spanId, `${s.service}: ${s.name}`);
  }
  return h('a', {
    href: `/trace/${encodeURIComponent(link.traceId)}?span=${encodeURIComponent(link.spanId)}`,
    class: 'other-trace',
  }, `trace ${link.traceId}, span ${link.spanId}`);
}

function scope(s) {
  return [
    h('p', null, h('code', null, s.name || '(unnamed)'), s.version ? ` ${s.version}` : ''),
    s.attributes.length ? attributeTable(s.attributes, 0) : null,
  ];
}
