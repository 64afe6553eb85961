// The list of services, each a link to its overview; a service whose RED metrics lack spans
// (analytics.max-series reached: they went to the __overflow__ series) has a badge saying so.

import {get} from '../api.js';
import {empty, failure, h, loading, replace} from '../dom.js';
import {missingText, serviceColor} from '../format.js';

const MORE = 'analytics.max-series was reached, and more services and operations had spans counted '
    + 'in the __overflow__ series than are remembered: the RED metrics of any service may be '
    + 'incomplete.';

export async function render(main, {signal}) {
  document.title = 'Services · Ariadne';
  const list = h('div', null, loading('services'));
  replace(main, h('h1', null, 'Services'), list);
  let answer;
  try {
    answer = await get('/api/v1/services', null, signal);
  } catch (e) {
    if (e.name !== 'AbortError') replace(list, failure(e));
    return;
  }
  if (answer.services.length === 0) {
    replace(list, empty('No services yet: no spans have been received.'));
    return;
  }
  const incomplete = new Map((answer.redIncomplete ?? []).map((note) => [note.service, note]));
  replace(list,
      answer.redIncompleteMore ? h('p', {class: 'warning', role: 'note'}, MORE) : null,
      h('ul', {class: 'services'}, answer.services.map((name) => h('li', null,
          h('span', {class: 'swatch', style: {background: serviceColor(name)}}),
          h('a', {href: `/services/${encodeURIComponent(name)}`}, name),
          incomplete.has(name) ? [' ', h('span', {class: 'badge incomplete',
            title: missingText(incomplete.get(name), name)}, 'RED incomplete')] : null))));
}
