// Statistics from GET /api/v1/stats, drawn as SVG bar charts (no chart library needed).
import { api } from './api.js';
import { h, statusLine, showMessage } from './dom.js';
import { t, tOr, errorText } from './i18n.js';
import { operatorName } from './tags.js';

const svgNs = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/// Horizontal bars, largest first; labels translated through `labelOf`.
function barChart(title, counts, labelOf = (k) => k) {
  const entries = Object.entries(counts || {}).sort((a, b) => b[1] - a[1]).slice(0, 15);
  const section = h('section', { class: 'chart' }, h('h2', {}, title));
  if (!entries.length) { section.append(h('p', {}, t('stats.none'))); return section; }
  const max = Math.max(...entries.map(([, n]) => n));
  const rowH = 26;
  const chart = svg('svg', { viewBox: `0 0 400 ${entries.length * rowH}`, role: 'img', 'aria-label': title, class: 'bars' });
  entries.forEach(([key, n], i) => {
    const y = i * rowH;
    const w = Math.max(2, (n / max) * 220);
    chart.append(
      svg('text', { x: 0, y: y + 17, class: 'label' }, (labelOf(key) || t('stats.unknown')).slice(0, 22)),
      svg('rect', { x: 150, y: y + 4, width: w, height: rowH - 8, rx: 3 }),
      svg('text', { x: 150 + w + 6, y: y + 17, class: 'value' }, n));
  });
  section.append(chart, tableOf(title, entries, labelOf));
  return section;
}

// The same numbers as a table, for screen readers and copying.
function tableOf(title, entries, labelOf) {
  return h('details', {}, h('summary', {}, title), h('table', {}, h('tbody', {},
    entries.map(([k, n]) => h('tr', {}, h('th', { scope: 'row' }, labelOf(k) || t('stats.unknown')), h('td', {}, String(n)))))));
}

/// Reports per day as vertical bars.
function timeChart(title, byDay) {
  const entries = Object.entries(byDay || {}).sort((a, b) => a[0].localeCompare(b[0]));
  const section = h('section', { class: 'chart' }, h('h2', {}, title));
  if (!entries.length) { section.append(h('p', {}, t('stats.none'))); return section; }
  const max = Math.max(...entries.map(([, n]) => n));
  const width = Math.max(400, entries.length * 14);
  const chart = svg('svg', { viewBox: `0 0 ${width} 170`, role: 'img', 'aria-label': title, class: 'bars time' });
  const bw = Math.min(40, width / entries.length);
  entries.forEach(([day, n], i) => {
    const bh = (n / max) * 130;
    chart.append(svg('rect', { x: i * bw + 1, y: 140 - bh, width: Math.max(1, bw - 2), height: bh, rx: 2 },
      svg('title', {}, `${day}: ${n}`)));
  });
  chart.append(svg('text', { x: 0, y: 162, class: 'label' }, entries[0][0]),
    svg('text', { x: width, y: 162, class: 'label', 'text-anchor': 'end' }, entries[entries.length - 1][0]),
    svg('text', { x: 0, y: 12, class: 'value' }, t('stats.max', { count: max })));
  section.append(chart, tableOf(title, entries, (k) => k));
  return section;
}

/// Camera density over each imported extract's bounds.
function densityTable(areas) {
  const section = h('section', { class: 'chart', id: 'stats-density' }, h('h2', {}, t('stats.density')));
  if (!areas || !areas.length) { section.append(h('p', {}, t('stats.none'))); return section; }
  const number = (n, digits) => Number(n).toLocaleString(undefined, { maximumFractionDigits: digits });
  section.append(h('table', {},
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('stats.area')), h('th', { scope: 'col' }, t('stats.area_km2')),
      h('th', { scope: 'col' }, t('stats.cameras')), h('th', { scope: 'col' }, t('stats.per_km2')))),
    h('tbody', {}, areas.map((a) => h('tr', {},
      h('th', { scope: 'row' }, a.name), h('td', {}, number(a.area_km2, 1)),
      h('td', {}, String(a.cameras)), h('td', {}, number(a.cameras_per_km2, 2)))))));
  return section;
}

export function render(main) {
  const status = statusLine();
  const page = h('div', { class: 'page stats', id: 'stats' }, h('h1', {}, t('stats.title')), status);
  main.append(page);
  showMessage(status, t('common.loading'));
  api.stats().then((s) => {
    showMessage(status, '');
    page.append(h('p', { class: 'total', id: 'stats-total', dataset: { count: s.cameras_total } }, t('stats.total', { count: s.cameras_total })),
      h('div', { class: 'charts' },
        barChart(t('stats.by_kind'), s.cameras_by_kind, (k) => tOr('kind.' + k, k)),
        barChart(t('stats.by_status'), s.cameras_by_status, (k) => tOr('status.' + k, k)),
        barChart(t('stats.by_operator'), s.cameras_by_operator, operatorName),
        barChart(t('stats.by_manufacturer'), s.cameras_by_manufacturer),
        barChart(t('stats.reports_by_status'), s.reports_by_status, (k) => tOr('status.' + k, k)),
        timeChart(t('stats.reports_by_day'), s.reports_by_day),
        densityTable(s.imported_areas)));
  }).catch((err) => showMessage(status, errorText(err), 'error'));
}
