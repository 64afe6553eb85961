// The trace view's minimap: every row of the timeline as a thin line on the trace's whole time
// span, with a frame marking the part in view (the time window across, the scrolled rows down).
// Dragging the frame moves it, clicking elsewhere centres it there, and dragging elsewhere zooms
// the timeline to that stretch of time. Drawn on a canvas: shapes only, never span text.

import {h} from '../dom.js';
import {serviceColor} from '../format.js';

const HEIGHT = 64;
const MAX_ROW_HEIGHT = 4;
const CLICK_SLOP = 3;

/**
 * The minimap; onMove(x, y) asks to move the frame's top left corner to these fractions of the
 * trace's time and rows, onZoom(from, to) to show that stretch (fractions of the time).
 */
export function minimap({onMove, onZoom}) {
  const canvas = h('canvas', {class: 'minimap-canvas', 'aria-hidden': 'true'});
  const frame = h('div', {class: 'minimap-frame'});
  const brush = h('div', {class: 'minimap-brush', hidden: true});
  const element = h('div', {
    class: 'minimap',
    title: 'The whole trace. Drag the frame to move it, click to centre it, '
        + 'drag elsewhere to zoom to a time range.',
  }, canvas, brush, frame);
  let rows = [];
  let total = 1;
  let view = {x0: 0, x1: 1, y0: 0, y1: 1};
  let drag = null;

  const rowHeight = () => Math.min(MAX_ROW_HEIGHT, HEIGHT / Math.max(rows.length, 1));
  const contentHeight = () => Math.max(rows.length * rowHeight(), 1);

  function paint() {
    const width = element.clientWidth;
    if (!width) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(HEIGHT * ratio);
    const context = canvas.getContext('2d');
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const height = rowHeight();
    const colors = new Map();
    rows.forEach((s, i) => {
      if (!colors.has(s.service)) colors.set(s.service, serviceColor(s.service));
      context.fillStyle = colors.get(s.service);
      const x = (s.start / total) * width;
      const w = Math.max(1, ((Math.max(s.end, s.start) - s.start) / total) * width);
      context.fillRect(x, i * height, w, Math.max(height > 2 ? height - 1 : height, 0.5));
    });
  }

  function place() {
    const height = contentHeight();
    frame.style.left = `${view.x0 * 100}%`;
    frame.style.width = `${(view.x1 - view.x0) * 100}%`;
    frame.style.top = `${view.y0 * height}px`;
    frame.style.height = `${Math.max(4, (view.y1 - view.y0) * height)}px`;
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) / box.width,
      y: (event.clientY - box.top) / contentHeight(),
    };
  }

  element.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    element.setPointerCapture(event.pointerId);
    const box = frame.getBoundingClientRect();
    const inFrame = event.clientX >= box.left && event.clientX <= box.right
        && event.clientY >= box.top && event.clientY <= box.bottom;
    drag = {inFrame, at: point(event), x: event.clientX, y: event.clientY, view, moved: false};
  });
  element.addEventListener('pointermove', (event) => {
    if (!drag) return;
    drag.moved ||= Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) > CLICK_SLOP;
    const at = point(event);
    if (drag.inFrame) {
      onMove(drag.view.x0 + at.x - drag.at.x, drag.view.y0 + at.y - drag.at.y);
    } else if (drag.moved) {
      brush.hidden = false;
      brush.style.left = `${Math.max(0, Math.min(at.x, drag.at.x)) * 100}%`;
      brush.style.width = `${Math.min(1, Math.abs(at.x - drag.at.x)) * 100}%`;
    }
  });
  element.addEventListener('pointerup', (event) => {
    if (!drag) return;
    const at = point(event);
    if (!drag.inFrame && drag.moved) {
      const from = Math.max(0, Math.min(at.x, drag.at.x));
      const to = Math.min(1, Math.max(at.x, drag.at.x));
      if (to > from) onZoom(from, to);
    } else if (!drag.inFrame) {
      onMove(at.x - (view.x1 - view.x0) / 2, at.y - (view.y1 - view.y0) / 2);
    }
    brush.hidden = true;
    drag = null;
  });
  element.addEventListener('pointercancel', () => {
    brush.hidden = true;
    drag = null;
  });

  return {
    element,
    /** Draws these rows (the timeline's, in order) of a trace lasting total nanoseconds. */
    draw(newRows, newTotal) {
      rows = newRows;
      total = newTotal;
      paint();
      place();
    },
    /** Moves the frame to the part in view, as fractions of the time and of the rows. */
    show(newView) {
      view = newView;
      place();
    },
    /** Draws again at the current size. */
    resize() {
      paint();
      place();
    },
  };
}
