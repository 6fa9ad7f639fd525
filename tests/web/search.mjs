// End-to-end test of finding places by name (issue 15) in Debian's headless Chromium
// (playwright-core from web/'s devDependencies; no browser is ever downloaded), against the real
// `sightline serve` on a fresh data folder holding tests/fixtures/osm/search.osm (a small
// Belgrade-like quarter named in Cyrillic, with Latin variants):
//   - the map's search box is a WAI-ARIA combobox: "knez mih" typed key by key asks the server
//     once or twice (debounced), lists suggestions in a listbox, a polite live region counts
//     them; ArrowDown highlights (aria-activedescendant, aria-selected), Enter picks, the map
//     flies there (centre, zoom for the kind, URL hash) and marks the place; a request made
//     stale by more typing is aborted; Escape closes; nothing found is said; a camera number
//     finds the camera (typed alone or picked);
//   - the route panel's start and end take the same search: "Knez Mihailova 5" and
//     "Knez Mihailova 5a" picked with the keyboard give walking routes between exactly those
//     positions; "Use my location" fills the start from the browser's position (allowed) and
//     says why not (denied);
//   - the moderation queue and a camera page say "near Теразије 3/1" (GET /api/v1/reverse), and
//     only the coordinates where nothing is near;
//   - Serbian Cyrillic: a Cyrillic query gets Cyrillic names and the count in Serbian; a phone
//     (360x740) shows the list without horizontal scrolling, and a tap on an option picks it;
//   - every request went to the test server, no page errors.
//
//   node tests/web/search.mjs --binary build/sightline --web build/web [--artifacts DIR]
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium is missing, unless CI=true.

import path from 'node:path';
import assert from 'node:assert/strict';
import { browserTest, launchChromium, requestsElsewhere, sayFrom, screenshots, startServer as startServerAt, tearDown } from './harness.mjs';

const { repo, chromium, binary, webDir, artifacts, work, dataDir, catalogue, log, run } = browserTest('search');

const fixture = path.join(repo, 'tests/fixtures/osm/search.osm');
const password = 'correct horse battery';
const say = sayFrom(catalogue);

function startServer(extra) {
  return startServerAt(binary, dataDir, ['--report-rate', '0', ...extra]);
}

const shot = screenshots(artifacts, 'search-', log);

async function waitForMap(page) {
  await page.waitForFunction(() => window.sightlineMap && window.sightlineMap.isStyleLoaded(), null, { timeout: 30000 });
  await page.evaluate(() => new Promise((resolve) => { window.sightlineMap.once('idle', resolve); window.sightlineMap.triggerRepaint(); }));
}

/// The combobox's state as a screen reader would get it.
function combobox(page, inputSelector) {
  return page.evaluate((sel) => {
    const input = document.querySelector(sel);
    const listbox = document.getElementById(input.getAttribute('aria-controls'));
    const activeId = input.getAttribute('aria-activedescendant');
    return {
      role: input.getAttribute('role'),
      expanded: input.getAttribute('aria-expanded'),
      autocomplete: input.getAttribute('aria-autocomplete'),
      listboxRole: listbox?.getAttribute('role'),
      listboxVisible: !!listbox && !listbox.hidden && listbox.getBoundingClientRect().height > 0,
      options: listbox ? [...listbox.querySelectorAll('[role=option]')].map((o) => ({
        id: o.id, text: o.querySelector('.suggestion-label').textContent, kind: o.dataset.kind, selected: o.getAttribute('aria-selected') })) : [],
      activeId,
      activeExists: !!activeId && !!document.getElementById(activeId),
      value: input.value,
      focused: document.activeElement === input,
    };
  }, inputSelector);
}

/// Types `text` key by key into an empty field and waits for the answer the suggestions show.
async function typeAndWait(page, selector, text) {
  await page.fill(selector, '');
  await page.click(selector);
  const answer = page.waitForResponse((r) => {
    if (!r.url().includes('/api/v1/search?')) return false;
    return new URL(r.url()).searchParams.get('q') === text.trim();
  }, { timeout: 15000 });
  await page.keyboard.type(text, { delay: 25 });
  const response = await answer;
  assert.equal(response.status(), 200, `search for ${text}`);
  const json = await response.json();
  if (json.features.length) await page.waitForFunction((sel) => document.querySelector(sel).getAttribute('aria-expanded') === 'true', selector);
  return { json, url: new URL(response.url()) };
}

/// ArrowDown to the first option whose label matches `pattern`, then Enter. Returns the feature.
async function pickWithKeyboard(page, selector, features, pattern) {
  const state = await combobox(page, selector);
  const index = state.options.findIndex((o) => pattern.test(o.text));
  assert.ok(index >= 0, `a suggestion matching ${pattern}: ${JSON.stringify(state.options.map((o) => o.text))}`);
  for (let i = 0; i <= index; i++) await page.keyboard.press('ArrowDown');
  const active = await combobox(page, selector);
  assert.equal(active.activeId, state.options[index].id, 'aria-activedescendant names the highlighted option');
  assert.ok(active.activeExists);
  assert.deepEqual(active.options.map((o) => o.selected), active.options.map((_, i) => String(i === index)), 'only that option is aria-selected');
  assert.ok(active.focused, 'the focus stays in the field');
  await page.keyboard.press('Enter');
  return features[index];
}

const near = (a, b, tolerance = 1e-5) => Math.abs(a - b) <= tolerance;

let server = null;
let browser = null;
try {
  log(`importing ${fixture}`);
  run(['import', fixture, '--data', dataDir, '--quiet']);
  run(['user', 'add', 'mod', '--role', 'moderator', '--password-stdin', '--data', dataDir], password + '\n');
  server = await startServer(['--web', webDir]);
  const base = server.url;
  const origin = new URL(base).origin;
  log(`server ${base}`);

  browser = await launchChromium(chromium, path.join(work, 'chromium-profile'));
  const requests = [];
  const pageErrors = [];
  browser.on('request', (r) => requests.push(r.url()));
  async function newPage(viewport) {
    const page = await browser.newPage();
    await page.setViewportSize(viewport);
    page.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
    page.on('console', (m) => { if (m.type() === 'error') log(`console: ${m.text()}`); });
    return page;
  }

  // --- the map's search box ------------------------------------------------------------------
  const page = await newPage({ width: 1280, height: 800 });
  await page.goto(`${base}/#13/44.8100/20.4500`);
  await waitForMap(page);
  const closed = await combobox(page, '#search');
  assert.equal(closed.role, 'combobox');
  assert.equal(closed.expanded, 'false');
  assert.equal(closed.autocomplete, 'list');
  assert.equal(closed.listboxRole, 'listbox');
  assert.equal(closed.listboxVisible, false);

  const searchesBefore = requests.filter((u) => u.includes('/api/v1/search?')).length;
  const { json: knez, url: knezUrl } = await typeAndWait(page, '#search', 'knez mih');
  const searchesMade = requests.filter((u) => u.includes('/api/v1/search?')).length - searchesBefore;
  log(`"knez mih": ${searchesMade} request(s) for 8 keys; ${knez.features.map((f) => f.properties.label).join(' | ')}`);
  assert.ok(searchesMade >= 1 && searchesMade <= 3, `typing is debounced (${searchesMade} requests for 8 keys)`);
  assert.ok(near(Number(knezUrl.searchParams.get('lat')), 44.81, 1e-3) && near(Number(knezUrl.searchParams.get('lon')), 20.45, 1e-3),
    `the search is biased towards the map's centre: ${knezUrl.search}`);
  assert.ok(knez.features.length > 0, 'the server finds "knez mih"');
  const open = await combobox(page, '#search');
  assert.equal(open.expanded, 'true');
  assert.ok(open.listboxVisible, 'the listbox is shown under the field');
  assert.equal(open.options.length, knez.features.length, 'one option per hit');
  assert.ok(open.options.some((o) => /Knez Mihailova/.test(o.text)), `options: ${JSON.stringify(open.options)}`);
  assert.equal(open.activeId, null, 'nothing is highlighted before the arrow keys');
  const count = knez.features.length;
  const liveText = await page.evaluate(() => document.querySelector('.search .visually-hidden[aria-live=polite]').textContent);
  assert.equal(liveText, count === 1 ? `${count} suggestion` : `${count} suggestions`, 'the live region counts the suggestions');
  await shot(page, 'map-suggestions');

  // ArrowDown + Enter picks the street; the map flies there.
  const street = await pickWithKeyboard(page, '#search', knez.features, /^Knez Mihailova(,|$)/);
  const [lon, lat] = street.geometry.coordinates;
  const wantZoom = { address: 17, poi: 17, street: 16, place: 14 }[street.properties.kind];
  await page.waitForFunction(({ lat, lon }) => {
    const map = window.sightlineMap;
    const c = map.getCenter();
    return !map.isMoving() && Math.abs(c.lat - lat) < 1e-5 && Math.abs(c.lng - lon) < 1e-5;
  }, { lat, lon }, { timeout: 15000 });
  const moved = await page.evaluate(() => ({ zoom: window.sightlineMap.getZoom(), hash: location.hash,
    markers: document.querySelectorAll('.place-marker').length }));
  log(`picked ${street.properties.label} (${street.properties.kind}): ${JSON.stringify(moved)}`);
  assert.ok(near(moved.zoom, wantZoom, 0.01), `zoom ${moved.zoom} for a ${street.properties.kind}`);
  const [hashZoom, hashLat, hashLon] = moved.hash.slice(1).split('/').map(Number);
  assert.ok(near(hashZoom, wantZoom, 0.01) && near(hashLat, lat, 1e-3) && near(hashLon, lon, 1e-3), `the URL hash follows: ${moved.hash}`);
  assert.equal(moved.markers, 1, 'the place is marked');
  const picked = await combobox(page, '#search');
  assert.equal(picked.expanded, 'false', 'the list closes after the pick');
  assert.equal(picked.value, street.properties.label);
  assert.equal(new URL(page.url()).pathname, '/');
  await shot(page, 'map-picked');

  // A stale request is aborted: the answer for "terazi" is held back by the test until the user
  // has typed on, so only "terazije" may fill the list.
  const held = (route) => new URL(route.request().url()).searchParams.get('q') === 'terazi';
  const searchUrl = (url) => url.pathname === '/api/v1/search';
  await page.route(searchUrl, async (route) => {
    if (held(route)) await new Promise((r) => setTimeout(r, 1500));
    await route.continue().catch(() => {});
  });
  const aborted = [];
  page.on('requestfailed', (r) => { if (r.url().includes('/api/v1/search?')) aborted.push(new URL(r.url()).searchParams.get('q')); });
  await page.fill('#search', '');
  await page.click('#search');
  const staleSent = page.waitForRequest((r) => r.url().includes('/api/v1/search?q=terazi&'));
  await page.keyboard.type('terazi', { delay: 25 });
  await staleSent;
  const fresh = page.waitForResponse((r) => r.url().includes('/api/v1/search?q=terazije&'));
  await page.keyboard.type('je', { delay: 25 });
  await fresh;
  await page.waitForFunction(() => document.querySelector('#search').getAttribute('aria-expanded') === 'true');
  await page.waitForTimeout(1700);  // past the held answer
  await page.unroute(searchUrl);
  log(`aborted searches: ${JSON.stringify(aborted)}`);
  assert.ok(aborted.includes('terazi'), 'the stale request was aborted');
  // Escape closes the list; ArrowUp goes to the last option.
  let state = await combobox(page, '#search');
  assert.ok(state.options.every((o) => /Terazije/.test(o.text)), `the list is the answer to "terazije": ${JSON.stringify(state.options)}`);
  assert.ok(state.options.length > 0, 'the server finds "terazije"');
  await page.keyboard.press('ArrowUp');
  state = await combobox(page, '#search');
  assert.equal(state.activeId, state.options.at(-1).id, 'ArrowUp wraps to the last option');
  await page.keyboard.press('Escape');
  state = await combobox(page, '#search');
  assert.equal(state.expanded, 'false');
  assert.equal(state.listboxVisible, false);
  assert.equal(state.activeId, null);
  assert.equal(state.value, 'terazije', 'Escape closes the list and keeps the text');
  // Nothing found is said.
  await typeAndWait(page, '#search', 'qqqxxzzy');
  await page.waitForFunction(() => document.querySelector('#search-message').textContent !== '');
  assert.equal(await page.textContent('#search-message'), say('en', 'search.none', { text: 'qqqxxzzy' }));
  assert.equal((await combobox(page, '#search')).expanded, 'false');
  // A number alone is a camera number (none here).
  await page.fill('#search', '4242');
  await page.press('#search', 'Enter');
  await page.waitForFunction(() => /4242/.test(document.querySelector('#search-message').textContent));
  assert.equal(await page.textContent('#search-message'), say('en', 'map.search.notfound', { id: 4242 }));

  // --- route panel: start and end by name ----------------------------------------------------
  await page.click('#route-toggle');
  await page.waitForSelector('#route-panel:not([hidden])');
  const { json: fromHits } = await typeAndWait(page, '#route-from', 'knez mihailova 5');
  const from = await pickWithKeyboard(page, '#route-from', fromHits.features, /^Knez Mihailova 5(,|$)/);
  assert.equal(from.properties.kind, 'address');
  assert.equal(await page.inputValue('#route-from'), from.properties.label);
  assert.equal((await combobox(page, '#route-from')).expanded, 'false');
  await page.waitForSelector('.route-marker-from');
  const { json: toHits } = await typeAndWait(page, '#route-to', 'knez mihailova 5a');
  const routeRequest = page.waitForRequest((r) => r.url().includes('/api/v1/route?'));
  const to = await pickWithKeyboard(page, '#route-to', toHits.features, /^Knez Mihailova 5[aа](,|$)/);
  const sent = new URL((await routeRequest).url());
  const point = (f) => `${f.geometry.coordinates[1].toFixed(6)},${f.geometry.coordinates[0].toFixed(6)}`;
  log(`route ${sent.search}`);
  assert.equal(sent.searchParams.get('from'), point(from), 'the route starts at the picked place');
  assert.equal(sent.searchParams.get('to'), point(to), 'the route ends at the picked place');
  await page.waitForSelector('#route-list .route-alt', { timeout: 120000 });
  const rows = await page.$$eval('#route-list .route-alt', (els) => els.map((e) => e.textContent));
  log(`routes: ${JSON.stringify(rows)}`);
  assert.ok(rows.length >= 1, 'route rows are shown');
  assert.equal(await page.getAttribute('#route-status', 'data-kind'), 'info');
  assert.equal(await page.locator('.route-marker').count(), 2);
  assert.equal(await page.inputValue('#route-to'), to.properties.label);
  await shot(page, 'route-by-name');

  // A name nobody picked is resolved to its best hit when Find is pressed.
  await page.fill('#route-to', 'Terazije 3/1');
  const resolved = page.waitForRequest((r) => r.url().includes('/api/v1/route?'));
  await page.click('#route-find');
  const resolvedTo = new URL((await resolved).url()).searchParams.get('to');
  assert.equal(resolvedTo, '44.813500,20.461400', `the typed name became its best hit: ${resolvedTo}`);
  await page.waitForFunction(() => document.querySelector('#route-status').dataset.kind !== undefined
    && !document.querySelector('#route-find').disabled);

  // "Use my location": allowed, the start is the browser's position; denied, the page says so.
  await browser.grantPermissions(['geolocation'], { origin });
  await browser.setGeolocation({ latitude: 44.8165, longitude: 20.4583 });
  const located = page.waitForRequest((r) => r.url().includes('/api/v1/route?') && r.url().includes('from=44.816500,20.458300'));
  await page.click('#route-locate');
  await located;
  assert.equal(await page.inputValue('#route-from'), '44.816500,20.458300');
  await browser.clearPermissions();
  await page.click('#route-locate');
  await page.waitForFunction(() => document.querySelector('#route-status').dataset.kind === 'error', null, { timeout: 30000 });
  const denied = await page.textContent('#route-status');
  log(`location refused: ${denied}`);
  assert.equal(denied, say('en', 'route.locate.denied'));
  await page.click('#route-clear');
  await page.click('#route-toggle');

  // --- "near …" in the moderation queue and on a camera page ---------------------------------
  const postReport = (lat, lon) => fetch(`${base}/api/v1/reports`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ location: { lat, lon }, tags: { 'camera:type': 'fixed', 'camera:mount': 'wall' } }) })
    .then(async (r) => { assert.equal(r.status, 201, await r.clone().text()); return r.json(); });
  const atTerazije = await postReport(44.81352, 20.46141);
  const nowhere = await postReport(44.8050, 20.4750);
  await page.goto(`${base}/moderation`);
  await page.fill('#username', 'mod');
  await page.fill('#password', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#queue li button');
  await page.click(`#queue button:has-text("#${nowhere.id} ")`);
  await page.waitForSelector('#report-near[data-done]', { state: 'attached' });
  assert.equal(await page.getAttribute('#report-near', 'data-done'), 'none');
  assert.equal(await page.textContent('#report-near'), '', 'nothing near: the coordinates alone');
  assert.match(await page.textContent('#report-detail p'), /44\.805, 20\.475/);
  await page.click(`#queue button:has-text("#${atTerazije.id} ")`);
  await page.waitForSelector('#report-near[data-done]', { state: 'attached' });
  const reportNear = await page.textContent('#report-near');
  log(`report ${atTerazije.id}: ${await page.textContent('#report-detail p')}`);
  assert.match(reportNear, /^near Теразије 3\/1/, `the queue says where: ${reportNear}`);
  assert.match(await page.textContent('#report-detail p'), /44\.81352, 20\.46141/, 'the coordinates stay beside it');
  await shot(page, 'moderation-near');
  const decided = page.waitForResponse((r) => r.url().endsWith(`/api/v1/reports/${atTerazije.id}/decision`));
  await page.keyboard.press('a');
  const camera = (await (await decided).json()).camera;
  assert.ok(camera?.id, 'the report became a camera');
  await page.goto(`${base}/camera/${camera.id}`);
  await page.waitForSelector('#camera-near[data-done]', { state: 'attached' });
  assert.match(await page.textContent('#camera-near'), /^near Теразије 3\/1/);
  await shot(page, 'camera-near');

  // A camera number typed alone opens its page, from a suggestion too.
  await page.goto(`${base}/#15/44.8135/20.4614`);
  await waitForMap(page);
  const { json: byNumber } = await typeAndWait(page, '#search', String(camera.id));
  const cameraHit = await pickWithKeyboard(page, '#search', byNumber.features, new RegExp(`^Camera ${camera.id} `));
  assert.equal(cameraHit.properties.kind, 'camera');
  await page.waitForURL(`${base}/camera/${camera.id}`);

  // --- Serbian Cyrillic, on a phone ------------------------------------------------------------
  const phone = await newPage({ width: 360, height: 740 });
  await phone.goto(`${base}/#14/44.8150/20.4590`);
  await phone.click('#menu-toggle');  // on a phone the language picker is in the menu
  await phone.selectOption('#language', 'sr-Cyrl');
  await waitForMap(phone);
  assert.equal(await phone.textContent('label[for=search]'), say('sr-Cyrl', 'map.search'));
  const { json: cyrillic } = await typeAndWait(phone, '#search', 'Теразије');
  const cyrState = await combobox(phone, '#search');
  log(`"Теразије": ${cyrState.options.map((o) => o.text).join(' | ')}`);
  assert.ok(cyrState.options.length > 0 && cyrState.options.every((o) => /Теразије/.test(o.text)), 'a Cyrillic query gets Cyrillic names');
  const n = cyrillic.features.length;
  const form = new Intl.PluralRules('sr-Cyrl').select(n);
  assert.equal(await phone.evaluate(() => document.querySelector('.search .visually-hidden[aria-live=polite]').textContent),
    say('sr-Cyrl', `search.count.${catalogue['sr-Cyrl'][`search.count.${form}`] ? form : 'other'}`, { count: n }));
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow})`);
  await shot(phone, 'phone-sr-cyrl');
  // A tap on an option picks it.
  const tapped = cyrillic.features.findIndex((f) => f.properties.kind === 'address');
  await phone.click(`#search-suggestions-${tapped}`);
  await phone.waitForFunction(({ lat, lon }) => {
    const c = window.sightlineMap.getCenter();
    return !window.sightlineMap.isMoving() && Math.abs(c.lat - lat) < 1e-5 && Math.abs(c.lng - lon) < 1e-5;
  }, { lat: cyrillic.features[tapped].geometry.coordinates[1], lon: cyrillic.features[tapped].geometry.coordinates[0] }, { timeout: 15000 });
  assert.equal(await phone.inputValue('#search'), cyrillic.features[tapped].properties.label);
  assert.equal(await phone.getAttribute('#search', 'aria-expanded'), 'false');
  assert.ok(near(await phone.evaluate(() => window.sightlineMap.getZoom()), 17, 0.01), 'an address is shown at zoom 17');

  // --- every request went to the test server -------------------------------------------------
  const foreign = requestsElsewhere(requests, origin);
  log(`${requests.length} requests, ${foreign.length} elsewhere`);
  assert.deepEqual(foreign, [], 'requests to other hosts');
  assert.deepEqual(pageErrors, [], 'uncaught page errors');
  log('PASS');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await tearDown({ browsers: [browser], server, work });
}
