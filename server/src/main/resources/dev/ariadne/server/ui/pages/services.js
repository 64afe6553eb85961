// The list of services, each a link to its overview.

import {get} from '../api.js';
import {empty, failure, h, loading, replace} from '../dom.js';
import {serviceColor} from '../format.js';

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
  replace(list, h('ul', {class: 'services'}, answer.services.map((name) => h('li', null,
      h('span', {class: 'swatch', style: {background: serviceColor(name)}}),
      h('a', {href: `/services/${encodeURIComponent(name)}`}, name)))));
}
