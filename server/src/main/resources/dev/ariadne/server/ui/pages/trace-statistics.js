// The trace view's statistics tab (?tab=statistics): per service and per operation, the span
// count, errors, total time, average and self time (a span's time not covered by its children).
// Sortable by any column; the sort is in the URL (?sort=self&order=desc).

import {h, replace} from '../dom.js';
import {count, duration, serviceColor} from '../format.js';
import {statistics} from './trace-model.js';

const COLUMNS = [
  {key: 'service', label: 'Service', text: true},
  {key: 'operation', label: 'Operation', text: true, operationsOnly: true},
  {key: 'count', label: 'Spans'},
  {key: 'errors', label: 'Errors'},
  {key: 'total', label: 'Total time'},
  {key: 'average', label: 'Average'},
  {key: 'self', label: 'Self time'},
];

/** Sorts known to the tab; anything else in the URL falls back to the default. */
const SORTS = COLUMNS.map((c) => c.key);

/**
 * The statistics of model, sorted by sort ('self', ...) in order ('asc' or 'desc');
 * onSort(sort, order) is called when the user sorts.
 */
export function statisticsView(model, {sort, order, onSort}) {
  const stats = statistics(model);
  const state = {
    sort: SORTS.includes(sort) ? sort : 'self',
    order: order === 'asc' ? 'asc' : 'desc',
  };
  const byService = h('table', {class: 'grid stats services-stats'});
  const byOperation = h('table', {class: 'grid stats operations-stats'});

  function sortBy(key) {
    const text = COLUMNS.find((c) => c.key === key).text;
    state.order = state.sort === key ? (state.order === 'asc' ? 'desc' : 'asc')
        : text ? 'asc' : 'desc';
    state.sort = key;
    draw();
    onSort(state.sort, state.order);
  }

  function draw() {
    fill(byService, stats.services, false, state, sortBy);
    fill(byOperation, stats.operations, true, state, sortBy);
  }

  draw();
  return h('div', {class: 'statistics'},
      h('p', {class: 'muted'}, 'Self time is a span\'s duration minus the union of its '
          + 'children\'s time within it: the time the span spent on its own.'),
      h('h2', null, 'By service'), byService,
      h('h2', null, 'By operation'), byOperation);
}

function fill(table, groups, operations, state, sortBy) {
  const columns = COLUMNS.filter((c) => operations || !c.operationsOnly);
  const sorted = [...groups].sort(comparator(state));
  replace(table,
      h('thead', null, h('tr', null, columns.map((c) => h('th', {
        class: c.text ? null : 'num',
        'aria-sort': c.key === state.sort ? (state.order === 'asc' ? 'ascending' : 'descending')
            : null,
      }, h('button', {type: 'button', class: 'sort', dataset: {sort: c.key},
        on: {click: () => sortBy(c.key)}}, c.label,
      c.key === state.sort ? (state.order === 'asc' ? ' ▲' : ' ▼') : ''))))),
      h('tbody', null, sorted.map((g) => h('tr', null, columns.map((c) => cell(c.key, g))))));
}

function cell(key, g) {
  switch (key) {
    case 'service':
      return h('td', null,
          h('span', {class: 'swatch', style: {background: serviceColor(g.service)}}), g.service);
    case 'operation':
      return h('td', null, g.operation);
    case 'count':
    case 'errors':
      return h('td', {class: 'num'}, count(g[key]));
    default:
      return h('td', {class: 'num'}, duration(g[key]));
  }
}

function comparator({sort, order}) {
  const sign = order === 'asc' ? 1 : -1;
  return (a, b) => {
    const x = a[sort];
    const y = b[sort];
    const c = typeof x === 'string' ? x.localeCompare(y) : x - y;
    return sign * c || a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation);
  };
}
