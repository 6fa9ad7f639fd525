// A tiny element builder: h('a', {href: '/'}, 'text', child). No innerHTML anywhere, so text
// from the API can never become markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/// A status line for messages (role=status so screen readers announce it).
export function statusLine(cls = '') {
  return h('p', { class: 'status ' + cls, role: 'status', 'aria-live': 'polite' });
}

export function showMessage(el, text, kind = 'info') {
  el.textContent = text;
  el.dataset.kind = kind;
}

export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function navigate(path) {
  window.dispatchEvent(new CustomEvent('sightline:navigate', { detail: path }));
}
