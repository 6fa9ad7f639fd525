// End-to-end test of the web app in Debian's headless Chromium (playwright-core from web/'s
// devDependencies; no browser is ever downloaded). Starts the real `sightline serve` on a fresh
// data folder holding the Munich extract and a moderator, then walks through the map, a camera
// page, the report flow with a photo, moderation, statistics, Serbian Cyrillic and a 360x740
// phone, checking that every request the page made went to the test server.
//
//   node tests/web/run.mjs --binary build/sightline --web build/web [--artifacts DIR]
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when the Munich extract or Chromium is missing,
// unless CI=true, where that is a failure.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, copyFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { arg, requestsElsewhere, runCli, screenshots, skip, startServer as startServerAt, tearDown } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const require = createRequire(path.join(repo, 'web/package.json'));
const { chromium } = require('playwright-core');

const binary = path.resolve(arg('--binary', path.join(repo, 'build/sightline')));
const webDir = path.resolve(arg('--web', path.join(path.dirname(binary), 'web')));
const artifacts = path.resolve(arg('--artifacts', path.join(repo, 'tests/artifacts/web')));
const sharedData = path.resolve(arg('--shared-data', path.join(repo, '../shared/data')));
const munich = path.join(sharedData, 'osm/munich_center.osm.pbf');
const facesDir = path.join(sharedData, 'faces/dlib_pascal_voc');
const chromiumPath = '/usr/bin/chromium';
const password = 'correct horse battery';

if (!existsSync(munich)) skip(`${munich} is missing (real-data test)`);
if (!existsSync(chromiumPath)) skip(`${chromiumPath} is missing: apt-get install chromium fonts-dejavu-core`);
if (!existsSync(path.join(webDir, 'index.html'))) throw new Error(`${webDir}/index.html missing: build the web_app target`);

mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(path.join(os.tmpdir(), 'sightline-web-'));
const dataDir = path.join(work, 'data');
const log = (m) => console.log(`[web] ${m}`);


const run = (args, input) => runCli(binary, args, input);
function startServer(extra) {
  return startServerAt(binary, dataDir, ['--report-rate', '0', ...extra]);
}

/// A raw GET that sends the path exactly as given (no URL normalisation).
function rawGet(base, rawPath) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET' }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
const getJson = async (base, p) => JSON.parse((await rawGet(base, p)).body.toString());

const shot = screenshots(artifacts, '', log);

async function waitForMap(page, name = 'sightlineMap') {
  await page.waitForFunction((n) => window[n] && window[n].isStyleLoaded() && window[n].isSourceLoaded('sightline'), name, { timeout: 30000 });
  // 'idle' comes after a frame with every tile loaded and nothing moving.
  await page.evaluate((n) => new Promise((resolve) => { window[n].once('idle', resolve); window[n].triggerRepaint(); }), name);
}

/// A face photo from the PASCAL VOC sample with its labelled boxes, or null when absent.
function facePhoto() {
  const csv = path.join(facesDir, 'faces_gt.csv');
  if (!existsSync(csv)) return null;
  const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const byImage = new Map();
  for (const [, image, , , x, y, w, h, ignore] of rows) {
    if (ignore !== '0') continue;
    if (!byImage.has(image)) byImage.set(image, []);
    byImage.get(image).push({ x: +x, y: +y, w: +w, h: +h });
  }
  for (const [image, boxes] of byImage) {
    const file = path.join(facesDir, image);
    if (existsSync(file) && boxes.some((b) => b.w >= 30)) return { file, boxes };
  }
  return null;
}

let server = null;
let browser = null;
// --url BASE: drive an already running server (with Munich and "mod" loaded) while debugging.
const existing = arg('--url', null);
try {
  if (!existing) {
  log(`importing ${munich}`);
  run(['import', munich, '--data', dataDir, '--quiet']);
  run(['user', 'add', 'mod', '--role', 'moderator', '--password-stdin', '--data', dataDir], password + '\n');

  // --- the static files, without a browser ---------------------------------------------------
  const missing = await startServer(['--web', path.join(work, 'no-such-folder')]);
  const notBuilt = await rawGet(missing.url, '/');
  assert.equal(notBuilt.status, 404);
  assert.match(JSON.parse(notBuilt.body).error.message, /not built/);
  missing.child.kill('SIGTERM');

  server = await startServer(['--web', webDir]);
  }
  const base = existing || server.url;
  const origin = new URL(base).origin;
  log(`server ${base}`);
  if (!existing) {
  const index = await rawGet(base, '/');
  assert.equal(index.status, 200);
  assert.match(index.headers['content-type'], /^text\/html/);
  assert.equal(index.headers['cache-control'], 'no-cache');
  assert.equal((await rawGet(base, '/camera/1')).status, 200);
  const script = /src="(\/assets\/app-[A-Z0-9]{8}\.js)"/.exec(index.body.toString())[1];
  const js = await rawGet(base, script);
  assert.equal(js.status, 200);
  assert.match(js.headers['content-type'], /^text\/javascript/);
  assert.match(js.headers['cache-control'], /immutable/);
  for (const evil of ['/assets/../index.html', '/assets/%2e%2e/index.html', '/assets/..%2f..%2fetc%2fpasswd',
    '/assets/.hidden.js', '/assets/a//b.js', '/assets/%2fetc%2fpasswd.js', '/assets/a%5c..%5cindex.html']) {
    const r = await rawGet(base, evil);
    assert.ok(r.status === 400 || r.status === 404, `${evil} -> ${r.status}`);
    assert.ok(!r.body.toString().includes('<html'), `${evil} leaked a file`);
    assert.ok(!r.body.toString().includes('root:'), `${evil} leaked /etc/passwd`);
  }
  assert.equal((await rawGet(base, '/assets/nothing-ABCDEFGH.js')).status, 404);
  }
  const statsBefore = await getJson(base, '/api/v1/stats');
  log(`cameras imported: ${statsBefore.cameras_total}`);
  assert.ok(statsBefore.cameras_total > 0, 'the Munich extract has cameras');

  // --- the browser ---------------------------------------------------------------------------
  // A fresh profile (--user-data-dir) through launchPersistentContext, as Playwright requires.
  browser = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    locale: 'en-US',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-gl=swiftshader', '--enable-unsafe-swiftshader'],
  });
  const requests = [];
  const pageErrors = [];
  browser.on('request', (r) => requests.push(r.url()));
  async function newPage({ viewport }) {
    const page = await browser.newPage();
    await page.setViewportSize(viewport);
    page.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
    page.on('console', (m) => { if (m.type() === 'error') log(`console: ${m.text()}`); });
    return page;
  }

  const page = await newPage({ viewport: { width: 1280, height: 800 } });
  // Map: imported cameras and basemap features are rendered.
  await page.goto(`${base}/#16/48.1374/11.5755`);
  await waitForMap(page);
  const rendered = await page.evaluate(() => {
    const map = window.sightlineMap;
    return {
      cameras: map.queryRenderedFeatures({ layers: ['cameras'] }).length,
      clusters: map.queryRenderedFeatures({ layers: ['camera-clusters'] }).length,
      basemap: map.queryRenderedFeatures({ layers: ['buildings', 'streets', 'water', 'parks'] }).length,
      viewsheds: map.queryRenderedFeatures({ layers: ['viewsheds'] }).map((f) => f.properties.level_name),
      hash: location.hash,
    };
  });
  log(`map at z16: ${JSON.stringify({ ...rendered, viewsheds: rendered.viewsheds.length })}`);
  assert.ok(rendered.cameras > 0, 'cameras rendered');
  assert.ok(rendered.basemap > 0, 'basemap rendered');
  // The server's viewsheds (camera model + building occlusion) are drawn, at every level.
  for (const level of ['detect', 'observe', 'recognise', 'identify'])
    assert.ok(rendered.viewsheds.includes(level), `viewsheds at ${level} rendered`);
  assert.match(rendered.hash, /^#16(\.\d+)?\/48\.13\d*\/11\.57\d*/);
  await shot(page, 'map');

  // Clusters at low zoom.
  await page.evaluate(() => window.sightlineMap.jumpTo({ zoom: 12 }));
  await waitForMap(page);
  assert.ok(await page.evaluate(() => window.sightlineMap.queryRenderedFeatures({ layers: ['camera-clusters'] }).length) > 0, 'clusters at z12');

  // Filter by type: only dome cameras stay.
  await page.evaluate(() => window.sightlineMap.jumpTo({ zoom: 16 }));
  await page.selectOption('#filter-kind', 'dome');
  await waitForMap(page);
  const kindsShown = await page.evaluate(() => [...new Set(window.sightlineMap.queryRenderedFeatures({ layers: ['cameras'] }).map((f) => f.properties.type))]);
  assert.deepEqual(kindsShown, ['dome']);
  await page.selectOption('#filter-kind', '');
  // Filter by operator (the tiles carry none: the app asks the API for the cameras in view).
  await waitForMap(page);
  const allShown = await page.evaluate(() => window.sightlineMap.queryRenderedFeatures({ layers: ['cameras'] }).length);
  await page.fill('#filter-operator', 'police');
  await page.press('#filter-operator', 'Tab');
  await page.waitForFunction((n) => {
    const shown = window.sightlineMap.queryRenderedFeatures({ layers: ['cameras'] }).length;
    return shown > 0 && shown < n;
  }, allShown, { timeout: 15000 });
  await page.fill('#filter-operator', '');
  await page.press('#filter-operator', 'Tab');

  // Click a camera -> its page.
  await waitForMap(page);
  const target = await page.evaluate(() => {
    const map = window.sightlineMap;
    const f = map.queryRenderedFeatures({ layers: ['cameras'] })[0];
    const p = map.project(f.geometry.coordinates);
    return { id: f.properties.id, x: p.x, y: p.y };
  });
  const mapBox = await page.locator('#map').boundingBox();
  await page.mouse.click(mapBox.x + target.x, mapBox.y + target.y);
  await page.waitForURL(`${base}/camera/${target.id}`);
  await page.waitForSelector('.facts');
  assert.match(await page.textContent('h1'), new RegExp(`${target.id}`));
  // Where it is in words (GET /api/v1/reverse), or nothing beside the coordinates.
  await page.waitForSelector('#camera-near[data-done]', { state: 'attached' });
  const nearText = await page.textContent('#camera-near');
  log(`camera ${target.id}: "${nearText}"`);
  assert.ok(nearText === '' || /^near \S/.test(nearText), `near: ${nearText}`);
  await shot(page, 'camera-page');

  // Search by camera number.
  await page.goto(`${base}/`);
  await page.fill('#search', String(target.id));
  await page.press('#search', 'Enter');
  await page.waitForURL(`${base}/camera/${target.id}`);

  // --- route panel: click start and end, alternatives coloured by exposure -------------------
  const routeFrom = { lat: 48.1374, lon: 11.5755 };
  const routeTo = { lat: 48.1405, lon: 11.5690 };
  await page.goto(`${base}/#16/48.13895/11.57225`);
  await waitForMap(page);
  await page.click('#route-toggle');
  await page.waitForSelector('#route-panel:not([hidden])');
  const routeMapBox = await page.locator('#map').boundingBox();
  for (const point of [routeFrom, routeTo]) {
    const p = await page.evaluate(({ lat, lon }) => window.sightlineMap.project([lon, lat]), point);
    await page.mouse.click(routeMapBox.x + p.x, routeMapBox.y + p.y);
  }
  // The first query builds the walking graph: allow for it.
  await page.waitForSelector('#route-list .route-alt', { timeout: 300000 });
  assert.equal(new URL(page.url()).pathname, '/', 'a click in route mode never opens a camera');
  const alternatives = await page.$$eval('#route-list .route-alt', (els) => els.map((e) => ({
    kind: e.querySelector('.route-kind').textContent, pressed: e.getAttribute('aria-pressed'), text: e.textContent })));
  log(`route alternatives: ${JSON.stringify(alternatives)}`);
  assert.ok(alternatives.some((a) => a.kind === 'Shortest'), 'a "Shortest" alternative is listed');
  assert.equal(alternatives.filter((a) => a.pressed === 'true').length, 1, 'one alternative is selected');
  const routeSource = () => page.evaluate(async () => {
    const map = window.sightlineMap;
    const data = await map.getSource('route').getData();
    const cameras = await map.getSource('route-cameras').getData();
    return {
      lines: data.features.filter((f) => f.properties.part === 'line').map((f) => ({ kind: f.properties.kind, selected: f.properties.selected, points: f.geometry.coordinates.length })),
      stretches: data.features.filter((f) => f.properties.part === 'stretch').length,
      cameras: cameras.features.length,
    };
  });
  const drawn = await routeSource();
  log(`route source: ${JSON.stringify(drawn)}`);
  assert.equal(drawn.lines.length, alternatives.length, 'one line per alternative on the map');
  assert.ok(drawn.lines.every((l) => l.points >= 2), 'every route line has a geometry');
  assert.equal(drawn.lines.filter((l) => l.selected).length, 1);
  await waitForMap(page);
  assert.ok(await page.evaluate(() => window.sightlineMap.queryRenderedFeatures({ layers: ['route-selected'] }).length) > 0,
    'the selected route is rendered');
  // The markers sit where the clicks were (the text fields hold the clicked positions).
  const [fromText, toText] = [await page.inputValue('#route-from'), await page.inputValue('#route-to')];
  assert.ok(Math.abs(Number(fromText.split(',')[0]) - routeFrom.lat) < 0.0002, `start ${fromText}`);
  assert.ok(Math.abs(Number(toText.split(',')[1]) - routeTo.lon) < 0.0002, `end ${toText}`);
  assert.equal(await page.locator('.route-marker').count(), 2);
  // GPX of the same query.
  const gpxHref = await page.getAttribute('#route-gpx', 'href');
  assert.match(gpxHref, /[?&]format=gpx(&|$)/);
  const routeApi = await getJson(base, gpxHref.replace(/&format=gpx/, ''));
  assert.equal(routeApi.routes.length, alternatives.length, 'the list shows every route the API returns');
  const gpxFile = await rawGet(base, gpxHref);
  assert.equal(gpxFile.status, 200);
  assert.match(gpxFile.headers['content-type'], /gpx/);
  assert.match(gpxFile.body.toString(), /<trk>/);
  // Whether any route escapes the cameras is said in the page's language (English here).
  const outcome = await page.textContent('#route-message');
  if (routeApi.avoids_cameras) assert.match(outcome, /passes no camera that can observe you/);
  else assert.match(outcome, new RegExp(`^No route up to ${routeApi.max_detour}× .*observe you`));
  await shot(page, 'route');
  // Selecting another alternative moves the highlight and its cameras.
  const last = alternatives.length - 1;
  if (last > 0) {
    const pick = alternatives.findIndex((a) => a.pressed !== 'true');
    await page.click(`#route-alt-${pick}`);
    assert.equal(await page.getAttribute(`#route-alt-${pick}`, 'aria-pressed'), 'true');
    const after = await routeSource();
    assert.equal(after.lines.findIndex((l) => l.selected), pick);
    assert.equal(after.cameras, routeApi.routes[pick].cameras.length, 'the selected route\'s cameras are ringed');
  }
  // Keyboard path: typed positions; an invalid one shows the API's own error text.
  await page.click('#route-clear');
  assert.equal(await page.locator('#route-list .route-alt').count(), 0, 'Clear empties the list');
  assert.equal((await routeSource()).lines.length, 0, 'Clear removes the lines');
  const badFrom = '95.5,11.5755';
  await page.fill('#route-from', badFrom);
  await page.fill('#route-to', `${routeTo.lat},${routeTo.lon}`);
  await page.click('#route-find');
  const apiError = (await getJson(base, `/api/v1/route?from=${badFrom}&to=${routeTo.lat},${routeTo.lon}&max_detour=1.5&level=observe`)).error;
  assert.ok(apiError && apiError.message, 'the API rejects a latitude of 95.5');
  await page.waitForFunction(() => document.querySelector('#route-status').dataset.kind === 'error');
  const shownError = await page.textContent('#route-status');
  assert.ok(shownError.includes(apiError.message), `error shown: ${shownError}`);
  await page.click('#route-clear');
  await page.click('#route-toggle');

  // --- report flow with a photo ---------------------------------------------------------------
  const face = facePhoto();
  const photo = face ? face.file : path.join(repo, 'tests/fixtures/api/street.jpg');
  log(`reporting with ${photo}`);
  await page.goto(`${base}/report`);
  await waitForMap(page, 'sightlineReportMap');
  await page.setInputFiles('#report-photos', photo);
  await page.waitForSelector('#photo-status[data-done]');
  log(`photo inspection: ${await page.textContent('#photo-status')}`);
  // A spot with no camera nearby, so the accepted report becomes a new camera.
  const spot = { lat: 48.13905, lon: 11.57125 };
  await page.fill('#report-lat', String(spot.lat));
  await page.fill('#report-lon', String(spot.lon));
  await page.dispatchEvent('#report-lon', 'change');
  await page.fill('#report-direction', '135');
  await page.dispatchEvent('#report-direction', 'change');
  await page.selectOption('#report-preset', 'huawei-ipc6625-z30');
  await page.selectOption('#report-mount', 'pole');
  await page.fill('#report-note', 'browser test');
  await page.waitForSelector('#duplicates p, #duplicates ul');
  await shot(page, 'report-form');
  const submitted = page.waitForResponse((r) => r.url().endsWith('/api/v1/reports') && r.request().method() === 'POST');
  await page.click('#report-submit');
  let answer = await submitted;
  let photoStored = answer.status() === 201;
  if (!photoStored) {
    // The photo pipeline may not be there yet: the form offers to send without photos.
    log(`report with photo answered ${answer.status()}: ${await answer.text()}`);
    const retry = page.waitForResponse((r) => r.url().endsWith('/api/v1/reports') && r.request().method() === 'POST');
    await page.click('#submit-without-photos');
    answer = await retry;
  }
  assert.equal(answer.status(), 201);
  const report = await answer.json();
  await page.waitForSelector('#report-done');
  const withdrawLink = await page.getAttribute('#withdraw-link', 'href');
  assert.ok(withdrawLink.includes(`#withdraw=${report.id}:`), 'private withdraw link shown');
  if (photoStored) {
    assert.equal(report.photos.length, 1);
    await page.waitForFunction(() => [...document.querySelectorAll('.stored-photo')].every((i) => i.complete && i.naturalWidth > 0));
    if (face) {
      assert.ok(report.photos[0].faces_blurred >= 1, `faces blurred: ${report.photos[0].faces_blurred}`);
      // Inside a labelled face box the stored photo must differ from the original (blurred).
      const original = readFileSync(photo).toString('base64');
      const change = await page.evaluate(async ({ original, url, boxes }) => {
        const load = (src) => new Promise((res, rej) => { const i = new Image(); i.onload = () => res(i); i.onerror = rej; i.src = src; });
        const pixels = (img, b) => {
          const c = document.createElement('canvas');
          c.width = img.naturalWidth; c.height = img.naturalHeight;
          const ctx = c.getContext('2d');
          ctx.drawImage(img, 0, 0);
          return ctx.getImageData(b.x, b.y, b.w, b.h).data;
        };
        const a = await load(`data:image/jpeg;base64,${original}`);
        const s = await load(url);
        if (a.naturalWidth !== s.naturalWidth || a.naturalHeight !== s.naturalHeight) return { sizeDiffers: true };
        const meanChange = (b) => {
          const p = pixels(a, b); const q = pixels(s, b);
          let diff = 0;
          for (let i = 0; i < p.length; i += 4) diff += Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]) + Math.abs(p[i + 2] - q[i + 2]);
          return diff / (p.length / 4) / 3;
        };
        // The whole picture is the control: re-encoding alone changes every pixel a little.
        return { faces: boxes.map(meanChange), whole: meanChange({ x: 0, y: 0, w: a.naturalWidth, h: a.naturalHeight }) };
      }, { original, url: report.photos[0].preview_url, boxes: face.boxes });
      log(`mean pixel change (0-255) inside the face boxes: ${JSON.stringify(change)}`);
      if (!change.sizeDiffers) {
        const mean = change.faces.reduce((x, y) => x + y, 0) / change.faces.length;
        assert.ok(mean > 2 * change.whole, `faces changed (${mean.toFixed(1)}) well beyond the re-encoding (${change.whole.toFixed(1)})`);
      }
    }
  }
  await shot(page, 'report-done');

  // --- moderation ------------------------------------------------------------------------------
  await page.goto(`${base}/moderation`);
  await page.fill('#username', 'mod');
  await page.fill('#password', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#report-detail h2');
  assert.match(await page.textContent('#report-detail h2'), new RegExp(`${report.id}`));
  await waitForMap(page.mainFrame() ? page : page).catch(() => {});
  await shot(page, 'moderation-queue');
  const decided = page.waitForResponse((r) => r.url().endsWith(`/api/v1/reports/${report.id}/decision`));
  await page.keyboard.press('a');  // the shortcut for accept
  const decision = await decided;
  assert.equal(decision.status(), 200);
  const accepted = await decision.json();
  assert.equal(accepted.report.status, 'accepted');
  const cameraId = accepted.camera.id;
  await page.waitForSelector('#queue li');
  await shot(page, 'moderation-accepted');

  // The new camera is on the map. Zoom 19: the report and moderation maps showed this spot at
  // zooms 17 and 18, and tiles may be cached for 60 s (Cache-Control of /tiles).
  await page.goto(`${base}/#19/${spot.lat}/${spot.lon}`);
  await waitForMap(page);
  const found = await page.evaluate((id) => window.sightlineMap.queryRenderedFeatures({ layers: ['cameras'] })
    .filter((f) => f.properties.id === id).length, cameraId);
  assert.ok(found > 0, `camera ${cameraId} rendered after accepting`);
  const fovs = await page.evaluate(() => window.sightlineMap.queryRenderedFeatures({ layers: ['camera-fov'] }).length);
  assert.ok(fovs > 0, 'field-of-view cone drawn for the camera with a direction');
  await shot(page, 'map-new-camera');

  // Statistics changed.
  await page.goto(`${base}/stats`);
  await page.waitForSelector('#stats-total');
  const total = Number(await page.getAttribute('#stats-total', 'data-count'));
  assert.equal(total, statsBefore.cameras_total + 1);
  // Density over the imported extract: one row, named by its place or else its file name in
  // words, as many cameras as the API says.
  const area = statsBefore.imported_areas.find((a) => a.name.includes('munich_center'));
  assert.ok(area && area.area_km2 > 0 && area.cameras > 0, 'the import run has bounds and cameras');
  const densityRow = await page.textContent('#stats-density tbody tr');
  assert.ok(densityRow.includes(area.place ?? 'munich center') && !densityRow.includes('.osm'), `density row: ${densityRow}`);
  await shot(page, 'stats');

  // Serbian Cyrillic changes the interface text and is remembered.
  const before = await page.textContent('#nav a[href="/"]');
  await page.selectOption('#language', 'sr-Cyrl');
  await page.waitForFunction(() => document.querySelector('#nav a[href="/"]').textContent === 'Мапа');
  assert.notEqual(before, 'Мапа');
  assert.match(await page.textContent('h1'), /Статистика/);
  await page.reload();
  await page.waitForSelector('#stats-total');
  assert.equal(await page.textContent('#nav a[href="/"]'), 'Мапа');
  assert.equal(await page.getAttribute('html', 'lang'), 'sr-Cyrl');
  await shot(page, 'stats-sr-cyrl');

  // --- a phone: 360x740 -------------------------------------------------------------------------
  const phone = await newPage({ viewport: { width: 360, height: 740 } });
  await phone.goto(`${base}/report`);
  await waitForMap(phone, 'sightlineReportMap');
  await phone.setInputFiles('#report-photos', path.join(repo, 'tests/fixtures/api/street.jpg'));
  await phone.waitForSelector('#photo-status[data-done]');
  if (photoStored) {
    // street.jpg says: taken at 44.8125, 20.4612 looking east (90°), so the camera is 10 m east
    // and faces west (270°).
    assert.ok(Math.abs(Number(await phone.inputValue('#report-lat')) - 44.8125) < 0.001, 'latitude prefilled from EXIF');
    assert.equal(await phone.inputValue('#report-direction'), '270', 'direction prefilled from EXIF');
  }
  await phone.fill('#report-lat', '48.1372');
  await phone.fill('#report-lon', '11.5761');
  await phone.dispatchEvent('#report-lon', 'change');
  await phone.selectOption('#report-type', 'fixed');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow})`);
  await shot(phone, 'phone-report-form');
  const phoneAnswer = phone.waitForResponse((r) => r.url().endsWith('/api/v1/reports') && r.request().method() === 'POST');
  await phone.click('#report-submit');
  let pa = await phoneAnswer;
  if (pa.status() !== 201) {
    const retry = phone.waitForResponse((r) => r.url().endsWith('/api/v1/reports') && r.request().method() === 'POST');
    await phone.click('#submit-without-photos');
    pa = await retry;
  }
  assert.equal(pa.status(), 201);
  await phone.waitForSelector('#report-done');
  await shot(phone, 'phone-report-done');
  // The private link withdraws the report.
  const phoneLink = await phone.getAttribute('#withdraw-link', 'href');
  await phone.goto(phoneLink);
  const withdrawn = phone.waitForResponse((r) => r.request().method() === 'DELETE');
  await phone.click('#withdraw');
  assert.equal((await withdrawn).status(), 204);
  await phone.goto(`${base}/#15/48.1374/11.5755`);
  await waitForMap(phone);
  await shot(phone, 'phone-map');

  // --- every request went to the test server ---------------------------------------------------
  const foreign = requestsElsewhere(requests, origin);
  log(`${requests.length} requests, ${foreign.length} elsewhere`);
  assert.deepEqual(foreign, [], 'requests to other hosts');
  assert.deepEqual(pageErrors, [], 'uncaught page errors');
  log(`photo stored through the report flow: ${photoStored ? 'yes' : 'NO (photo upload refused, sent without photo)'}`);
  log('PASS');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await tearDown({ browsers: [browser], server, work });
}
