// The service map (/map?lookback=1h): who called whom over a time range, from
// GET /api/v1/dependencies, drawn as a layered graph (callers left, callees right) with the
// calls, error rate and p95 latency on each edge where the label fits, and peers that send no
// spans (databases, caches, external services) as shapes of their own. Clicking a service opens its overview.
// With analytics off the answer comes from storage: no peers, connection types or latencies
// ("–" is shown). What the answer says the map lacks (its `missing`) is a note above it.

import {navigate} from '../app.js';
import {get} from '../api.js';
import {empty, failure, h, loading, replace, svg, useStyle} from '../dom.js';
import {count, duration, missingText, percent, plural, serviceColor} from '../format.js';
import {apiWindow, rangeOf, rangePicker} from './analytics-range.js';

const NODE_WIDTH = 168;
const NODE_HEIGHT = 44;
/** The widest a node's name is drawn: the box less a margin on either side. */
const NAME_WIDTH = NODE_WIDTH - 2 * 12;
const COLUMN_GAP = 180;
const ROW_HEIGHT = 76;
const MARGIN = 36;
const LOOP_DEPTH = 56;
/** Half the height of an edge label's plate. */
const LABEL_HALF_HEIGHT = 15;
const PEER_KINDS = {database: 'database', virtual_node: 'external', messaging_system: 'messaging'};

export async function render(main, {query, signal}) {
  useStyle('/static/pages/analytics.css');
  document.title = 'Service map · Ariadne';
  const range = rangeOf(query);
  const body = h('div', {class: 'map-body'}, loading('the service map'));
  replace(main,
      h('div', {class: 'view-head'}, h('h1', null, 'Service map'),
          rangePicker('/map', query, range)),
      body);
  let answer;
  try {
    answer = await get('/api/v1/dependencies', apiWindow(range), signal);
  } catch (e) {
    if (e.name !== 'AbortError') replace(body, failure(e));
    return;
  }
  const graph = graphOf(answer);
  const note = missingNote(answer.missing);
  if (graph.links.length === 0) {
    replace(body, note, empty(`No calls between services in ${range.label}.`));
    return;
  }
  const map = drawing(graph, layout(graph));
  replace(body, note, summary(graph, answer.source), map, legend(),
      h('h2', null, 'Calls'), callTable(answer.links, graph));
  fitNames(map);
}

/**
 * Nodes and links from the answer. Links between the same two nodes (one per connection type) are
 * merged into one edge; its parts are kept for the details.
 */
function graphOf(answer) {
  const nodes = new Map();
  for (const node of answer.nodes) {
    const peer = node.kind === 'peer';
    nodes.set(node.name, {name: node.name, peer, peerKind: peer ? 'peer' : null});
  }
  const edges = new Map();
  for (const link of answer.links) {
    const child = nodes.get(link.child);
    if (child.peer && PEER_KINDS[link.connectionType]) {
      child.peerKind = PEER_KINDS[link.connectionType];
    }
    const key = JSON.stringify([link.parent, link.child]);
    if (!edges.has(key)) {
      edges.set(key, {parent: link.parent, child: link.child, calls: 0, errors: 0, parts: []});
    }
    const edge = edges.get(key);
    edge.calls += link.callCount;
    edge.errors += link.errorCount;
    edge.parts.push(link);
  }
  return {nodes, links: [...edges.values()]};
}

/** The worst of the parts' latencies at a percentile (milliseconds), or null when none has one. */
function latency(edge, percentile) {
  const values = edge.parts.map((p) => p[percentile]).filter((v) => typeof v === 'number');
  return values.length ? Math.max(...values) : null;
}

function millisText(millis) {
  return typeof millis === 'number' ? duration(millis * 1e6) : '–';
}

/** What the answer says the map lacks (its `missing`), as the service overview says it; or nothing. */
function missingNote(missing) {
  if (!missing || missing.length === 0) return null;
  return h('div', {class: 'warning map-missing', role: 'note'},
      h('p', null, h('strong', null, 'This map is incomplete:')),
      missing.map((note) => h('p', null, missingText(note, null, 'calls'))));
}

function summary(graph, source) {
  const nodes = [...graph.nodes.values()];
  const peers = nodes.filter((n) => n.peer).length;
  const calls = graph.links.reduce((sum, l) => sum + l.calls, 0);
  const from = {analytics: 'from the service graph computed at ingest',
    storage: 'from the stored traces'}[source];
  return h('p', {class: 'map-summary'},
      `${plural(nodes.length - peers, 'service')} · ${plural(peers, 'peer')} · `
          + `${plural(calls, 'call')}`,
      from ? ` · ${from}` : '');
}

// ---- Layout ----------------------------------------------------------------------------------

/**
 * Positions for every node: a column per longest-path layer from the roots (the edges that close
 * a cycle are left out of the layering), rows ordered by the barycentre of their neighbours.
 * Deterministic: the same graph always gives the same picture.
 */
function layout(graph) {
  const names = [...graph.nodes.keys()].sort();
  const callees = new Map(names.map((n) => [n, []]));
  const callers = new Map(names.map((n) => [n, []]));
  for (const link of graph.links) {
    if (link.parent === link.child) continue;
    callees.get(link.parent).push(link.child);
    callers.get(link.child).push(link.parent);
  }
  const {order, back} = depthFirst(names, callees, callers);
  const layer = new Map();
  for (const name of order) {
    const forward = callers.get(name).filter((c) => !back.has(JSON.stringify([c, name])));
    layer.set(name, Math.max(0, ...forward.map((c) => layer.get(c) + 1)));
  }
  const columns = [];
  for (const name of names) (columns[layer.get(name)] ||= []).push(name);
  orderRows(columns, callers, callees);
  // Room above and below the nodes for the deepest arc on each side: its furthest point, and its
  // label's centre, is three quarters of its depth away from the nodes.
  const room = {above: LOOP_DEPTH, below: LOOP_DEPTH};
  for (const link of graph.links) {
    if (link.parent === link.child) continue;
    const arc = arcOf(layer.get(link.parent), layer.get(link.child));
    if (arc) room[arc.side] = Math.max(room[arc.side], arc.depth);
  }
  const [above, below] = [room.above, room.below].map(
      (depth) => Math.max(MARGIN + LOOP_DEPTH / 2, depth * 0.75 + LABEL_HALF_HEIGHT + 8));
  const rows = Math.max(...columns.map((c) => c.length));
  const positions = new Map();
  columns.forEach((column, i) => column.forEach((name, row) => positions.set(name, {
    x: MARGIN + i * (NODE_WIDTH + COLUMN_GAP),
    y: above + ((rows - column.length) / 2 + row) * ROW_HEIGHT,
    layer: i,
  })));
  // Per column, the top of its first node and the bottom of its last: what an arc passing over the
  // column must clear.
  const extents = columns.map((column) => ({
    top: positions.get(column[0]).y,
    bottom: positions.get(column[column.length - 1]).y + NODE_HEIGHT,
  }));
  const width = MARGIN * 2 + columns.length * NODE_WIDTH + (columns.length - 1) * COLUMN_GAP;
  const height = above + (rows - 1) * ROW_HEIGHT + NODE_HEIGHT + below;
  return {positions, extents, width, height};
}

/**
 * How an edge between two nodes is drawn, from their columns: to the next column as a curve
 * (null); further right as an arc above the nodes, so that it does not run through the columns
 * between; back to an earlier column, or within one, as an arc below them. The more columns an arc
 * passes over, the deeper it reaches and the further apart its ends, so that arcs nest instead of
 * running along one another.
 */
function arcOf(fromLayer, toLayer) {
  const forward = toLayer - fromLayer;
  if (forward === 1) return null;
  const span = forward > 1 ? forward - 1 : -forward;
  return {side: forward > 1 ? 'above' : 'below',
    depth: LOOP_DEPTH * (1 + Math.max(0, span - 1) / 2),
    spread: NODE_WIDTH * 0.04 * Math.min(Math.max(0, span - 1), 4)};
}

/**
 * A topological order of the nodes (reverse post-order of a depth-first search that starts from
 * the nodes nobody calls), and the edges that lead back into the search's stack: the ones that
 * close cycles.
 */
function depthFirst(names, callees, callers) {
  const state = new Map();
  const post = [];
  const back = new Set();
  const visit = (name) => {
    state.set(name, 'open');
    for (const next of [...callees.get(name)].sort()) {
      if (state.get(next) === 'open') back.add(JSON.stringify([name, next]));
      else if (!state.has(next)) visit(next);
    }
    state.set(name, 'done');
    post.push(name);
  };
  const roots = names.filter((n) => callers.get(n).length === 0);
  for (const name of [...roots, ...names]) if (!state.has(name)) visit(name);
  return {order: post.reverse(), back};
}

/** Sweeps the columns right and left, sorting each by the mean row of its neighbours. */
function orderRows(columns, callers, callees) {
  const rowOf = new Map();
  const remember = (column) => column.forEach((name, i) => rowOf.set(name, i / column.length));
  columns.forEach(remember);
  const sortBy = (column, neighbours) => {
    const weight = new Map(column.map((name) => {
      const placed = neighbours.get(name).filter((n) => rowOf.has(n)).map((n) => rowOf.get(n));
      const mean = placed.reduce((a, b) => a + b, 0) / placed.length;
      return [name, placed.length ? mean : rowOf.get(name)];
    }));
    column.sort((a, b) => weight.get(a) - weight.get(b) || (a < b ? -1 : a > b ? 1 : 0));
    remember(column);
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    for (let i = 1; i < columns.length; i++) sortBy(columns[i], callers);
    for (let i = columns.length - 2; i >= 0; i--) sortBy(columns[i], callees);
  }
}

// ---- Drawing ---------------------------------------------------------------------------------

function drawing(graph, {positions, extents, width, height}) {
  const tooltip = h('div', {class: 'chart-tooltip', role: 'tooltip', hidden: true});
  const picture = svg('svg', {
    class: 'service-map', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': 'Service map',
  }, arrowheads());
  const maxCalls = Math.max(...graph.links.map((l) => l.calls));
  const edges = graph.links.map((link) => edgeOf(link, positions, extents, maxCalls));
  const nodes = [...graph.nodes.values()].map((node) => nodeOf(node, positions.get(node.name)));
  placeLabels(edges, [...positions.values()]);
  // The labels above every line, the nodes above everything.
  picture.append(...edges.map((e) => e.element), ...edges.map((e) => e.label.element),
      ...nodes.map((n) => n.element));
  const frame = h('div', {class: 'map-frame'}, picture, tooltip);
  const show = (event, rows) => showTooltip(frame, tooltip, event, rows);
  const hide = () => {
    tooltip.hidden = true;
    picture.classList.remove('focused');
    for (const el of picture.querySelectorAll('.lit')) el.classList.remove('lit');
  };
  for (const edge of edges) {
    for (const element of [edge.element, edge.label.element]) {
      element.addEventListener('mousemove', (e) => show(e, edgeDetails(edge.link)));
      element.addEventListener('mouseleave', hide);
    }
  }
  for (const node of nodes) {
    const lit = () => highlight(picture, node.data.name, edges, nodes);
    node.element.addEventListener('mouseenter', lit);
    node.element.addEventListener('focus', lit);
    node.element.addEventListener('blur', hide);
    node.element.addEventListener('mousemove', (e) => show(e, nodeDetails(node.data, graph)));
    node.element.addEventListener('mouseleave', hide);
  }
  return frame;
}

/**
 * Places the edge labels, busiest edge first, each at the first of its places along its edge
 * where its plate covers no node and no label placed before it. A label with no such place is
 * left out, so that a dense map stays readable: hovering its edge still shows its figures, and the
 * table below the map lists them all.
 */
function placeLabels(edges, positions) {
  const taken = positions.map((at) => ({x: at.x, y: at.y, width: NODE_WIDTH, height: NODE_HEIGHT}));
  const busiestFirst = [...edges].sort((a, b) => b.link.calls - a.link.calls
      || a.link.parent.localeCompare(b.link.parent) || a.link.child.localeCompare(b.link.child));
  for (const {label} of busiestFirst) {
    const plates = label.places.map((at) => plateOf(label.lines, at));
    const free = plates.find((plate) => !taken.some((box) => overlaps(plate.box, box)));
    if (free) taken.push(free.box);
    else label.element.classList.add('crowded');
    label.element.append(...(free || plates[0]).children);
  }
}

/** Whether two boxes come closer than two pixels. */
function overlaps(a, b) {
  const gap = 2;
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap
      && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

function arrowheads() {
  const marker = (id, colour) => svg('marker', {
    id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 13, markerHeight: 13,
    markerUnits: 'userSpaceOnUse', orient: 'auto',
  }, svg('path', {d: 'M0,0 L10,5 L0,10 z', fill: colour}));
  return svg('defs', null, marker('map-arrow', '#8795a8'), marker('map-arrow-error', '#c62828'));
}

/** Lights up a node, its edges and its neighbours; the rest of the map fades. */
function highlight(picture, name, edges, nodes) {
  picture.classList.add('focused');
  const neighbours = new Set([name]);
  for (const edge of edges) {
    if (edge.link.parent !== name && edge.link.child !== name) continue;
    edge.element.classList.add('lit');
    edge.label.element.classList.add('lit');
    neighbours.add(edge.link.parent).add(edge.link.child);
  }
  for (const node of nodes) {
    if (neighbours.has(node.data.name)) node.element.classList.add('lit');
  }
}

function nodeOf(node, at) {
  const colour = serviceColor(node.name);
  const element = svg('g', {
    class: node.peer ? `node peer ${node.peerKind}` : 'node service',
    transform: `translate(${at.x},${at.y})`,
    dataset: {name: node.name, kind: node.peer ? node.peerKind : 'service'},
    tabindex: node.peer ? null : 0,
    role: node.peer ? null : 'link',
    'aria-label': node.peer ? `${node.name} (${node.peerKind})` : `${node.name}: open its overview`,
  }, shapeOf(node, colour),
  svg('text', {class: 'name', x: NODE_WIDTH / 2, y: node.peer ? 20 : 27, 'text-anchor': 'middle'},
      node.name),
  node.peer ? svg('text', {class: 'kind', x: NODE_WIDTH / 2, y: 35, 'text-anchor': 'middle'},
      node.peerKind) : null);
  if (!node.peer) {
    const open = () => navigate(`/services/${encodeURIComponent(node.name)}`);
    element.addEventListener('click', open);
    element.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') open();
    });
  }
  return {data: node, element};
}

/**
 * Cuts each node's name that is wider than NAME_WIDTH to the longest start that fits with an
 * ellipsis; hovering the node shows the whole name. Measures the text as drawn, so the map must be
 * in the page.
 */
function fitNames(map) {
  for (const text of map.querySelectorAll('g.node text.name')) {
    const name = text.textContent;
    if (text.getComputedTextLength() <= NAME_WIDTH) continue;
    text.textContent = '…';
    const room = NAME_WIDTH - text.getComputedTextLength();
    text.textContent = name;
    let fits = 0;
    let over = name.length;
    while (over - fits > 1) {
      const middle = Math.floor((fits + over) / 2);
      if (text.getSubStringLength(0, middle) <= room) fits = middle;
      else over = middle;
    }
    // Not between the two halves of a character outside the Basic Multilingual Plane.
    if (/[\uD800-\uDBFF]/.test(name.charAt(fits - 1))) fits--;
    text.textContent = `${name.slice(0, fits)}…`;
  }
}

/** A service is a box with its colour's band; a database a cylinder; other peers a hexagon. */
function shapeOf(node, colour) {
  const w = NODE_WIDTH;
  const hh = NODE_HEIGHT;
  if (!node.peer) {
    return [svg('rect', {class: 'body', width: w, height: hh, rx: 6, fill: '#fff', stroke: colour}),
      svg('rect', {class: 'band', width: 6, height: hh, rx: 3, fill: colour})];
  }
  if (node.peerKind === 'database') {
    const e = 6;
    return [svg('path', {class: 'body', fill: '#f5f7fa', stroke: colour,
      d: `M0,${e} A${w / 2},${e} 0 0 0 ${w},${e} V${hh - e} A${w / 2},${e} 0 0 1 0,${hh - e} Z`}),
    svg('path', {class: 'rim', fill: 'none', stroke: colour,
      d: `M0,${e} A${w / 2},${e} 0 0 1 ${w},${e}`})];
  }
  const s = 14;
  return svg('path', {class: 'body', fill: '#f5f7fa', stroke: colour, 'stroke-dasharray': '5 3',
    d: `M${s},0 H${w - s} L${w},${hh / 2} L${w - s},${hh} H${s} L0,${hh / 2} Z`});
}

function edgeOf(link, positions, extents, maxCalls) {
  const from = positions.get(link.parent);
  const to = positions.get(link.child);
  const {d, places} = routeOf(link, from, to, extents);
  const thickness = 1.25 + 4.75 * Math.log1p(link.calls) / Math.log1p(maxCalls);
  const failing = link.errors > 0;
  const p95 = latency(link, 'p95');
  const dataset = {parent: link.parent, child: link.child};
  const label = {places,
    lines: [`${plural(link.calls, 'call')} · ${percent(link.errors / link.calls)} err`,
      `p95 ${millisText(p95)}`],
    element: svg('g', {class: failing ? 'edge-label error' : 'edge-label', dataset})};
  return {link, label, element: svg('g', {class: failing ? 'edge error' : 'edge', dataset},
  svg('path', {class: 'hit', d, fill: 'none', stroke: 'transparent', 'stroke-width': 14}),
  svg('path', {class: 'line', d, fill: 'none', 'stroke-width': thickness.toFixed(2),
    'marker-end': failing ? 'url(#map-arrow-error)' : 'url(#map-arrow)'}))};
}

/**
 * A label's two lines on a white plate centred at (x, y), or starting there (`side` 'right') or
 * ending there ('left'): the plate's box and the elements that draw it.
 */
function plateOf(lines, at) {
  const width = Math.max(...lines.map((line) => line.length)) * 6.2 + 10;
  const x = at.x + ({right: width / 2, left: -width / 2}[at.side] ?? 0);
  const box = {x: x - width / 2, y: at.y - LABEL_HALF_HEIGHT, width, height: 2 * LABEL_HALF_HEIGHT};
  return {box, children: [svg('rect', {...box, rx: 4, fill: '#fff', 'fill-opacity': 0.85}),
    svg('text', {x, y: at.y - 2, 'text-anchor': 'middle'},
        svg('tspan', {x, dy: 0}, lines[0]), svg('tspan', {x, dy: 13}, lines[1]))]};
}

/** Where along a curve its label may go, best first: its middle, then further towards its ends. */
const LABEL_PLACES = [0.5, 0.38, 0.62, 0.26, 0.74];

/**
 * The path of an edge and the places for its label: to the next column a curve, other edges arcs
 * (see `arcOf`), loops above their node.
 */
function routeOf(link, from, to, extents) {
  const mid = NODE_HEIGHT / 2;
  if (link.parent === link.child) {
    const a = from.x + NODE_WIDTH * 0.62;
    const b = from.x + NODE_WIDTH * 0.38;
    const top = from.y - LOOP_DEPTH;
    return {d: `M${a},${from.y} C${a},${top} ${b},${top} ${b},${from.y - 2}`,
      places: [{x: a + 8, y: from.y - LOOP_DEPTH / 2, side: 'right'},
        {x: b - 8, y: from.y - LOOP_DEPTH / 2, side: 'left'}]};
  }
  const arc = arcOf(from.layer, to.layer);
  if (!arc) {
    const x1 = from.x + NODE_WIDTH;
    const y1 = from.y + mid;
    const x2 = to.x - 2;
    const y2 = to.y + mid;
    const bend = (x2 - x1) / 2;
    return {d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
      places: placesOn([x1, y1], [x1 + bend, y1], [x2 - bend, y2], [x2, y2])};
  }
  let x1;
  let y1;
  let x2;
  let y2;
  let turn;
  const passed = extents.slice(Math.min(from.layer, to.layer), Math.max(from.layer, to.layer) + 1);
  if (arc.side === 'above') {
    x1 = from.x + NODE_WIDTH * 0.6 + arc.spread;
    y1 = from.y;
    x2 = to.x + NODE_WIDTH * 0.4 - arc.spread;
    y2 = to.y - 2;
    turn = Math.min(...passed.map((column) => column.top)) - arc.depth;
  } else {
    x1 = from.x + NODE_WIDTH * 0.4 - arc.spread;
    y1 = from.y + NODE_HEIGHT;
    x2 = to.x + NODE_WIDTH * 0.6 + arc.spread;
    y2 = to.y + NODE_HEIGHT + 2;
    turn = Math.max(...passed.map((column) => column.bottom)) + 2 + arc.depth;
  }
  return {d: `M${x1},${y1} C${x1},${turn} ${x2},${turn} ${x2},${y2}`,
    places: placesOn([x1, y1], [x1, turn], [x2, turn], [x2, y2])};
}

/** The label places on a cubic Bézier curve. */
function placesOn(p0, p1, p2, p3) {
  return LABEL_PLACES.map((t) => {
    const u = 1 - t;
    const [x, y] = [0, 1].map((i) => u * u * u * p0[i] + 3 * u * u * t * p1[i]
        + 3 * u * t * t * p2[i] + t * t * t * p3[i]);
    return {x, y};
  });
}

// ---- Details ---------------------------------------------------------------------------------

function showTooltip(frame, tooltip, event, rows) {
  replace(tooltip, rows);
  tooltip.hidden = false;
  const box = frame.getBoundingClientRect();
  const x = event.clientX - box.left + frame.scrollLeft;
  const y = event.clientY - box.top + frame.scrollTop;
  const flip = event.clientX - box.left > box.width - 260;
  tooltip.style.left = `${flip ? x - tooltip.offsetWidth - 14 : x + 14}px`;
  tooltip.style.top = `${y + 14}px`;
}

function edgeDetails(edge) {
  return [h('strong', null, `${edge.parent} → ${edge.child}`),
    edge.parts.map((part) => h('div', null,
        part.connectionType ? h('div', {class: 'muted'}, PEER_KINDS[part.connectionType]
            ? `${PEER_KINDS[part.connectionType]} calls` : `${part.connectionType} calls`) : null,
        h('div', null, `${plural(part.callCount, 'call')}, ${count(part.errorCount)} failed `
            + `(${percent(part.errorCount / part.callCount)})`),
        h('div', null, `p50 ${millisText(part.p50)} · p95 ${millisText(part.p95)} · `
            + `p99 ${millisText(part.p99)}`)))];
}

function nodeDetails(node, graph) {
  const calledBy = graph.links.filter((l) => l.child === node.name);
  const calls = graph.links.filter((l) => l.parent === node.name);
  const sum = (links) => links.reduce((s, l) => s + l.calls, 0);
  const errors = calledBy.reduce((s, l) => s + l.errors, 0);
  return [h('strong', null, node.name),
    h('div', {class: 'muted'}, node.peer ? `${node.peerKind}: sends no spans` : 'service'),
    h('div', null, `called ${plural(sum(calledBy), 'time')} by ${plural(calledBy.length, 'caller')}`
        + (calledBy.length ? `, ${percent(errors / Math.max(1, sum(calledBy)))} failed` : '')),
    h('div', null, `calls ${plural(calls.length, 'other')} ${plural(sum(calls), 'time')}`),
    node.peer ? null : h('div', {class: 'muted'}, 'click to open its overview')];
}

function legend() {
  const item = (cls, text) => h('span', {class: `legend-item ${cls}`}, text);
  return h('p', {class: 'map-legend'}, item('service', 'service'), item('database', 'database'),
      item('external', 'external peer'), item('error', 'calls with errors'),
      h('span', {class: 'muted'},
          'edge width: calls; labels (where they fit; hover any edge): calls, error rate, p95'));
}

/** Every link of the answer as a row (a row per connection type), busiest first. */
function callTable(links, graph) {
  const typed = links.some((l) => typeof l.connectionType === 'string');
  const nodeCell = (name) => h('td', {class: 'node'}, graph.nodes.get(name).peer
    ? [name, ' ', h('span', {class: 'badge'}, graph.nodes.get(name).peerKind)]
    : h('a', {href: `/services/${encodeURIComponent(name)}`}, name));
  const typeCell = (l) => h('td', null, PEER_KINDS[l.connectionType]
      || (l.connectionType === '' ? 'request' : '–'));
  const rows = [...links].sort((a, b) => b.callCount - a.callCount
      || a.parent.localeCompare(b.parent) || a.child.localeCompare(b.child));
  return h('table', {class: 'grid calls'},
      h('thead', null, h('tr', null, h('th', null, 'Caller'), h('th', null, 'Callee'),
          typed ? h('th', null, 'Type') : null,
          ['Calls', 'Errors', 'Error %', 'p50', 'p95', 'p99']
              .map((t) => h('th', {class: 'num'}, t)))),
      h('tbody', null, rows.map((l) => h('tr', {dataset: {parent: l.parent, child: l.child}},
          nodeCell(l.parent), nodeCell(l.child), typed ? typeCell(l) : null,
          h('td', {class: 'num'}, count(l.callCount)),
          h('td', {class: 'num'}, count(l.errorCount)),
          h('td', {class: l.errorCount > 0 ? 'num failing' : 'num'},
              percent(l.errorCount / l.callCount)),
          ['p50', 'p95', 'p99'].map((p) => h('td', {class: 'num'}, millisText(l[p])))))));
}
