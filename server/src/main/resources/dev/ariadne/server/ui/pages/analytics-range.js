// The relative time ranges of the analytics views (the service map and the service overview):
// the last 15 minutes up to the last 7 days, kept in the URL as lookback=1h (the default, as
// search names it).

import {h} from '../dom.js';

const MINUTE = 60_000;

/** The ranges offered, shortest first. */
export const RANGES = [
  {key: '15m', label: 'the last 15 minutes', millis: 15 * MINUTE},
  {key: '1h', label: 'the last hour', millis: 60 * MINUTE},
  {key: '6h', label: 'the last 6 hours', millis: 6 * 60 * MINUTE},
  {key: '24h', label: 'the last 24 hours', millis: 24 * 60 * MINUTE},
  {key: '7d', label: 'the last 7 days', millis: 7 * 24 * 60 * MINUTE},
];

const DEFAULT = RANGES[1];

/** The range the query string names (lookback=6h), or the default, the last hour. */
export function rangeOf(query) {
  return RANGES.find((r) => r.key === query.get('lookback')) || DEFAULT;
}

/** The range ending now as the API's start and end parameters (epoch nanoseconds as strings). */
export function apiWindow(range) {
  const end = BigInt(Date.now()) * 1000000n;
  return {start: String(end - BigInt(range.millis) * 1000000n), end: String(end)};
}

/**
 * Links to the same view over each range, the current one marked; the other query parameters are
 * kept, but those named in `drop` (state that belongs to one range, such as a selected point).
 */
export function rangePicker(path, query, current, drop = []) {
  return h('nav', {class: 'ranges', 'aria-label': 'Time range'}, RANGES.map((range) => {
    const next = new URLSearchParams(query);
    for (const name of drop) next.delete(name);
    if (range === DEFAULT) next.delete('lookback');
    else next.set('lookback', range.key);
    const text = next.toString();
    return h('a', {
      href: text ? `${path}?${text}` : path,
      class: range === current ? 'active' : null,
      'aria-current': range === current ? 'true' : null,
      title: range.label,
    }, range.key);
  }));
}
