// The trace view's completeness box: what the API reports missing or odd about the trace (no
// root, orphans, cycles of parents, possible clock skew, duplicates, IDs given to different spans,
// spans storage did not keep), shown, not hidden.

import {h} from '../dom.js';
import {count, plural} from '../format.js';
import {skewText} from './trace-detail.js';

const LISTED = 50;
const FOLDED = 5;

/** The warnings for model's trace, or null when there is nothing to report. */
export function completenessWarnings(model, spanLink) {
  const c = model.trace.completeness;
  const items = [];
  if (!c.rootPresent) {
    items.push(h('li', {class: 'no-root'},
        'Root span missing: no span without a parent was received. '
            + 'The spans whose parent is missing are shown at the top level.'));
  }
  if (c.orphanSpanIds.length) {
    items.push(h('li', {class: 'orphans'},
        c.orphanSpanIds.length === 1
          ? '1 orphan span, whose parent was never received (shown at the top level):'
          : `${count(c.orphanSpanIds.length)} orphan spans, whose parents were never received `
            + '(shown at the top level):',
        list(c.orphanSpanIds, (id) => {
          const s = model.byId.get(id);
          return [spanLink(id, label(model, id)), s ? ` · parent ${s.parentId}` : ''];
        })));
  }
  if (c.cyclicSpanIds.length) {
    items.push(h('li', {class: 'cyclic'},
        (c.cyclicSpanIds.length === 1 ? '1 span whose parents form a cycle'
          : `${count(c.cyclicSpanIds.length)} spans whose parents form a cycle`)
            + ' (its own parent, or parents of each other): no root leads to them; the cycle is'
            + ' cut at its first span, shown at the top level:',
        list(c.cyclicSpanIds, (id) => spanLink(id, label(model, id)))));
  }
  if (c.clockSkew.length) {
    items.push(h('li', {class: 'clock-skew'},
        (c.clockSkew.length === 1 ? '1 span starts before or ends after its parent '
          : `${count(c.clockSkew.length)} spans start before or end after their parents `)
            + '(possible clock skew; times are shown as received):',
        list(c.clockSkew, (skew) => [spanLink(skew.spanId, label(model, skew.spanId)), ': ',
          skewText(skew).toLowerCase(), ' its parent ',
          spanLink(skew.parentSpanId, label(model, skew.parentSpanId))])));
  }
  if (c.duplicateSpanIds.length) {
    items.push(h('li', {class: 'duplicates'},
        `${plural(c.duplicateSpanIds.length, 'span ID')} received more than once:`,
        list(c.duplicateSpanIds, (id) => spanLink(id, label(model, id)))));
  }
  if (c.collidingSpanIds.length) {
    items.push(h('li', {class: 'colliding'},
        `${plural(c.collidingSpanIds.length, 'span ID')} given to different spans `
            + '(all shown; the children of the ID hang from the first):',
        list(c.collidingSpanIds, (id) => [spanLink(id, id), ': ',
          model.spans.filter((s) => s.id === id).map((s) => `${s.service}: ${s.name}`)
              .join(' · ')])));
  }
  if (c.droppedSpans.length) items.push(dropped(c.droppedSpans));
  if (c.unreadableSpans) {
    items.push(h('li', {class: 'unreadable'},
        `${plural(c.unreadableSpans, 'span')} stored but unreadable: the storage found the part`
            + ' holding them damaged, so spans under them may show as orphans.'));
  }
  if (!items.length) return null;
  return h('div', {class: 'warning completeness', role: 'note'},
      h('strong', null, c.complete ? 'This trace looks odd' : 'This trace is incomplete'),
      h('ul', null, items));
}

function label(model, id) {
  const s = model.byId.get(id);
  return s ? `${s.service}: ${s.name} (${id})` : id;
}

/** The entries (the first LISTED), folded away behind a summary when there are more than a few. */
function list(entries, item) {
  const items = h('ul', {class: 'listed'},
      entries.slice(0, LISTED).map((e) => h('li', null, item(e))),
      entries.length > LISTED
        ? h('li', {class: 'muted'}, `and ${count(entries.length - LISTED)} more`)
        : null);
  return entries.length <= FOLDED ? items
    : h('details', null, h('summary', null, `Show all ${count(entries.length)}`), items);
}

function dropped(droppedSpans) {
  const total = droppedSpans.reduce((sum, d) => sum + d.count, 0);
  const sorted = [...droppedSpans].sort((a, b) => b.count - a.count);
  const table = h('table', {class: 'grid'},
      h('thead', null, h('tr', null, h('th', null, 'Service'), h('th', null, 'Operation'),
          h('th', {class: 'num'}, 'Spans not stored'))),
      h('tbody', null, sorted.slice(0, LISTED).map((d) => h('tr', null,
          h('td', null, d.serviceName), h('td', null, d.spanName),
          h('td', {class: 'num'}, count(d.count))))));
  return h('li', {class: 'dropped'},
      `${plural(total, 'span')} not stored: the trace reached the storage's per-trace span limit.`,
      h('details', {open: sorted.length <= FOLDED},
          h('summary', null, `By service and operation (${count(sorted.length)})`), table,
          sorted.length > LISTED
            ? h('p', {class: 'muted'}, `and ${count(sorted.length - LISTED)} more`)
            : null));
}
