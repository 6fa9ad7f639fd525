// Finding places by name (GET /api/v1/search) under a text field, and saying where a point is
// (GET /api/v1/reverse). The suggestions follow the WAI-ARIA combobox pattern with a listbox
// popup (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): the input keeps the focus, the
// highlighted option is named by aria-activedescendant, ArrowDown/ArrowUp move, Enter picks,
// Escape closes, and a polite live region says how many suggestions there are. Used by the map's
// search box and by the route panel's start and end.
import { api } from './api.js';
import { h, clear, showMessage, statusLine } from './dom.js';
import { t, tOr, tCount, errorText } from './i18n.js';

const debounceMs = 150;
const maxQueryBytes = 200;  // the server refuses longer text
const suggestionLimit = 8;
const zooms = { address: 17, poi: 17, street: 16, place: 14, camera: 18 };
let fieldCount = 0;

/// The zoom to show a search hit at: close for an address or a point of interest, wider for a place.
export const zoomFor = (feature) => zooms[feature.properties.kind] ?? 16;

/// The words for a hit. A camera is worded here, in the user's language (the server's label is English).
export function placeLabel(feature) {
  const p = feature.properties;
  if (p.kind === 'camera') return t('search.camera', { id: p.camera_id, kind: tOr('kind.' + p.type, p.type) });
  return p.label || p.name;
}

/// [lat, lon] of a hit.
export const placePoint = (feature) => [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];

/// Turns `input` into a combobox that suggests places while the user types. Options:
///   near()      [lat, lon] to prefer hits close to (the map's centre), or null
///   onPick(f)   a suggestion was chosen with Enter, a click or a tap
///   skip(text)  true when the text wants no suggestions (say "48.1,11.5")
/// Returns {listbox, live, message}: elements to place after the input (the listbox right under
/// it, in an element with position: relative); say(text, kind) writes the message line;
/// lookup(text) is the search now, without showing it; close() and cancel() (close and forget a
/// request on its way).
export function placeSearch(input, { near = () => null, onPick, skip = () => false }) {
  const base = input.id || `place-${++fieldCount}`;
  const id = `${base}-suggestions`;
  // The input keeps the focus (and the list stays open) while an option or the scroll bar is pressed.
  const listbox = h('ul', { id, class: 'suggestions', role: 'listbox', 'aria-label': t('search.suggestions'), hidden: true,
    onmousedown: (e) => e.preventDefault() });
  // The count is for screen readers only; "nothing found" and errors are shown in `message`.
  const live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const message = statusLine('place-message');
  message.id = `${base}-message`;
  let features = [];
  let active = -1;
  let timer = null;
  let controller = null;

  Object.assign(input, { autocomplete: 'off', spellcheck: false });
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', id);
  input.setAttribute('aria-describedby', message.id);

  const say = (text, kind = 'info') => showMessage(message, text, kind);
  const lookup = (text, signal) => api.search(text.trim(), { near: near(), limit: suggestionLimit, signal })
    .then((fc) => fc?.features || []);

  function setActive(i) {
    active = i;
    [...listbox.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i < 0) { input.removeAttribute('aria-activedescendant'); return; }
    const li = listbox.children[i];
    input.setAttribute('aria-activedescendant', li.id);
    li.scrollIntoView?.({ block: 'nearest' });
  }
  function open() {
    listbox.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }
  function close() {
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    setActive(-1);
  }
  function cancel() {
    clearTimeout(timer);
    controller?.abort();
    controller = null;
    close();
  }
  function pick(i) {
    const feature = features[i];
    if (!feature) return;
    cancel();
    input.value = placeLabel(feature);
    say('');
    onPick?.(feature);
  }
  function show(text, found) {
    features = found;
    clear(listbox);
    found.forEach((f, i) => listbox.append(h('li', {
      id: `${id}-${i}`, role: 'option', class: 'suggestion', 'aria-selected': 'false', dataset: { kind: f.properties.kind },
      onclick: () => pick(i),
    }, h('span', { class: 'suggestion-label' }, placeLabel(f)),
    h('span', { class: 'suggestion-kind' }, tOr('search.kind.' + f.properties.kind, f.properties.kind)))));
    live.textContent = found.length ? tCount('search.count', found.length) : '';  // else `message` speaks
    if (found.length) { say(''); open(); setActive(-1); } else { close(); say(t('search.none', { text })); }
  }

  async function suggest(text) {
    controller?.abort();
    controller = new AbortController();
    const mine = controller;
    try {
      const found = await lookup(text, mine.signal);
      if (mine === controller) show(text, found);
    } catch (err) {
      if (err.code === 'aborted' || mine !== controller) return;
      close();
      say(errorText(err, 'search'), 'error');
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    controller?.abort();
    controller = null;
    const text = input.value.trim();
    features = [];
    if (!text || skip(text)) { close(); clear(listbox); say(''); return; }
    if (new TextEncoder().encode(text).length > maxQueryBytes) { close(); say(t('search.too_long'), 'error'); return; }
    timer = setTimeout(() => suggest(text), debounceMs);
  });
  input.addEventListener('keydown', (e) => {
    if (e.isComposing) return;
    const n = features.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!n) return;
      e.preventDefault();
      if (listbox.hidden) { open(); setActive(e.key === 'ArrowDown' ? 0 : n - 1); return; }
      setActive(e.key === 'ArrowDown' ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
    } else if (e.key === 'Enter' && !listbox.hidden && active >= 0) {
      e.preventDefault();  // the pick, not the form's submit
      pick(active);
    } else if (e.key === 'Escape' && !listbox.hidden) {
      e.preventDefault();  // a search field would clear itself
      close();
    } else if (e.key === 'Enter') {
      cancel();  // the form's submit takes over; a late answer must not open the list again
    }
  });
  input.addEventListener('blur', () => cancel());  // no list pops up under a field the user has left

  return { listbox, live, message, say, lookup: (text) => lookup(text), close, cancel };
}

const nearby = new Map();

/// The nearest address or street within 150 m of a point (a search feature), or null when there
/// is none or the server cannot say. Answers are kept for the page's lifetime.
export function nearestPlace(lat, lon) {
  const key = `${lat},${lon}`;
  if (!nearby.has(key)) {
    nearby.set(key, api.reverse(lat, lon).catch((err) => {
      if (err.status !== 404) nearby.delete(key);  // a network error may pass: ask again next time
      return null;
    }));
  }
  return nearby.get(key);
}

/// A span that fills itself with "near Terazije 3" once the server has answered, and stays empty
/// (the coordinates beside it say where) when nothing is near.
export function nearLine(lat, lon, attrs = {}) {
  const el = h('span', { class: 'near', ...attrs });
  nearestPlace(lat, lon).then((f) => {
    if (f) el.textContent = t('place.near', { label: placeLabel(f) });
    el.dataset.done = f ? 'found' : 'none';
  });
  return el;
}
