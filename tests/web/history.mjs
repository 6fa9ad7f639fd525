// Change over time (issue 18) in Debian's headless Chromium against the real `sightline serve`:
// a data folder holding tests/fixtures/osm/search.osm and three cameras with histories at known
// past times (history_seed, through the store: the CLI and the API can only act now), then camera
// B removed through the moderation API, so that:
//   - the map's time slider is an <input type=range> with a label showing the day, from the first
//     report (2024-03-08) to today, worked with the keyboard: at today the live tiles show 1
//     camera (A); one day back (before B's removal) the past layer shows A and B and the tile
//     layers are hidden; Home (2024-03-08) shows none, two days on (2024-03-10) shows A; End is
//     today again with the tiles;
//   - on a 360x740 phone in Serbian Cyrillic the slider fits beside the zoom buttons, its label is
//     the Cyrillic sentence and its day is Cyrillic;
//   - the statistics page draws "Cameras over time" with one bar per month from 2024-03 to now and
//     a screen-reader table with the right counts per month, and per year after the toggle;
//   - every request went to the test server, no page errors.
//
//   node tests/web/history.mjs --binary build/sightline --web build/web --seed build/tests/web/history_seed
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium is missing, unless CI=true.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import assert from 'node:assert/strict';
import { arg, browserTest, launchChromium, requestsElsewhere, sayFrom, screenshots, startServer, tearDown } from './harness.mjs';

const { repo, chromium, binary, webDir, artifacts, work, dataDir, catalogue, log, run } = browserTest('history');
const seed = path.resolve(arg('--seed', path.join(path.dirname(binary), 'tests/web/history_seed')));
const say = sayFrom(catalogue);
const shot = screenshots(artifacts, 'history-', log);
const fixture = path.join(repo, 'tests/fixtures/osm/search.osm');
const password = 'correct horse battery';

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const today = isoDay(Date.now());
const yesterday = isoDay(Date.now() - 86400000);

/// Months "YYYY-MM" from `first` to the current one.
function monthsFrom(first) {
  const out = [];
  const now = new Date();
  for (let y = Number(first.slice(0, 4)), m = Number(first.slice(5, 7)); ; m++) {
    if (m > 12) { y++; m = 1; }
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (y === now.getUTCFullYear() && m === now.getUTCMonth() + 1) return out;
  }
}

/// The ids the map draws in `layer`, sorted.
const drawnIds = (page, layer) => page.evaluate((l) => [...new Set(window.sightlineMap.queryRenderedFeatures({ layers: [l] })
  .map((f) => f.properties.id))].sort((a, b) => a - b), layer);

/// Waits for the slider to rest on `day` ('now' or YYYY-MM-DD) with its cameras loaded and the map drawn.
async function sliderAt(page, day) {
  await page.waitForFunction((d) => {
    const box = document.getElementById('time-control');
    return box && box.dataset.day === d && box.dataset.state === 'ready';
  }, day, { timeout: 20000 });
  await page.waitForFunction(() => window.sightlineMap.loaded() && !window.sightlineMap.isMoving(), null, { timeout: 20000 });
}

let server = null;
let browser = null;
try {
  log(`importing ${fixture}, seeding histories with ${seed}`);
  run(['import', fixture, '--data', dataDir, '--quiet']);
  const ids = JSON.parse(execFileSync(seed, [dataDir], { encoding: 'utf8' }));
  log(`cameras ${JSON.stringify(ids)}`);
  run(['user', 'add', 'mod', '--role', 'moderator', '--password-stdin', '--data', dataDir], `${password}\n`);
  server = await startServer(binary, dataDir, ['--web', webDir]);
  const base = server.url;
  const origin = new URL(base).origin;
  log(`server ${base}`);

  // B removed now, through the moderation API.
  const login = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'mod', password }) });
  assert.equal(login.status, 200, await login.clone().text());
  const { csrf_token: csrf } = await login.json();
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const removal = await fetch(`${base}/api/v1/cameras/${ids.b}/removal`, { method: 'POST',
    headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'gone' }) });
  assert.equal(removal.status, 200, await removal.text());

  const history = await (await fetch(`${base}/api/v1/stats/history`)).json();
  log(`history: ${history.periods.length} months from ${history.first_event}`);
  assert.equal(history.first_event, '2024-03-08T12:00:00Z');

  browser = await launchChromium(chromium, path.join(work, 'chromium-profile'));
  const requests = [];
  const pageErrors = [];
  browser.on('request', (r) => requests.push(r.url()));
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
  page.on('console', (m) => { if (m.type() === 'error') log(`console: ${m.text()}`); });

  // --- the map's time slider, by keyboard ---------------------------------------------------------
  await page.goto(`${base}/#18/44.81345/20.46140`);
  await page.waitForSelector('#time-control:not([hidden])', { timeout: 30000 });
  await sliderAt(page, 'now');
  const slider = page.getByRole('slider', { name: say('en', 'time.label'), exact: false });
  assert.equal(await slider.count(), 1, 'one slider named by its label');
  assert.equal(await page.textContent('#time-day'), say('en', 'time.now'));
  const range = await page.$eval('#time-slider', (el) => ({ min: Number(el.min), max: Number(el.max), value: Number(el.value) }));
  const expectedDays = Math.round((Date.parse(today) - Date.parse('2024-03-08')) / 86400000);
  log(`slider ${JSON.stringify(range)}, expected ${expectedDays} days`);
  assert.deepEqual(range, { min: 0, max: expectedDays, value: expectedDays }, 'from the first report to today, at today');
  await page.waitForFunction(() => window.sightlineMap.queryRenderedFeatures({ layers: ['cameras'] }).length > 0, null, { timeout: 20000 });
  assert.deepEqual(await drawnIds(page, 'cameras'), [ids.a], 'today: the tiles show A only (B and C removed)');
  await shot(page, 'map-today');

  await slider.focus();
  await page.keyboard.press('ArrowLeft');
  await sliderAt(page, yesterday);
  assert.equal(await page.$eval('#time-control', (b) => b.dataset.count), '2');
  assert.deepEqual(await drawnIds(page, 'cameras-past'), [ids.a, ids.b].sort((x, y) => x - y), 'yesterday: A and B');
  assert.equal(await page.evaluate(() => window.sightlineMap.getLayoutProperty('cameras', 'visibility')), 'none', 'tiles hidden');
  const label = await page.textContent('#time-day');
  const expectedLabel = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(yesterday));
  assert.equal(label, expectedLabel, 'the label shows the day in words');
  assert.equal(await slider.getAttribute('aria-valuetext'), expectedLabel);
  assert.equal(await page.textContent('#time-status'), say('en', 'time.count.other', { count: 2 }));
  await shot(page, 'map-yesterday');

  await page.keyboard.press('Home');
  await sliderAt(page, '2024-03-08');
  assert.equal(await page.$eval('#time-control', (b) => b.dataset.count), '0', '2024-03-08: reported, not yet accepted');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await sliderAt(page, '2024-03-10');
  assert.deepEqual(await drawnIds(page, 'cameras-past'), [ids.a], '2024-03-10: A, accepted that day');
  // C lived from June to September 2024; moving the map keeps the day and asks again.
  await page.evaluate(() => window.sightlineMap.jumpTo({ center: [20.46101, 44.81321] }));
  await sliderAt(page, '2024-03-10');

  await page.keyboard.press('End');
  await sliderAt(page, 'now');
  assert.equal(await page.evaluate(() => window.sightlineMap.getLayoutProperty('cameras', 'visibility')), 'visible', 'tiles back');
  assert.equal(await page.evaluate(() => window.sightlineMap.getLayoutProperty('cameras-past', 'visibility')), 'none');
  assert.ok(await page.isHidden('#time-back'), '"Back to today" only on a past day');

  // --- a phone, Serbian Cyrillic ------------------------------------------------------------------
  const phone = await browser.newPage();
  phone.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
  await phone.setViewportSize({ width: 360, height: 740 });
  await phone.goto(`${base}/`);
  await phone.evaluate(() => localStorage.setItem('sightline.language', 'sr-Cyrl'));
  await phone.goto(`${base}/#17/44.81345/20.46140`);
  await phone.reload();  // a hash change alone does not load the page again
  await phone.waitForSelector('#time-control:not([hidden])', { timeout: 30000 });
  await sliderAt(phone, 'now');
  await phone.focus('#time-slider');
  await phone.keyboard.press('ArrowLeft');
  await sliderAt(phone, yesterday);
  const fit = await phone.evaluate(() => {
    const box = document.getElementById('time-control').getBoundingClientRect();
    const zoom = document.querySelector('.maplibregl-ctrl-top-right').getBoundingClientRect();
    const input = document.getElementById('time-slider').getBoundingClientRect();
    return { left: box.left, right: box.right, zoomLeft: zoom.left, input: input.width, label: document.querySelector('.time-label').textContent,
      scroll: document.documentElement.scrollWidth };
  });
  log(`phone: ${JSON.stringify(fit)}`);
  assert.ok(fit.left >= 0 && fit.right <= fit.zoomLeft, 'the slider fits left of the zoom buttons');
  assert.ok(fit.input >= 150, 'the range is wide enough to use');
  assert.ok(fit.scroll <= 360, 'no horizontal scrolling');
  assert.ok(fit.label.startsWith(say('sr-Cyrl', 'time.label')), `Cyrillic label: ${fit.label}`);
  assert.ok(!/[A-Za-z]/.test(fit.label), `no Latin letters in "${fit.label}"`);
  await shot(phone, 'phone-sr-Cyrl');
  await phone.evaluate(() => localStorage.setItem('sightline.language', 'en'));  // the profile is shared
  await phone.close();

  // --- the statistics page: cameras over time ----------------------------------------------------
  await page.goto(`${base}/stats`);
  await page.waitForSelector('#stats-growth-table');
  const months = monthsFrom('2024-03');
  const growth = async () => page.evaluate(() => ({
    bars: document.querySelectorAll('#stats-growth .growth-bars rect').length,
    rows: Object.fromEntries([...document.querySelectorAll('#stats-growth-table tbody tr')]
      .map((r) => [r.dataset.period, [...r.querySelectorAll('td')].map((td) => Number(td.textContent))])),
  }));
  let g = await growth();
  log(`growth: ${g.bars} bars for ${months.length} months`);
  assert.equal(g.bars, months.length, 'one bar per month from March 2024');
  assert.deepEqual(Object.keys(g.rows), months, 'a table row per month');
  // [on the map, added, removed]
  assert.deepEqual(g.rows['2024-03'], [1, 1, 0]);
  assert.deepEqual(g.rows['2024-05'], [1, 0, 0], 'an empty month');
  assert.deepEqual(g.rows['2024-06'], [2, 1, 0]);
  assert.deepEqual(g.rows['2024-09'], [1, 0, 1]);
  assert.deepEqual(g.rows['2025-01'], [2, 1, 0]);
  assert.deepEqual(g.rows[months[months.length - 1]], [1, 0, 1], 'B removed this month');
  const table = page.getByRole('table', { name: say('en', 'stats.growth'), exact: true });
  assert.equal(await table.count(), 1, 'the table is named by the chart title');
  await shot(page, 'stats-growth-months');

  await page.click('#stats-growth button[data-interval="year"]');
  await page.waitForFunction(() => document.querySelector('#stats-growth-table tbody tr')?.dataset.period === '2024');
  g = await growth();
  const years = Array.from({ length: new Date().getUTCFullYear() - 2023 }, (_, i) => String(2024 + i));
  assert.equal(g.bars, years.length, 'one bar per year');
  assert.deepEqual(g.rows['2024'], [1, 2, 1], '2024: A and C added, C removed');
  assert.equal(await page.getAttribute('#stats-growth button[data-interval="year"]', 'aria-pressed'), 'true');
  await shot(page, 'stats-growth-years');

  const foreign = requestsElsewhere(requests, origin);
  assert.deepEqual(foreign, [], 'requests to other hosts');
  assert.deepEqual(pageErrors, [], 'uncaught page errors');
  log('PASS');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await tearDown({ browsers: [browser], server, work });
}
