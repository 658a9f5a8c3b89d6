// Building the page from data without ever parsing strings as HTML: text goes in as text.

/**
 * An element: h('a', {href: '/x', class: 'c', onclick: fn}, 'text', child).
 * Attributes named on* become event listeners (inline handlers are refused by the CSP anyway).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      el.className = value;
    } else if (name === 'value') {
      el.value = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A time the API gave (ISO text or epoch milliseconds), in the person's locale. */
export function when(value) {
  if (value === null || value === undefined) {
    return '';
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

/** A list kept to its last `max` entries, newest at the bottom. */
export function appendBounded(list, item, max) {
  list.append(item);
  while (list.childElementCount > max) {
    list.firstElementChild.remove();
  }
}

/** A paragraph for an error, with the API's code when there is one. */
export function errorText(error) {
  const code = error && error.code ? ` (${error.code})` : '';
  return h('p', { class: 'error', role: 'alert' }, `${error.message}${code}`);
}
