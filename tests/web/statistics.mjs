// End-to-end test of the statistics page (/stats) in Debian's headless Chromium (playwright-core
// from web/'s devDependencies; no browser is ever downloaded), against the real `sightline serve`
// on a fresh data folder holding tests/fixtures/osm/search.osm, four cameras from
// `sightline import-csv` (one outside the imported map, so the total and the area's count differ)
// and three reports sent to POST /api/v1/reports:
//   - the imported area is named by its place (`place`), else by its file name without extensions
//     and with _ and - as spaces (the answer rewritten without `place`), never "search.osm"; its camera count says "N of TOTAL", and a
//     note under the table says what it counts and why the total differs;
//   - no chart title appears twice in the page's text (no collapsed copy of each title);
//   - every chart has a table with its numbers that a screen reader reaches (role=table named by
//     the chart's title, its row headers and cells equal to the API's counts);
//   - reports over time: the axis labels are dates in the user's language (Intl.DateTimeFormat's
//     month names, no ISO dates), no "max" is drawn in the chart, one day of reports is a bar
//     among at least a week of days; with spans from one day to six years (the stats answer
//     rewritten in the browser) the bars are days, weeks, months or years and stay few;
//   - on a 360x740 phone every text of the charts is drawn at 12 px or more (its computed size
//     times the SVG's scale to the screen), with no horizontal scrolling;
//   - in Serbian Cyrillic the page has no Latin-script word except the area's name and the
//     manufacturer (data names) and acronyms, the idea of language.mjs;
//   - every request went to the test server, no page errors.
// A screenshot of the page on a phone in Serbian Cyrillic goes to docs/screenshots/.
//
//   node tests/web/statistics.mjs --binary build/sightline --web build/web [--artifacts DIR]
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium is missing, unless CI=true.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { browserTest, launchChromium, requestsElsewhere, sayFrom, screenshots, startServer as startServerAt, tearDown } from './harness.mjs';

const { repo, chromium, binary, webDir, artifacts, work, dataDir, catalogue, log, run } = browserTest('statistics');

const fixture = path.join(repo, 'tests/fixtures/osm/search.osm');
const say = sayFrom(catalogue);

const shot = screenshots(artifacts, 'statistics-', log);

const problems = [];
/// A finding to report at the end (the walk goes on, so that one run lists every finding).
function expect(ok, message) {
  if (!ok) { problems.push(message); log(`PROBLEM: ${message}`); }
}

/// What the page should call an imported area: its place, else its file name's stem in words.
const expectedAreaName = (area) => area.place
  ?? area.name.replace(/(\.(osm|pbf|o5m|bz2|gz|xml))+$/i, '').replace(/[_-]+/g, ' ').trim();

async function openStats(page, url) {
  await page.goto(url);
  await page.waitForSelector('#stats-total');
}

/// The chart titles (h2 in .charts) and how often each occurs in the page's text.
function titleCounts(page) {
  return page.evaluate(() => {
    const text = document.body.innerText;
    return [...document.querySelectorAll('.charts h2')].map((h2) => {
      const title = h2.textContent.trim();
      return { title, count: text.split(title).length - 1 };
    });
  });
}

/// A chart's table as a screen reader gets it: role=table named `title`, rows of [header, cells].
async function tableFor(page, title) {
  const table = page.getByRole('table', { name: title, exact: true });
  if (await table.count() !== 1) return null;
  const rows = [];
  for (const row of await table.getByRole('row').all()) {
    const headers = (await row.getByRole('rowheader').allTextContents()).map((s) => s.trim());
    const cells = (await row.getByRole('cell').allTextContents()).map((s) => s.trim()).filter(Boolean);
    if (headers.length) rows.push([headers[0], ...cells]);
  }
  return rows;
}

/// The reports-over-time axis: the shown labels with their dates, and any chart text saying "max".
function timeAxis(page) {
  return page.evaluate(() => {
    const chart = document.getElementById('stats-time') || [...document.querySelectorAll('.chart')].find((s) => s.querySelector('svg.time'));
    if (!chart) return null;
    const texts = [...chart.querySelectorAll('svg text')].filter((el) => el.checkVisibility() && el.getAttribute('display') !== 'none');
    return {
      labels: texts.filter((el) => !/max/i.test(el.textContent)).map((el) => ({ text: el.textContent, date: el.dataset.date || null })),
      drawnMax: texts.filter((el) => /max|најв|najv/i.test(el.textContent)).map((el) => el.textContent),
      period: chart.querySelector('table thead th')?.textContent || null,
    };
  });
}

const monthName = (lang, iso) => new Intl.DateTimeFormat(lang, { month: 'short', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
/// Checks the time axis: dates in `lang` (Intl's month name or the year), no ISO dates, no "max".
async function checkTimeAxis(page, lang, view) {
  const axis = await timeAxis(page);
  expect(axis, `${view}: a reports-over-time chart`);
  if (!axis) return null;
  expect(axis.drawnMax.length === 0, `${view}: no "max" drawn in the chart (${axis.drawnMax.join(', ')})`);
  expect(axis.labels.length >= 2, `${view}: both ends of the time axis are labelled (${axis.labels.map((l) => l.text).join(' | ')})`);
  for (const label of axis.labels) {
    expect(!/\d{4}-\d{2}-\d{2}/.test(label.text), `${view}: axis label "${label.text}" is not an ISO date`);
    expect(label.date && (label.text.includes(monthName(lang, label.date)) || label.text.includes(label.date.slice(0, 4))),
      `${view}: axis label "${label.text}" is a date in ${lang} (${label.date}: ${label.date && monthName(lang, label.date)})`);
  }
  return axis;
}

/// Every text inside the charts that is drawn (not screen-reader-only): its size on the screen,
/// the computed font size times the SVG's scale (getScreenCTM), for text in a viewBox.
function renderedTextSizes(page) {
  return page.evaluate(() => {
    const sizes = [];
    const walker = document.createTreeWalker(document.querySelector('.charts'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || el.closest('.visually-hidden, title, details:not([open]) > :not(summary)')) continue;
      if (!el.checkVisibility({ visibilityProperty: true }) || el.getAttribute('display') === 'none') continue;
      const font = parseFloat(getComputedStyle(el).fontSize);
      const scale = el instanceof SVGElement ? Math.hypot(el.getScreenCTM().a, el.getScreenCTM().b) : 1;
      sizes.push({ text: n.textContent.trim().slice(0, 30), px: Math.round(font * scale * 10) / 10 });
    }
    return sizes;
  });
}

// Latin words a Serbian page may show: acronyms, units, names from the data (added below).
const allowed = new Set(['km²', 'Sightline', 'English', 'Srpski']);
async function latinWords(page) {
  const texts = await page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.textContent.trim() && !n.parentElement.closest('script, style, select')) out.push(n.textContent);
    for (const el of document.querySelectorAll('[title], [aria-label]')) out.push(el.getAttribute('title') || '', el.getAttribute('aria-label') || '');
    return out;
  });
  const words = new Set();
  for (const text of texts) {
    for (const [word] of text.matchAll(/[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F²'’-]*/g))
      if (!allowed.has(word) && !/^[A-Z]{2,}$/.test(word)) words.add(word);
  }
  return [...words];
}

/// Days before the last one with reports, as YYYY-MM-DD -> count.
function spanOfDays(lastIso, days, every) {
  const last = Date.parse(`${lastIso}T00:00:00Z`);
  const out = {};
  for (let d = days - 1; d >= 0; d -= every) out[new Date(last - d * 86400000).toISOString().slice(0, 10)] = 1 + (d % 3);
  return out;
}

let server = null;
let browser = null;
try {
  log(`importing ${fixture} and cameras`);
  run(['import', fixture, '--data', dataDir, '--quiet']);
  const cameras = [
    { at: '44.81370,20.46120', set: ['surveillance:type=camera', 'operator=police', 'manufacturer=Hikvision'] },
    { at: '44.81340,20.46170', set: ['surveillance:type=camera', 'camera:type=dome', 'operator=private'] },
    { at: '44.81320,20.46100', set: ['surveillance:type=camera', 'camera:type=panning', 'operator=police'] },
    { at: '45.25000,19.84000', set: ['surveillance:type=camera', 'operator=police'] },  // outside the map
  ];
  cameras.forEach((c, i) => {
    const csv = path.join(work, `cameras-${i}.csv`);
    writeFileSync(csv, `lat,lon\n${c.at}\n`);
    run(['import-csv', csv, '--data', dataDir, ...c.set.flatMap((s) => ['--set', s])]);
  });
  server = await startServerAt(binary, dataDir, ['--report-rate', '0', '--web', webDir]);
  const base = server.url;
  const origin = new URL(base).origin;
  log(`server ${base}`);
  for (const [lat, lon] of [[44.81352, 20.46141], [44.8140, 20.4620], [44.8150, 20.4590]]) {
    const r = await fetch(`${base}/api/v1/reports`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ location: { lat, lon }, tags: { 'camera:type': 'dome', operator: 'police' } }) });
    assert.equal(r.status, 201, `report taken: ${await r.text()}`);
  }
  const stats = await (await fetch(`${base}/api/v1/stats`)).json();
  log(`stats: ${JSON.stringify(stats)}`);
  assert.equal(stats.imported_areas.length, 1);
  const area = stats.imported_areas[0];
  assert.ok(area.cameras < stats.cameras_total, 'a camera outside the imported map');
  const areaName = expectedAreaName(area);
  for (const word of areaName.split(/[^\p{L}]+/u)) if (word) allowed.add(word);
  allowed.add('Hikvision');
  const days = Object.keys(stats.reports_by_day);
  assert.equal(days.length, 1, 'the reports are all from today');

  browser = await launchChromium(chromium, path.join(work, 'chromium-profile'));
  const requests = [];
  const pageErrors = [];
  browser.on('request', (r) => requests.push(r.url()));
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
  page.on('console', (m) => { if (m.type() === 'error') log(`console: ${m.text()}`); });

  // --- English, desktop ---------------------------------------------------------------------------
  await openStats(page, `${base}/stats`);
  await shot(page, 'desktop-en');

  // The area: named by its place or its file's stem; its count explained against the total.
  const areaRow = await page.$$eval('#stats-density tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
  log(`density rows: ${JSON.stringify(areaRow)}`);
  const shownName = areaRow[0]?.[0] ?? '';
  expect(shownName === areaName, `the area is named "${areaName}", not "${shownName}"`);
  expect(!/\.(osm|pbf|bz2|gz)\b|_/.test(shownName), `the area's name "${shownName}" is not a file name`);
  expect(areaRow[0]?.includes(say('en', 'stats.of_total', { count: area.cameras, total: stats.cameras_total })),
    `the area's cameras read "${area.cameras} of ${stats.cameras_total}"`);
  const note = await page.$eval('#stats-density', (s) => s.textContent);
  expect(note.includes(say('en', 'stats.density_note', { total: stats.cameras_total })), 'a note says what the area counts and why the total differs');

  // No title twice.
  const titles = await titleCounts(page);
  log(`titles: ${titles.map((x) => `${x.title} ×${x.count}`).join(', ')}`);
  expect(titles.length >= 7, `seven charts (${titles.length})`);
  for (const { title, count } of titles) expect(count === 1, `"${title}" appears ${count} times in the page's text`);

  // Every chart's numbers as a table a screen reader reaches.
  const kindLabel = (k) => catalogue.en[`kind.${k}`] ?? k;
  const statusLabel = (k) => catalogue.en[`status.${k}`] ?? k;
  const operatorLabel = (k) => catalogue.en[`value.operator.${k}`] ?? catalogue.en[`value.${k}`] ?? k;
  const countCharts = [
    ['stats.by_kind', stats.cameras_by_kind, kindLabel], ['stats.by_status', stats.cameras_by_status, statusLabel],
    ['stats.by_operator', stats.cameras_by_operator, operatorLabel], ['stats.by_manufacturer', stats.cameras_by_manufacturer, (k) => k],
    ['stats.reports_by_status', stats.reports_by_status, statusLabel],
  ];
  for (const [key, counts, labelOf] of countCharts) {
    const title = say('en', key);
    const rows = await tableFor(page, title);
    expect(rows, `a table named "${title}" for screen readers`);
    if (!rows) continue;
    const got = Object.fromEntries(rows.map(([label, n]) => [label, Number(n)]));
    const want = Object.fromEntries(Object.entries(counts).map(([k, n]) => [labelOf(k), n]));
    expect(JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(want).sort()),
      `"${title}" table ${JSON.stringify(got)} = API ${JSON.stringify(want)}`);
  }
  const timeRows = await tableFor(page, say('en', 'stats.reports_by_day'));
  expect(timeRows, 'a table of reports over time for screen readers');
  if (timeRows) {
    const sum = timeRows.reduce((s, [, n]) => s + Number(n), 0);
    expect(sum === 3, `the time table sums to the 3 reports (${sum}: ${JSON.stringify(timeRows)})`);
    expect(timeRows.length >= 7, `one day of reports is one bar among at least a week of days (${timeRows.length} rows)`);
  }
  const densityRows = await tableFor(page, say('en', 'stats.density'));
  expect(densityRows?.length === 1, 'the density table is named by its title');

  // Reports over time: dates in English, no "max".
  await checkTimeAxis(page, 'en', 'en, one day');

  // Spans from one day to years, by rewriting the stats answer in the browser.
  const lastDay = days[0];
  const spans = [
    { name: '1 day', byDay: { [lastDay]: 1 }, unit: 'day' },
    { name: '20 days', byDay: spanOfDays(lastDay, 20, 1), unit: 'day' },
    { name: '120 days', byDay: spanOfDays(lastDay, 120, 2), unit: 'week' },
    { name: '365 days', byDay: spanOfDays(lastDay, 365, 3), unit: 'month' },
    { name: '6 years', byDay: spanOfDays(lastDay, 6 * 365, 20), unit: 'year' },
  ];
  for (const span of spans) {
    await page.route('**/api/v1/stats', async (route) => {
      const response = await route.fetch();
      const json = await response.json();
      await route.fulfill({ response, json: { ...json, reports_by_day: span.byDay } });
    });
    await openStats(page, `${base}/stats`);
    const axis = await checkTimeAxis(page, 'en', `en, ${span.name}`);
    const rows = await tableFor(page, say('en', 'stats.reports_by_day'));
    const total = Object.values(span.byDay).reduce((a, b) => a + b, 0);
    log(`${span.name}: ${axis?.period}, ${rows?.length} bars, axis ${axis?.labels.map((l) => l.text).join(' | ')}`);
    expect(axis?.period === say('en', `stats.time.period.${span.unit}`), `${span.name}: bars of one ${span.unit} (${axis?.period})`);
    expect(rows && rows.length >= 4 && rows.length <= 60, `${span.name}: between 4 and 60 bars (${rows?.length})`);
    expect(rows && rows.reduce((s, [, n]) => s + Number(n), 0) === total, `${span.name}: the bars hold all ${total} reports`);
    await page.unroute('**/api/v1/stats');
  }

  // An area without a known place is named by its file: "munich_center.osm.pbf" is "munich center".
  await page.route('**/api/v1/stats', async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    const areas = json.imported_areas.map(({ place, ...rest }) => ({ ...rest, name: 'munich_center.osm.pbf' }));
    await route.fulfill({ response, json: { ...json, imported_areas: areas } });
  });
  await openStats(page, `${base}/stats`);
  const fileNamed = await page.textContent('#stats-density tbody th');
  expect(fileNamed === 'munich center', `an area without a place is named by its file's stem ("${fileNamed}")`);
  await page.unroute('**/api/v1/stats');

  // --- a phone, English and Serbian Cyrillic ------------------------------------------------------
  const phone = await browser.newPage();
  await phone.setViewportSize({ width: 360, height: 740 });
  phone.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
  for (const lang of ['en', 'sr-Cyrl']) {
    await phone.goto(`${base}/`);
    await phone.evaluate((l) => localStorage.setItem('sightline.language', l), lang);
    await openStats(phone, `${base}/stats`);
    const sizes = await renderedTextSizes(phone);
    const small = sizes.filter((s) => s.px < 12);
    log(`phone ${lang}: ${sizes.length} chart texts, smallest ${Math.min(...sizes.map((s) => s.px))} px`);
    expect(sizes.length > 10 && small.length === 0, `phone ${lang}: chart text under 12 px: ${JSON.stringify(small.slice(0, 8))}`);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 0, `phone ${lang}: no horizontal scrolling (overflow ${overflow})`);
    await checkTimeAxis(phone, lang, `phone ${lang}`);
    await shot(phone, `phone-${lang}`);
    if (lang !== 'sr-Cyrl') continue;
    const words = await latinWords(phone);
    log(`sr-Cyrl: ${words.length ? `Latin words: ${words.join(', ')}` : 'no Latin words'}`);
    expect(words.length === 0, `Latin words in the Serbian Cyrillic statistics: ${words.join(', ')}`);
    // The whole page at phone width, for docs/screenshots.
    const height = await phone.evaluate(() => document.querySelector('.topbar').offsetHeight + document.getElementById('stats').scrollHeight);
    await phone.setViewportSize({ width: 360, height: Math.max(740, Math.ceil(height)) });
    await phone.screenshot({ path: path.join(artifacts, 'stats-phone-sr-cyrl.png') });
    if (process.argv.includes('--update-screenshot')) await phone.screenshot({ path: path.join(repo, 'docs/screenshots/stats-phone-sr-cyrl.png') });
  }

  const foreign = requestsElsewhere(requests, origin);
  expect(foreign.length === 0, `requests to other hosts: ${foreign.join(', ')}`);
  expect(pageErrors.length === 0, `uncaught page errors: ${pageErrors.join('; ')}`);
  assert.deepEqual(problems, [], 'the statistics page');
  log('PASS');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await tearDown({ browsers: [browser], server, work });
}
