// Statistics from GET /api/v1/stats and /api/v1/stats/history (no chart library needed). Every chart's numbers are a table:
// the count charts are tables with a bar in each row, the time chart is drawn in SVG with a
// visually hidden table beside it. Text is HTML or SVG without a viewBox, so it keeps its CSS size
// on a phone (text in a scaled viewBox shrinks with the width).
import { api } from './api.js';
import { h, statusLine, showMessage } from './dom.js';
import { t, tOr, tCount, language, errorText } from './i18n.js';
import { operatorName } from './tags.js';

const svgNs = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children.flat(Infinity)) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

let chartCount = 0;
/// A chart's section with its title; the title's id names the chart's table (no second title).
function chartSection(title, attrs = {}) {
  const id = `stats-chart-${++chartCount}`;
  return { id, section: h('section', { class: 'chart', 'aria-labelledby': id, ...attrs }, h('h2', { id }, title)) };
}

const number = (n, digits = 0) => Number(n).toLocaleString(language(), { maximumFractionDigits: digits });

/// Counts as a table, largest first, with a bar in each row; labels translated through `labelOf`.
function barChart(title, counts, labelOf = (k) => k) {
  const entries = Object.entries(counts || {}).sort((a, b) => b[1] - a[1]).slice(0, 15);
  const { id, section } = chartSection(title);
  if (!entries.length) { section.append(h('p', {}, t('stats.none'))); return section; }
  const max = Math.max(...entries.map(([, n]) => n));
  section.append(h('table', { class: 'bar-table', 'aria-labelledby': id }, h('tbody', {},
    entries.map(([key, n]) => h('tr', {},
      h('th', { scope: 'row' }, labelOf(key) || t('stats.unknown')),
      h('td', { class: 'value' }, number(n)),
      h('td', { class: 'bar', 'aria-hidden': 'true' }, svg('svg', { width: '100%', height: 14 },
        svg('rect', { x: 0, y: 1, width: `${Math.max(1, (n / max) * 100)}%`, height: 12, rx: 2 }))))))));
  return section;
}

// --- time --------------------------------------------------------------------------------------

const dayMs = 86400000;
const parseDay = (s) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));

/// Bucket sizes by span: days up to a month, weeks (from Monday) up to half a year, months up to
/// three years, then years. `start` floors a time to its bucket, `next` is the following bucket.
const units = [
  { unit: 'day', upToDays: 31, start: (ms) => ms, next: (ms) => ms + dayMs },
  { unit: 'week', upToDays: 183, start: (ms) => ms - ((new Date(ms).getUTCDay() + 6) % 7) * dayMs, next: (ms) => ms + 7 * dayMs },
  { unit: 'month', upToDays: 3 * 366, start: (ms) => { const d = new Date(ms); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1); },
    next: (ms) => { const d = new Date(ms); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1); } },
  { unit: 'year', upToDays: Infinity, start: (ms) => Date.UTC(new Date(ms).getUTCFullYear(), 0, 1),
    next: (ms) => Date.UTC(new Date(ms).getUTCFullYear() + 1, 0, 1) },
];

/// The reports per day summed into buckets that suit the span, with empty buckets filled in; at
/// least a week of days, so that one day with reports is one bar among days without.
export function bucketize(byDay) {
  const days = Object.entries(byDay || {}).map(([day, n]) => [parseDay(day), n]).sort((a, b) => a[0] - b[0]);
  if (!days.length) return null;
  const last = days[days.length - 1][0];
  const first = Math.min(days[0][0], last - 6 * dayMs);
  const scale = units.find((u) => (last - first) / dayMs + 1 <= u.upToDays);
  const buckets = [];
  for (let ms = scale.start(first); ms <= last; ms = scale.next(ms)) buckets.push({ start: ms, end: scale.next(ms) - dayMs, count: 0 });
  for (const [ms, n] of days) buckets.find((b) => ms >= b.start && ms <= b.end).count += n;
  return { unit: scale.unit, buckets };
}

// Intl.DateTimeFormat options for an axis end (with the year) and a tick between them.
const dateFormats = {
  day: { end: { day: 'numeric', month: 'short', year: 'numeric' }, tick: { day: 'numeric', month: 'short' } },
  week: { end: { day: 'numeric', month: 'short', year: 'numeric' }, tick: { day: 'numeric', month: 'short' } },
  month: { end: { month: 'short', year: 'numeric' }, tick: { month: 'short' } },
  year: { end: { year: 'numeric' }, tick: { year: 'numeric' } },
};
const formatDate = (ms, options) => new Intl.DateTimeFormat(language(), { ...options, timeZone: 'UTC' }).format(new Date(ms));

/// A bucket in words: the day, the week's first to last day, the month or the year.
function periodText(unit, b) {
  const f = new Intl.DateTimeFormat(language(), { ...dateFormats[unit].end, timeZone: 'UTC' });
  return unit === 'week' ? f.formatRange(new Date(b.start), new Date(b.end)) : f.format(new Date(b.start));
}

/// The axis under the bars: the first and last bucket and a few ticks between, in the user's
/// language. The ticks that would touch a neighbour are hidden once the axis has its width.
function timeAxis(unit, buckets) {
  const n = buckets.length;
  const ticks = [...new Set([1, 2, 3].map((k) => Math.round((k * (n - 1)) / 4)))].filter((i) => i > 0 && i < n - 1);
  const label = (i, anchor, x, kind) => svg('text', { x, y: 15, 'text-anchor': anchor, class: kind, 'data-date': new Date(buckets[i].start).toISOString().slice(0, 10) },
    formatDate(buckets[i].start, dateFormats[unit][kind]));
  // One bucket (a first month): one label, not the same one at both ends.
  const axis = svg('svg', { class: 'axis', width: '100%', height: 20, 'aria-hidden': 'true' },
    label(0, 'start', '0%', 'end'), n > 1 ? label(n - 1, 'end', '100%', 'end') : [],
    ticks.map((i) => label(i, 'middle', `${((i + 0.5) / n) * 100}%`, 'tick')));
  new ResizeObserver(() => thinTicks(axis)).observe(axis);
  return axis;
}

function thinTicks(axis) {
  const [firstEnd, lastEnd, ...ticks] = axis.querySelectorAll('text');
  if (!lastEnd) return;
  for (const tick of ticks) tick.removeAttribute('display');
  let left = firstEnd.getBBox();
  const right = lastEnd.getBBox();
  for (const tick of ticks) {
    const box = tick.getBBox();
    if (box.x < left.x + left.width + 12 || box.x + box.width + 12 > right.x) tick.setAttribute('display', 'none');
    else left = box;
  }
}

/// Reports over time as vertical bars, one per day, week, month or year (by the span), the axis
/// in dates of the user's language, a sentence with the total and the highest bar, and the
/// numbers as a table for screen readers.
function timeChart(title, byDay) {
  const { id, section } = chartSection(title, { id: 'stats-time' });
  const data = bucketize(byDay);
  if (!data) { section.append(h('p', {}, t('stats.none'))); return section; }
  const { unit, buckets } = data;
  const max = Math.max(...buckets.map((b) => b.count));
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  const highest = buckets.find((b) => b.count === max);
  const bars = svg('svg', { class: 'time-bars', viewBox: `0 0 ${buckets.length} 100`, preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    buckets.filter((b) => b.count).map((b) => {
      const height = (b.count / max) * 96;
      return svg('rect', { x: buckets.indexOf(b) + 0.1, y: 100 - height, width: 0.8, height });
    }));
  const endsText = (b) => formatDate(b.start, dateFormats[unit].end);
  // Serbian dates end in a period ("6. dec 2026."): one period ends the sentence.
  const summary = [tCount('stats.time.summary', total, { from: endsText(buckets[0]), to: endsText(buckets[buckets.length - 1]) }),
    t(`stats.time.bucket.${unit}`), tCount('stats.time.highest', max, { when: periodText(unit, highest) })].join(' ');
  section.append(bars, timeAxis(unit, buckets), h('p', { class: 'hint' }, summary.replace(/\.\.(\s|$)/g, '.$1')),
    h('table', { class: 'visually-hidden', 'aria-labelledby': id },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t(`stats.time.period.${unit}`)), h('th', { scope: 'col' }, t('stats.time.reports')))),
      h('tbody', {}, buckets.map((b) => h('tr', {}, h('th', { scope: 'row' }, periodText(unit, b)), h('td', {}, number(b.count)))))));
  return section;
}

// --- cameras over time -------------------------------------------------------------------------

// Month or year: kept across a language switch (the page is drawn again).
let growthInterval = 'month';

/// Cameras on the map at the end of each month or year (GET /api/v1/stats/history) as bars, the
/// axis in dates of the user's language, a sentence with the latest count, and every period's
/// figures as a table for screen readers. Two buttons switch between months and years.
function growthChart() {
  const { id, section } = chartSection(t('stats.growth'), { id: 'stats-growth' });
  const body = h('div', { class: 'growth-body', 'aria-live': 'polite' });
  const buttons = ['month', 'year'].map((unit) => h('button', { type: 'button', class: 'toggle', dataset: { interval: unit },
    onclick: () => { growthInterval = unit; load(); } }, t(`stats.growth.by.${unit}`)));
  section.append(h('div', { class: 'interval-toggle', role: 'group', 'aria-label': t('stats.growth.interval') }, buttons), body);
  let seq = 0;
  function load() {
    const mine = ++seq;
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.interval === growthInterval));
    api.history(growthInterval).then((data) => {
      if (mine === seq) drawGrowth(body, id, data);
    }).catch((err) => { if (mine === seq) { body.replaceChildren(h('p', { class: 'error' }, errorText(err))); } });
  }
  load();
  return section;
}

function drawGrowth(body, titleId, data) {
  const unit = data.interval;
  const periods = data.periods || [];
  if (!periods.length) { body.replaceChildren(h('p', {}, t('stats.none'))); return; }
  const buckets = periods.map((p) => ({ ...p, start: parseDay(p.start) }));
  const max = Math.max(1, ...buckets.map((b) => b.active));
  const bars = svg('svg', { class: 'time-bars growth-bars', viewBox: `0 0 ${buckets.length} 100`, preserveAspectRatio: 'none', 'aria-hidden': 'true' },
    buckets.map((b, i) => {
      const height = (b.active / max) * 96;
      return svg('rect', { x: i + 0.1, y: 100 - height, width: 0.8, height, 'data-period': b.period, 'data-active': b.active });
    }));
  const last = buckets[buckets.length - 1];
  const added = buckets.reduce((sum, b) => sum + b.added, 0);
  const removed = buckets.reduce((sum, b) => sum + b.removed, 0);
  const summary = [tCount('stats.growth.summary', last.active),
    tCount('stats.growth.added', added, { from: periodText(unit, buckets[0]) }), tCount('stats.growth.removed', removed),
    t(`stats.growth.bucket.${unit}`)].join(' ');
  body.replaceChildren(bars, timeAxis(unit, buckets), h('p', { class: 'hint' }, summary.replace(/\.\.(\s|$)/g, '.$1')),
    // In a hidden box: a table grows to its content whatever width it is given (four columns
    // would widen a phone's page).
    h('div', { class: 'visually-hidden' }, h('table', { id: 'stats-growth-table', 'aria-labelledby': titleId },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t(`stats.time.period.${unit}`)),
        ['active', 'added', 'removed'].map((k) => h('th', { scope: 'col' }, t(`stats.growth.${k}.column`))))),
      h('tbody', {}, buckets.map((b) => h('tr', { dataset: { period: b.period } }, h('th', { scope: 'row' }, periodText(unit, b)),
        h('td', {}, number(b.active)), h('td', {}, number(b.added)), h('td', {}, number(b.removed))))))));
}

// --- imported areas ----------------------------------------------------------------------------

/// An imported area by its largest place (`place`, from the server), else by its file name without
/// extensions and with _ and - as spaces: "munich_center.osm.pbf" is "munich center".
export function areaName(area) {
  if (area.place) return area.place;
  const file = String(area.name || '').split('/').pop();
  return file.replace(/(\.(osm|pbf|o5m|bz2|gz|xml|csv))+$/i, '').replace(/[_-]+/g, ' ').trim() || file;
}

/// Camera density over each imported extract's bounds; the counts say what they count and why
/// they are not the total.
function densityTable(areas, total) {
  const { id, section } = chartSection(t('stats.density'), { id: 'stats-density' });
  if (!areas || !areas.length) { section.append(h('p', {}, t('stats.none'))); return section; }
  section.append(h('div', { class: 'table-wrap' }, h('table', { 'aria-labelledby': id, 'aria-describedby': 'stats-density-note' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('stats.area')), h('th', { scope: 'col' }, t('stats.area_km2')),
      h('th', { scope: 'col' }, t('stats.cameras')), h('th', { scope: 'col' }, t('stats.per_km2')))),
    h('tbody', {}, areas.map((a) => h('tr', {},
      h('th', { scope: 'row' }, areaName(a)), h('td', {}, number(a.area_km2, 1)),
      h('td', {}, t('stats.of_total', { count: number(a.cameras), total: number(total) })),
      h('td', {}, number(a.cameras_per_km2, 2))))))),
  h('p', { class: 'hint', id: 'stats-density-note' }, t('stats.density_note', { total: number(total) })));
  return section;
}

// A fragment link would fire popstate, which draws the page again: scroll there instead.
function toDensity(e) {
  e.preventDefault();
  document.getElementById('stats-density')?.scrollIntoView({ block: 'start' });
}

export function render(main) {
  const status = statusLine();
  const page = h('div', { class: 'page stats', id: 'stats' }, h('h1', {}, t('stats.title')), status);
  main.append(page);
  showMessage(status, t('common.loading'));
  api.stats().then((s) => {
    showMessage(status, '');
    page.append(h('p', { class: 'total', id: 'stats-total', dataset: { count: s.cameras_total } }, t('stats.total', { count: number(s.cameras_total) })),
      h('p', { class: 'hint' }, t('stats.total_note'), ' ', h('a', { href: '#stats-density', onclick: toDensity }, t('stats.total_link'))),
      h('div', { class: 'charts' },
        growthChart(),
        barChart(t('stats.by_kind'), s.cameras_by_kind, (k) => tOr('kind.' + k, k)),
        barChart(t('stats.by_status'), s.cameras_by_status, (k) => tOr('status.' + k, k)),
        barChart(t('stats.by_operator'), s.cameras_by_operator, operatorName),
        barChart(t('stats.by_manufacturer'), s.cameras_by_manufacturer),
        barChart(t('stats.reports_by_status'), s.reports_by_status, (k) => tOr('status.' + k, k)),
        timeChart(t('stats.reports_by_day'), s.reports_by_day),
        densityTable(s.imported_areas, s.cameras_total)));
  }).catch((err) => showMessage(status, errorText(err), 'error'));
}
