// Builds the page from data without ever parsing markup: every string becomes a text node or an
// attribute value, links must be relative or http(s), and event handlers are functions, never
// attribute strings. All span data is untrusted; this module is the one way views draw it.

const SVG_NS = 'http://www.w3.org/2000/svg';
const SAFE_URL = /^(?:\/(?!\/)|\?|#|https?:\/\/)/i;

function apply(el, props) {
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'on') {
      for (const [type, handler] of Object.entries(value)) el.addEventListener(type, handler);
    } else if (name === 'text') {
      el.textContent = String(value);
    } else if (name === 'dataset') {
      for (const [key, v] of Object.entries(value)) el.dataset[key] = String(v);
    } else if (name === 'style' && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) el.style.setProperty(key, String(v));
    } else if (/^on/i.test(name)) {
      throw new Error(`event handler attribute ${name}: pass functions in "on"`);
    } else if (name === 'href' || name === 'src' || name === 'action') {
      el.setAttribute(name, safeUrl(value));
    } else if (name === 'value' && 'value' in el) {
      el.value = String(value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An HTML element: h('a', {href: '/trace/1', class: 'x'}, 'text', otherNode). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  apply(el, props);
  return append(el, children);
}

/** An SVG element, with the same rules as h. */
export function svg(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, props);
  return append(el, children);
}

/** The URL itself when it is relative or http(s); otherwise a harmless '#'. */
export function safeUrl(url) {
  const text = String(url);
  return SAFE_URL.test(text) ? text : '#';
}

/** Replaces the children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A loading message, shown while a view waits for the API. */
export function loading(what) {
  return h('p', {class: 'state loading', role: 'status'}, `Loading ${what}…`);
}

/** A message for an empty answer. */
export function empty(message) {
  return h('p', {class: 'state empty'}, message);
}

/** An error, as the API or the browser reported it. */
export function failure(error) {
  return h('p', {class: 'state error', role: 'alert'}, String(error && error.message || error));
}

/** Links a view's own stylesheet (a path under /static/) into the page, once. */
export function useStyle(path) {
  const href = safeUrl(path);
  if (!document.querySelector(`link[rel="stylesheet"][href="${CSS.escape(href)}"]`)) {
    document.head.append(h('link', {rel: 'stylesheet', href}));
  }
}
