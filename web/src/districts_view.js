// The districts (/districts), from GET /api/v1/districts: one row per district with its name in
// the reader's language and script, area, cameras, cameras per km² and per km of street, and the
// share of its streets each DORI level watches; sorted by a click (or Enter/Space) on a column's
// button, the state in aria-sort. On a phone the table keeps the columns that fit (name, cameras,
// per km², per km of street, observed); the CSV has every figure.
import { api } from './api.js';
import { h, clear, statusLine, showMessage } from './dom.js';
import { t, tCount, language, errorText } from './i18n.js';
import { districtName, formatNumber, formatShare, doriLevels } from './districts.js';
import { setDistrictsLayer } from './district_layer.js';

// The sort survives a language switch (the view is drawn again).
let sort = { key: 'name', descending: false };

/// The table's columns: key, heading key, the value to sort by, its text, whether a phone shows it.
function columns() {
  return [
    { key: 'name', label: t('districts.col.name'), value: (d) => districtName(d), text: null, phone: true },
    { key: 'area_km2', label: t('districts.col.area'), value: (d) => d.area_km2, text: (d) => formatNumber(d.area_km2, 2), phone: false },
    { key: 'cameras', label: t('districts.col.cameras'), value: (d) => d.cameras, text: (d) => formatNumber(d.cameras, 0), phone: true },
    { key: 'cameras_per_km2', label: t('districts.col.per_km2'), value: (d) => d.cameras_per_km2, text: (d) => formatNumber(d.cameras_per_km2, 1), phone: true },
    { key: 'cameras_per_street_km', label: t('districts.col.per_street_km'), value: (d) => d.cameras_per_street_km,
      text: (d) => formatNumber(d.cameras_per_street_km, 2), phone: true },
    ...doriLevels.map((level) => ({ key: `watched_${level}`, label: t(`districts.col.watched.${level}`),
      value: (d) => d.watched_share?.[level], text: (d) => formatShare(d.watched_share?.[level]), phone: level === 'observe' })),
  ];
}

function sorted(districts, cols) {
  const col = cols.find((c) => c.key === sort.key) || cols[0];
  const collator = new Intl.Collator(language());
  const out = [...districts].sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    if (col.key === 'name') return collator.compare(x, y);
    return (x ?? -Infinity) - (y ?? -Infinity) || collator.compare(districtName(a), districtName(b));
  });
  return sort.descending ? out.reverse() : out;
}

function table(districts) {
  const cols = columns();
  const body = h('tbody');
  const headRow = h('tr');
  const caption = h('caption', { class: 'visually-hidden' });
  function draw() {
    clear(headRow);
    headRow.append(...cols.map((c) => {
      const state = c.key === sort.key ? (sort.descending ? 'descending' : 'ascending') : null;
      return h('th', { scope: 'col', class: c.phone ? 'num-col' : 'num-col wide-only', 'aria-sort': state || undefined, dataset: { key: c.key } },
        h('button', { type: 'button', class: 'sort', id: `sort-${c.key}`, onclick: () => {
          // A new column starts with the largest numbers first (names from A); a second click turns it.
          sort = sort.key === c.key ? { key: c.key, descending: !sort.descending } : { key: c.key, descending: c.key !== 'name' };
          draw();
          document.getElementById(`sort-${c.key}`).focus();
        } }, c.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : '')));
    }));
    caption.textContent = t('districts.caption', { column: (cols.find((c) => c.key === sort.key) || cols[0]).label,
      order: t(sort.descending ? 'districts.descending' : 'districts.ascending') });
    clear(body);
    body.append(...sorted(districts, cols).map((d) => h('tr', { dataset: { id: d.id } },
      cols.map((c) => (c.key === 'name'
        ? h('th', { scope: 'row' }, h('a', { href: `/district/${d.id}`, 'data-link': true }, districtName(d)))
        : h('td', { class: c.phone ? 'num' : 'num wide-only', dataset: { key: c.key } }, c.text(d)))))));
  }
  draw();
  return h('div', { class: 'districts-table-wrap' },
    h('table', { id: 'districts-table', class: 'districts-table' }, caption, h('thead', {}, headRow), body));
}

export function render(main) {
  const status = statusLine();
  const content = h('div');
  main.append(h('article', { class: 'page districts-page' },
    h('h1', {}, t('districts.title')),
    h('p', {}, t('districts.intro')),
    status, content));
  showMessage(status, t('districts.loading'));
  let gone = false;
  api.districts().then((data) => {
    if (gone) return;
    showMessage(status, '');
    const districts = data.districts || [];
    if (!districts.length) {
      content.append(h('p', { id: 'districts-none' }, t('districts.none')));
    } else {
      content.append(
        h('p', { id: 'districts-count' }, tCount('districts.count', districts.length, { level: data.level })),
        table(districts),
        h('p', { class: 'hint phone-only' }, t('districts.phone_note')),
        h('p', { class: 'hint' }, t('districts.method')));
    }
    if ((data.incomplete || []).length) {
      content.append(h('p', { id: 'districts-incomplete' }, t('districts.incomplete', {
        names: data.incomplete.map((d) => d.name || d.osm).join(', '),
      })));
    }
    content.append(h('section', { class: 'opendata' }, h('h2', {}, t('map.opendata')),
      h('p', { class: 'links' },
        h('a', { class: 'button', id: 'districts-csv', href: '/api/v1/districts.csv', download: 'districts.csv' }, t('districts.csv')), ' ',
        h('a', { class: 'button', href: '/api/v1/districts.geojson', download: 'districts.geojson' }, t('districts.geojson')), ' ',
        h('a', { href: '/', 'data-link': true, id: 'districts-on-map', onclick: () => setDistrictsLayer(true) }, t('districts.on_map')))));
  }).catch((err) => { if (!gone) showMessage(status, errorText(err), 'error'); });
  return () => { gone = true; };
}
