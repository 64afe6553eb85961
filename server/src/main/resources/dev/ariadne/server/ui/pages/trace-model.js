// The trace view's model: the API's trace as a tree of spans with times in nanoseconds relative
// to the trace's start, ready to be drawn, searched and summed. Plain data and pure functions; no
// DOM. The tree is built without recursion, so a deep chain of spans cannot overflow the stack.

import {attributeValue} from '../format.js';

/** The model of the API's answer to GET /api/v1/traces/{traceId}. */
export function traceModel(trace) {
  const base = trace.spans.reduce((min, s) => {
    const start = BigInt(s.startEpochNanos);
    return min === null || start < min ? start : min;
  }, null);
  const relative = (epochNanos) => Number(BigInt(epochNanos) - base);
  const spans = trace.spans.map((data, index) => span(data, index, relative));
  const byId = preferredById(spans);
  linkParents(spans, byId);
  const {top, order} = arrange(spans);
  countDescendants(order);
  let end = 0;
  let depth = 0;
  let errors = 0;
  const services = new Map();
  for (const s of spans) {
    end = Math.max(end, s.start, s.end);
    depth = Math.max(depth, s.depth + 1);
    if (s.error) errors++;
    services.set(s.service, (services.get(s.service) || 0) + 1);
  }
  return {
    traceId: trace.traceId, trace, spans, byId, top, order, relative, depth, errors,
    startEpochNanos: base, duration: end,
    root: top.find((s) => !s.parentId) || null,
    services: [...services].sort(([a], [b]) => a.localeCompare(b)),
  };
}

function span(data, index, relative) {
  const start = relative(data.startEpochNanos);
  return {
    index, data, start,
    id: data.spanId,
    parentId: data.parentSpanId || null,
    name: data.name,
    service: data.serviceName,
    end: relative(data.endEpochNanos),
    duration: data.durationNanos,
    error: data.status.code === 'ERROR',
    events: data.events.map((e) => ({name: e.name, time: relative(e.epochNanos), data: e})),
    followsFrom: data.links.filter((l) => l.followsFrom),
    parent: null, children: [], depth: 0, descendants: 0, orphan: false, cycle: false,
    placed: false, critical: [],
  };
}

/**
 * The span each ID stands for: of spans sharing an ID, the SERVER one (Zipkin's shared spans, as
 * the API and storage read them), else the first in timeline order.
 */
function preferredById(spans) {
  const byId = new Map();
  for (const s of spans) {
    const seen = byId.get(s.id);
    if (!seen || (s.data.kind === 'SERVER' && seen.data.kind !== 'SERVER')) byId.set(s.id, s);
  }
  return byId;
}

function linkParents(spans, byId) {
  for (const s of spans) {
    if (!s.parentId) continue;
    const parent = byId.get(s.parentId);
    if (!parent) {
      s.orphan = true;
    } else if (parent === s) {
      s.cycle = true;
    } else {
      s.parent = parent;
      parent.children.push(s);
    }
  }
}

/**
 * The top level (roots first, then orphans, in timeline order) and every span in tree order.
 * Spans whose parents form a cycle are reached from no root: the cycle is cut at its first span
 * in timeline order, which joins the top level.
 */
function arrange(spans) {
  const top = spans.filter((s) => !s.parent && !s.parentId)
      .concat(spans.filter((s) => !s.parent && s.parentId));
  const order = [];
  walk(top, (s) => order.push(s));
  for (const s of spans) {
    if (s.placed) continue;
    s.parent.children.splice(s.parent.children.indexOf(s), 1);
    s.parent = null;
    s.cycle = true;
    top.push(s);
    walk([s], (x) => order.push(x));
  }
  return {top, order};
}

/** Visits the trees under roots depth first, setting each span's depth. */
function walk(roots, visit) {
  const stack = roots.map((s) => [s, 0]).reverse();
  while (stack.length) {
    const [s, depth] = stack.pop();
    s.depth = depth;
    s.placed = true;
    visit(s);
    for (let i = s.children.length - 1; i >= 0; i--) stack.push([s.children[i], depth + 1]);
  }
}

function countDescendants(order) {
  for (let i = order.length - 1; i >= 0; i--) {
    const s = order[i];
    if (s.parent) s.parent.descendants += 1 + s.descendants;
  }
}

/** The rows shown: the spans in tree order, leaving out those under a collapsed span. */
export function visibleRows(top, collapsed) {
  const rows = [];
  const stack = [...top].reverse();
  while (stack.length) {
    const s = stack.pop();
    rows.push(s);
    if (collapsed.has(s)) continue;
    for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i]);
  }
  return rows;
}

/** Marks the spans on the critical path with their segments, in relative time. */
export function markCriticalPath(model, segments) {
  for (const segment of segments) {
    const s = model.byId.get(segment.spanId);
    if (!s) continue;
    s.critical.push({
      start: model.relative(segment.startEpochNanos),
      end: model.relative(segment.endEpochNanos),
    });
  }
}

/** A span's own time: its duration minus the union of its children's time within it. */
export function selfTime(s) {
  const from = s.start;
  const to = Math.max(s.start, s.end);
  const parts = s.children
      .map((c) => [Math.max(from, c.start), Math.min(to, c.end)])
      .filter(([a, b]) => b > a)
      .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let reach = from;
  for (const [a, b] of parts) {
    if (b <= reach) continue;
    covered += b - Math.max(a, reach);
    reach = b;
  }
  return to - from - covered;
}

/** Span count, errors, total and self time per service and per service and operation. */
export function statistics(model) {
  const services = new Map();
  const operations = new Map();
  for (const s of model.spans) {
    const total = Math.max(0, s.end - s.start);
    const self = selfTime(s);
    add(services, s.service, {service: s.service, operation: ''}, s, total, self);
    add(operations, `${s.service}\u0000${s.name}`, {service: s.service, operation: s.name},
        s, total, self);
  }
  return {services: [...services.values()], operations: [...operations.values()]};
}

function add(groups, key, names, s, total, self) {
  let group = groups.get(key);
  if (!group) {
    group = {...names, count: 0, errors: 0, total: 0, self: 0};
    groups.set(key, group);
  }
  group.count++;
  if (s.error) group.errors++;
  group.total += total;
  group.self += self;
  group.average = group.total / group.count;
}

/**
 * A test for spans matching what the user typed in find, or null for nothing typed. Text matches
 * part of the name, the service, the span ID, or an attribute's (span or resource) key or value;
 * "key=value" also matches an attribute with that key whose value contains the value. Case is
 * ignored.
 */
export function matcher(query) {
  const text = query.trim().toLowerCase();
  if (!text) return null;
  const equals = text.indexOf('=');
  const key = equals > 0 ? text.slice(0, equals).trim() : null;
  const value = text.slice(equals + 1).trim();
  return (s) => s.name.toLowerCase().includes(text)
      || s.service.toLowerCase().includes(text)
      || s.id.startsWith(text)
      || attributesOf(s).some((a) => a.key.toLowerCase().includes(text)
          || valueText(a).includes(text)
          || (key !== null && a.key.toLowerCase() === key && valueText(a).includes(value)));
}

function attributesOf(s) {
  return s.data.attributes.concat(s.data.resource.attributes);
}

function valueText(attribute) {
  return attributeValue(attribute).toLowerCase();
}
