// The trace timeline: the span tree on the left, bars on a shared time axis on the right, with a
// minimap of the whole trace, collapse and expand, find, zoom and the critical path. Rows are
// virtual: only those in view (and a margin) are in the DOM, so that a trace of thousands of
// spans scrolls smoothly. All span data is drawn as text through h().

import {h, replace} from '../dom.js';
import {duration, offset, serviceColor} from '../format.js';
import {intoSpan} from './trace-detail.js';
import {minimap} from './trace-minimap.js';
import {matcher, visibleRows} from './trace-model.js';

const ROW_HEIGHT = 24;
const MARGIN_ROWS = 15;
const INDENT = 14;
/** The most of the tree column that indentation takes, in percent, however deep the tree. */
const MAX_INDENT = 40;
/** From this level down (the top level is 1), a row shows its level's number. */
const NUMBERED_LEVEL = 10;
const TICKS = 4;
/** The least room between two labels of the time axis, in pixels. */
const TICK_GAP = 8;

/**
 * The timeline of model. selected is the span shown as selected at first (or null), find the
 * text to find at first; onSelect(span) is called when the user selects a span, onFind(text)
 * when the find text changes, and signal ends the timeline's observers.
 */
export function timeline(model, {selected, find, onSelect, onFind, signal}) {
  const total = model.duration || 1;
  const deepest = Math.max(1, model.depth - 1);
  const state = {
    collapsed: new Set(), rows: [], from: 0, to: total, selected,
    matches: [], matchSet: new Set(), current: -1,
  };
  state.rows = visibleRows(model.top, state.collapsed);

  const layer = h('div', {class: 'rows'});
  const viewport = h('div', {
    class: 'viewport', tabindex: '0',
    'aria-label': 'Spans: ↑ and ↓ select the previous or next, ← and → collapse or expand',
  }, layer);
  const ticks = h('div', {class: 'ticks'});
  const axis = h('div', {class: 'axis'}, h('div', {class: 'axis-tree'}, 'Service · operation'),
      ticks);
  const map = minimap({onMove: moveTo, onZoom: (a, b) => zoom(a * total, b * total)});
  const findBox = findControls(applyFind, step);
  const resetZoom = h('button', {type: 'button', hidden: true, on: {click: () => zoom(0, total)}},
      'Reset zoom');
  const element = h('div', {class: 'timeline'},
      h('div', {class: 'toolbar'},
          h('button', {type: 'button', on: {click: collapseAll}}, 'Collapse all'),
          h('button', {type: 'button', on: {click: expandAll}}, 'Expand all'),
          findBox.element, resetZoom, legend()),
      map.element, axis, viewport);

  let drawn = {first: -1, last: -1, elements: new Map()};
  let frame = 0;

  function draw(force) {
    showFrame();
    const height = viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - MARGIN_ROWS);
    const last = Math.min(state.rows.length,
        Math.ceil((viewport.scrollTop + height) / ROW_HEIGHT) + MARGIN_ROWS);
    if (!force && first === drawn.first && last === drawn.last) return;
    const elements = new Map();
    for (let i = first; i < last; i++) {
      const s = state.rows[i];
      elements.set(s, (!force && drawn.elements.get(s)) || rowElement(s, i));
    }
    layer.style.height = `${state.rows.length * ROW_HEIGHT}px`;
    layer.replaceChildren(...elements.values());
    drawn = {first, last, elements};
  }

  function schedule() {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      draw(false);
    });
  }

  function rowElement(s, i) {
    const classes = ['row'];
    if (s === state.selected) classes.push('selected');
    if (s.critical.length) classes.push('critical');
    if (s.followsFrom.length) classes.push('follows-from');
    if (s.error) classes.push('error');
    if (state.matchSet.has(s)) classes.push('match');
    if (state.matches[state.current] === s) classes.push('current');
    const color = serviceColor(s.service);
    return h('div', {
      class: classes.join(' '), style: {top: `${i * ROW_HEIGHT}px`},
      dataset: {index: i, spanId: s.id, depth: s.depth},
    }, treeCell(s, color), barCell(s, color));
  }

  function treeCell(s, color) {
    const collapsed = state.collapsed.has(s);
    const toggle = s.children.length
        ? h('button', {
          type: 'button', class: 'toggle', 'aria-expanded': String(!collapsed),
          title: collapsed ? `Expand (${s.descendants} spans hidden)` : 'Collapse',
        }, collapsed ? '▸' : '▾')
        : h('span', {class: 'toggle'});
    return h('div', {class: 'tree-cell', title: `${s.service}: ${s.name}`},
        h('span', {class: 'indent', style: {width: indent(s.depth, deepest)}}),
        s.depth + 1 >= NUMBERED_LEVEL ? h('span', {
          class: 'level', title: `Level ${s.depth + 1} of ${model.depth}`,
        }, String(s.depth + 1)) : null,
        toggle,
        h('span', {class: 'swatch', style: {background: color}}),
        h('span', {class: 'service'}, s.service),
        h('span', {class: 'name'}, s.name),
        s.followsFrom.length ? h('span', {
          class: 'follows-from-mark',
          title: `Follows from ${s.followsFrom.map((l) => l.spanId).join(', ')}`,
        }, '↪') : null,
        s.orphan ? h('span', {class: 'orphan-mark', title: `Parent ${s.parentId} never received`},
            'orphan') : null,
        s.error ? h('span', {class: 'error-mark', title: 'Status ERROR'}, '!') : null,
        collapsed ? h('span', {class: 'hidden-count'}, `+${s.descendants}`) : null);
  }

  function barCell(s, color) {
    const x = (t) => ((t - state.from) / (state.to - state.from)) * 100;
    const left = x(s.start);
    const right = x(Math.max(s.start, s.end));
    const cell = h('div', {class: 'bar-cell'},
        h('div', {class: 'bar', style: {
          left: `${left}%`, width: `${right - left}%`, 'background-color': color,
        }}),
        s.critical.map((c) => h('div', {
          class: 'critical-segment',
          style: {left: `${x(c.start)}%`, width: `${x(c.end) - x(c.start)}%`},
        })),
        s.events.map((e) => h('div', {
          class: 'event-mark', style: {left: `${x(e.time)}%`},
          title: `${e.name} at ${offset(e.time)} (${intoSpan(e, s)})`,
        })));
    const label = h('span', {class: 'duration'}, duration(s.duration));
    if (right <= 80) {
      label.style.left = `${Math.max(right, 0)}%`;
    } else if (left >= 20) {
      label.style.right = `${100 - left}%`;
    } else {
      label.classList.add('inside');
      label.style.right = `${Math.max(100 - right, 0)}%`;
    }
    cell.append(label);
    return cell;
  }

  /** The axis's ticks as [fraction of the time in view, time]. */
  function tickPlaces() {
    const span = state.to - state.from;
    let places = [];
    if (span >= TICKS) {
      places = Array.from({length: TICKS + 1},
          (_, i) => [i / TICKS, state.from + (span * i) / TICKS]);
    } else {
      // Quarters would be less than a nanosecond apart: each whole nanosecond up to the trace's
      // end instead, so that a trace taking no time has one tick.
      for (let t = Math.ceil(state.from); t <= Math.min(state.to, model.duration); t++) {
        places.push([(t - state.from) / span, t]);
      }
    }
    // Deep in a zoom, neighbouring ticks can read the same: only the first of them is kept.
    return places.filter(([, t], i) => i === 0 || duration(t) !== duration(places[i - 1][1]));
  }

  function drawAxis() {
    const labels = tickPlaces().map(([at, t]) => h('span', {
      class: at === 0 ? 'tick start' : at === 1 ? 'tick end' : 'tick',
      style: {left: `${at * 100}%`},
    }, duration(t)));
    replace(ticks, labels);
    if (ticks.clientWidth) hideCrowded(labels);
  }

  function showFrame() {
    const height = state.rows.length * ROW_HEIGHT || 1;
    map.show({
      x0: state.from / total, x1: state.to / total,
      y0: viewport.scrollTop / height,
      y1: Math.min(1, (viewport.scrollTop + viewport.clientHeight) / height),
    });
  }

  function relayout() {
    state.rows = visibleRows(model.top, state.collapsed);
    map.draw(state.rows, total);
    draw(true);
  }

  function moveTo(x, y) {
    const width = state.to - state.from;
    const from = Math.min(Math.max(0, x * total), total - width);
    state.from = from;
    state.to = from + width;
    viewport.scrollTop = y * state.rows.length * ROW_HEIGHT;
    drawAxis();
    draw(true);
  }

  function zoom(from, to) {
    state.from = Math.max(0, from);
    state.to = Math.min(total, Math.max(to, state.from + total / 1e6));
    resetZoom.hidden = state.from === 0 && state.to === total;
    drawAxis();
    draw(true);
  }

  function collapseAll() {
    for (const s of model.spans) if (s.children.length) state.collapsed.add(s);
    relayout();
  }

  function expandAll() {
    state.collapsed.clear();
    relayout();
  }

  function toggle(s) {
    if (state.collapsed.has(s)) state.collapsed.delete(s);
    else state.collapsed.add(s);
    relayout();
  }

  /** Arrows move the selection up and down, and collapse or expand the selected span. */
  function keyboard(event) {
    const s = state.selected;
    const i = state.rows.indexOf(s);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const next = state.rows[Math.min(Math.max(i + (event.key === 'ArrowDown' ? 1 : -1), 0),
          state.rows.length - 1)];
      if (next) onSelect(next);
    } else if ((event.key === 'ArrowLeft' || event.key === 'ArrowRight') && s
        && s.children.length && state.collapsed.has(s) === (event.key === 'ArrowRight')) {
      toggle(s);
    } else {
      return;
    }
    event.preventDefault();
  }

  /** Expands what hides s and scrolls it into view unless it is in view already. */
  function reveal(s) {
    let hidden = false;
    for (let p = s.parent; p; p = p.parent) hidden = state.collapsed.delete(p) || hidden;
    if (hidden) relayout();
    const i = state.rows.indexOf(s);
    if (i < 0) return;
    const top = i * ROW_HEIGHT;
    if (top < viewport.scrollTop || top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) {
      viewport.scrollTop = top - viewport.clientHeight / 2;
    }
  }

  function applyFind(text) {
    const match = matcher(text);
    state.matches = match ? model.order.filter(match) : [];
    state.matchSet = new Set(state.matches);
    state.current = state.matches.length ? 0 : -1;
    findBox.show(text, state.current, state.matches.length);
    if (state.current >= 0) reveal(state.matches[0]);
    draw(true);
    onFind(text);
  }

  function step(by) {
    const n = state.matches.length;
    if (!n) return;
    state.current = (state.current + by + n) % n;
    findBox.show(findBox.text(), state.current, n);
    reveal(state.matches[state.current]);
    draw(true);
  }

  viewport.addEventListener('scroll', schedule);
  viewport.addEventListener('click', (event) => {
    const row = event.target.closest('.row');
    if (!row) return;
    const s = state.rows[Number(row.dataset.index)];
    if (event.target.closest('button.toggle')) toggle(s);
    else onSelect(s);
  });
  viewport.addEventListener('keydown', keyboard);
  let placed = false;
  const observer = new ResizeObserver(() => {
    map.resize();
    drawAxis();
    draw(true);
    if (!placed && viewport.clientHeight) {
      placed = true;
      const first = state.selected || state.matches[state.current];
      if (first) reveal(first);
    }
  });
  observer.observe(viewport);
  observer.observe(map.element);
  signal.addEventListener('abort', () => {
    observer.disconnect();
    cancelAnimationFrame(frame);
  });

  drawAxis();
  map.draw(state.rows, total);
  if (find) {
    findBox.set(find);
    applyFind(find);
  }
  draw(true);

  return {
    element,
    /** Shows s (or nothing, for null) as the selected span, and brings it into view. */
    select(s) {
      state.selected = s;
      if (s) reveal(s);
      draw(true);
    },
    /** Draws again after the model changed, as when the critical path arrived. */
    refresh() {
      draw(true);
    },
  };
}

/**
 * The indentation of a row at depth (0 for the top level) in a tree whose deepest row is at
 * deepest: INDENT a level while that stays below a line that rises from half of MAX_INDENT (of
 * the tree column) at the top to all of it at the deepest level. So a shallow tree is indented
 * INDENT a level, and in a deep one every level still lies right of its parent while the names
 * keep the rest of the column.
 */
function indent(depth, deepest) {
  const share = (MAX_INDENT / 2) * (1 + depth / deepest);
  return `min(${depth * INDENT}px, ${share.toFixed(3)}%)`;
}

/**
 * Hides each label of the time axis that would come too close to the one shown before it; the
 * last one, the end of the time in view, is kept in place of its predecessor.
 */
function hideCrowded(labels) {
  let shown = null;
  labels.forEach((label, i) => {
    const box = label.getBoundingClientRect();
    if (shown && box.left < shown.box.right + TICK_GAP) {
      if (i < labels.length - 1 || shown.index === 0) {
        label.hidden = true;
        return;
      }
      shown.label.hidden = true;
    }
    shown = {label, box, index: i};
  });
}

/** The find box, its "n of m" and the buttons to the previous and next match. */
function findControls(apply, step) {
  let timer = 0;
  const input = h('input', {
    type: 'search', class: 'find', placeholder: 'Find: name, service, key=value',
    'aria-label': 'Find in the trace',
  });
  const status = h('span', {class: 'find-count', 'aria-live': 'polite'});
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => apply(input.value), 150);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    clearTimeout(timer);
    if (status.dataset.query !== input.value) apply(input.value);
    else step(event.shiftKey ? -1 : 1);
  });
  const element = h('span', {class: 'find-box'}, input,
      h('button', {type: 'button', class: 'find-prev', title: 'Previous match',
        on: {click: () => step(-1)}}, '‹'),
      h('button', {type: 'button', class: 'find-next', title: 'Next match',
        on: {click: () => step(1)}}, '›'),
      status);
  return {
    element,
    text: () => input.value,
    set(text) {
      input.value = text;
    },
    show(text, current, n) {
      status.dataset.query = text;
      status.textContent = !text.trim() ? '' : n ? `${current + 1} of ${n}` : 'no matches';
    },
  };
}

function legend() {
  return h('span', {class: 'legend'},
      h('span', {class: 'legend-critical'}, 'critical path'),
      h('span', {class: 'legend-follows'}, '↪ follows from'),
      h('span', {class: 'legend-event'}, 'event'),
      h('span', {class: 'legend-error'}, '! error'));
}
