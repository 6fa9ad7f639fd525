// The embeddable map (/embed) in Debian's headless Chromium (playwright-core from web/'s
// devDependencies; no browser is ever downloaded), as another site shows it: a test page served by
// this test from http://localhost:PORT (another origin and another site than the Sightline server
// at http://127.0.0.1:PORT) holds an <iframe> of /embed, against the real `sightline serve` on
// tests/fixtures/osm/search.osm plus six cameras the test adds (three fixed, one of them run by
// the police, three domes):
//   - the frame is not blocked by frame headers and the map renders inside it (a canvas, the
//     cameras as rendered features), with zoom buttons and the attribution (OpenStreetMap and
//     Sightline, both opening in a new tab) and no header, navigation or panel; the app's own
//     page (/) in the same test page stays blocked (frame-ancestors 'none'), so the test sees a
//     refused frame when there is one;
//   - a camera clicked in the frame opens a popup whose link goes to its page on the Sightline
//     server in a new tab;
//   - the filters in the address (type=, status=, operator=) and lang= work;
//   - the only requests went to the test page and the Sightline server, and none of the embed's
//     carried a cookie although the browser holds a moderator's session cookie for the server;
//   - the camera page shows the snippet with a working Copy button, and the snippet's <iframe>
//     pasted into the other site shows the camera;
//   - the bytes the embed loads (transferred, by kind) are printed.
//
//   node tests/web/embed.mjs --binary build/sightline --web build/web [--artifacts DIR]
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium is missing, unless CI=true.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import assert from 'node:assert/strict';
import { browserTest, launchChromium, requestsElsewhere, sayFrom, screenshots, startServer, tearDown } from './harness.mjs';

const { repo, chromium, binary, webDir, artifacts, work, dataDir, catalogue, log, run } = browserTest('embed');
const say = sayFrom(catalogue);
const shot = screenshots(artifacts, 'embed-', log);
const password = 'correct horse battery';

const fixture = path.join(repo, 'tests/fixtures/osm/search.osm');
const centre = { lat: 44.8155, lon: 20.4590 };
/// search.osm with six cameras around the centre: fixed (ids 990000-990002, the first run by the
/// police) and domes (990003-990005).
function fixtureWithCameras() {
  const nodes = [];
  for (let i = 0; i < 6; i++) {
    const lat = (centre.lat - 0.0003 + (i % 3) * 0.0003).toFixed(6);
    const lon = (centre.lon - 0.0004 + Math.floor(i / 3) * 0.0008).toFixed(6);
    nodes.push(`  <node id="${990000 + i}" version="1" lat="${lat}" lon="${lon}">
    <tag k="man_made" v="surveillance"/>
    <tag k="surveillance:type" v="camera"/>
    <tag k="camera:type" v="${i < 3 ? 'fixed' : 'dome'}"/>${i === 0 ? '\n    <tag k="operator" v="Gradska policija"/>' : ''}
  </node>`);
  }
  const file = path.join(work, 'embed.osm');
  writeFileSync(file, readFileSync(fixture, 'utf8').replace('</osm>', nodes.join('\n') + '\n</osm>'));
  return file;
}

/// Another site: http://localhost:PORT/ answers `pages[path]` as HTML.
function otherSite(pages) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const body = pages[new URL(req.url, 'http://x').pathname];
      res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(body || 'not found');
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://localhost:${server.address().port}` }));
  });
}

const article = (frames) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>An article</title><link rel="icon" href="data:,"></head>
<body><h1>Cameras in our street</h1>${frames}</body></html>`;

/// Waits until the map inside `frame` has drawn with every tile loaded.
async function waitForFrameMap(frame) {
  await frame.waitForFunction(() => window.sightlineMap && window.sightlineMap.isStyleLoaded()
    && window.sightlineMap.isSourceLoaded('sightline'), null, { timeout: 30000 });
  await frame.evaluate(() => new Promise((resolve) => { window.sightlineMap.once('idle', resolve); window.sightlineMap.triggerRepaint(); }));
}
const renderedCameras = (frame) => frame.evaluate(() => window.sightlineMap.queryRenderedFeatures({ layers: ['cameras'] })
  .map((f) => ({ id: f.properties.id, type: f.properties.type })));

let server = null;
let site = null;
let browser = null;
try {
  log(`importing ${fixture} with 6 cameras`);
  run(['import', fixtureWithCameras(), '--data', dataDir, '--quiet']);
  run(['user', 'add', 'mod', '--role', 'moderator', '--password-stdin', '--data', dataDir], password + '\n');
  server = await startServer(binary, dataDir, ['--report-rate', '0', '--web', webDir]);
  const base = server.url;
  const sightline = new URL(base).origin;
  const cameras = (await (await fetch(`${base}/api/v1/cameras?bbox=20.45,44.81,20.47,44.82&limit=100`)).json()).features
    .filter((f) => f.properties.osm?.id >= 990000);
  assert.equal(cameras.length, 6, 'six cameras imported');
  const idOf = (osmId) => cameras.find((f) => f.properties.osm.id === osmId).properties.id;
  const embedAt = (query = '') => `${sightline}/embed#17/${centre.lat}/${centre.lon}${query}`;

  const pages = {
    '/article': article(`<iframe id="embed" src="${embedAt()}" width="600" height="400" style="border:0" title="Map"></iframe>
<iframe id="app" src="${sightline}/" width="300" height="200" title="The app"></iframe>`),
    '/filtered': article(`<iframe id="embed" src="${embedAt('?type=dome')}" width="600" height="400" title="Domes"></iframe>`),
    '/police': article(`<iframe id="embed" src="${embedAt('?operator=polic&lang=sr-Cyrl')}" width="600" height="400" title="Police"></iframe>`),
  };
  site = await otherSite(pages);
  log(`Sightline ${sightline}, the other site ${site.origin}`);

  browser = await launchChromium(chromium, path.join(work, 'chromium-profile'));
  const requests = [];
  const embedRequests = [];
  const pageErrors = [];
  browser.on('request', (r) => {
    requests.push(r.url());
    if (r.frame()?.url().includes('/embed')) embedRequests.push(r);
  });
  async function newPage(viewport = { width: 1000, height: 800 }) {
    const page = await browser.newPage();
    await page.setViewportSize(viewport);
    page.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
    page.on('console', (m) => { if (m.type() === 'error') log(`console: ${m.text()}`); });
    return page;
  }

  // A moderator's session cookie for the Sightline server is in the browser: the embed must not
  // send it (SameSite=Strict keeps it from cross-site frames; the embed also asks without credentials).
  const login = await newPage();
  await login.goto(`${base}/moderation`);
  await login.fill('#username', 'mod');
  await login.fill('#password', password);
  await login.click('#login-form button[type=submit]');
  await login.waitForSelector('#login-form', { state: 'detached' }).catch(() => {});
  const cookies = await browser.cookies(sightline);
  assert.ok(cookies.length > 0, 'the browser holds a session cookie for the server');
  await login.close();

  // --- the embed in another site's page ---------------------------------------------------------
  const page = await newPage();
  const responses = [];
  // Everything from the server but the app's own page (/, refused as a frame).
  page.on('response', (r) => { if (r.url().startsWith(`${sightline}/`) && new URL(r.url()).pathname !== '/') responses.push(r); });
  await page.goto(`${site.origin}/article`);
  const embed = page.frameLocator('#embed');
  await embed.locator('.maplibregl-canvas').waitFor({ timeout: 30000 });
  const frame = page.frames().find((f) => f.url().startsWith(`${sightline}/embed`));
  assert.ok(frame, 'the embed frame loaded (not blocked by frame headers)');
  await waitForFrameMap(frame);
  const shown = await renderedCameras(frame);
  log(`cameras rendered in the frame: ${JSON.stringify(shown)}`);
  assert.equal(new Set(shown.map((c) => c.id)).size, 6, 'all six cameras rendered in the frame');
  const chrome = await frame.evaluate(() => ({
    canvas: !!document.querySelector('canvas.maplibregl-canvas'),
    header: !!document.querySelector('header, nav, .topbar, .panel, aside'),
    zoom: [...document.querySelectorAll('.maplibregl-ctrl-zoom-in, .maplibregl-ctrl-zoom-out')].length,
    attribution: [...document.querySelectorAll('.maplibregl-ctrl-attrib a')].map((a) => ({ text: a.textContent, href: a.href, target: a.target })),
  }));
  log(`frame: ${JSON.stringify(chrome)}`);
  assert.ok(chrome.canvas, 'a map canvas in the frame');
  assert.equal(chrome.header, false, 'no header, navigation or panel in the frame');
  assert.equal(chrome.zoom, 2, 'zoom buttons');
  const osm = chrome.attribution.find((a) => a.href.startsWith('https://www.openstreetmap.org/copyright'));
  assert.ok(osm && osm.text === say('en', 'attribution') && osm.target === '_blank', 'OpenStreetMap attribution, new tab');
  const home = chrome.attribution.find((a) => a.text === 'Sightline');
  assert.ok(home && home.href.startsWith(`${sightline}/#17`) && home.target === '_blank', `Sightline link to this view, new tab (${home?.href})`);
  // The app's own page in the same article is refused: frame-ancestors 'none'.
  const appFrame = page.frames().find((f) => f.name() === 'app' || f.url().startsWith(`${sightline}/`) && !f.url().includes('/embed'));
  const appShown = appFrame ? await appFrame.evaluate(() => !!document.querySelector('#main')).catch(() => false) : false;
  assert.equal(appShown, false, 'the app itself cannot be framed by another site');
  await shot(page, 'article');

  // A camera clicked: a popup with a link to its page on the server, in a new tab.
  const fixedId = idOf(990001);
  const point = await frame.evaluate((id) => {
    const f = window.sightlineMap.queryRenderedFeatures({ layers: ['cameras'] }).find((c) => c.properties.id === id);
    return window.sightlineMap.project(f.geometry.coordinates);
  }, fixedId);
  const box = await page.locator('#embed').boundingBox();
  await page.mouse.click(box.x + point.x, box.y + point.y);
  const link = embed.locator('.maplibregl-popup a.embed-camera-link');
  await link.waitFor();
  assert.equal(await link.getAttribute('href'), `${sightline}/camera/${fixedId}`);
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await link.textContent(), say('en', 'embed.open_camera'));
  assert.match(await embed.locator('.maplibregl-popup').textContent(), new RegExp(say('en', 'kind.fixed')));
  await shot(page, 'popup');
  // The zoom button works in the frame.
  const zoomBefore = await frame.evaluate(() => window.sightlineMap.getZoom());
  await embed.locator('.maplibregl-ctrl-zoom-in').click();
  await frame.waitForFunction((z) => window.sightlineMap.getZoom() > z + 0.5, zoomBefore);

  // Bytes the embed loads: what went over the wire for its page, scripts, styles, fonts, tiles.
  const byKind = {};
  for (const r of responses) {
    const { responseBodySize } = await r.request().sizes();
    const u = new URL(r.url());
    const kind = u.pathname === '/embed' ? 'page' : u.pathname.endsWith('.js') ? 'script'
      : u.pathname.endsWith('.css') ? 'style' : u.pathname.endsWith('.ttf') ? 'font' : u.pathname.startsWith('/tiles/') ? 'tiles' : 'other';
    byKind[kind] = (byKind[kind] || 0) + Math.max(0, responseBodySize);
  }
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  log(`embed bytes transferred: ${JSON.stringify(byKind)}, total ${total} (${(total / 1024).toFixed(0)} KiB)`);

  // --- filters in the address ---------------------------------------------------------------------
  await page.goto(`${site.origin}/filtered`);
  const domesFrame = await (async () => {
    await page.frameLocator('#embed').locator('.maplibregl-canvas').waitFor({ timeout: 30000 });
    return page.frames().find((f) => f.url().startsWith(`${sightline}/embed`));
  })();
  await waitForFrameMap(domesFrame);
  const domes = await renderedCameras(domesFrame);
  assert.deepEqual([...new Set(domes.map((c) => c.type))], ['dome'], `type=dome shows domes only (${JSON.stringify(domes)})`);
  assert.equal(new Set(domes.map((c) => c.id)).size, 3);

  await page.goto(`${site.origin}/police`);
  await page.frameLocator('#embed').locator('.maplibregl-canvas').waitFor({ timeout: 30000 });
  const policeFrame = page.frames().find((f) => f.url().startsWith(`${sightline}/embed`));
  await waitForFrameMap(policeFrame);
  await policeFrame.waitForFunction((id) => {
    const shownIds = window.sightlineMap.queryRenderedFeatures({ layers: ['cameras'] }).map((f) => f.properties.id);
    return shownIds.length === 1 && shownIds[0] === id;
  }, idOf(990000), { timeout: 15000 });
  const attributionCyrl = await policeFrame.evaluate(() => document.querySelector('.maplibregl-ctrl-attrib a[href*="openstreetmap.org"]').textContent);
  assert.equal(attributionCyrl, say('sr-Cyrl', 'attribution'), 'lang=sr-Cyrl');
  assert.equal(await policeFrame.evaluate(() => document.documentElement.lang), 'sr-Cyrl');
  await shot(page, 'police-sr-cyrl');

  // --- the snippet on the camera page -------------------------------------------------------------
  await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sightline });
  const cameraPage = await newPage();
  await cameraPage.goto(`${base}/camera/${fixedId}`);
  await cameraPage.waitForSelector('#camera-embed-code');
  const snippet = await cameraPage.inputValue('#camera-embed-code');
  log(`snippet: ${snippet}`);
  const [, src] = /^<iframe src="([^"]+)" width="\d+" height="\d+" [^>]*title="[^"]+"><\/iframe>$/.exec(snippet) || [];
  assert.ok(src, `an <iframe> with a src and a title: ${snippet}`);
  const [lon, lat] = cameras.find((f) => f.properties.id === fixedId).geometry.coordinates;
  assert.equal(src, `${sightline}/embed#17/${Number(lat.toFixed(5))}/${Number(lon.toFixed(5))}`);
  await cameraPage.click('#camera-embed-copy');
  await cameraPage.waitForFunction((text) => document.querySelector('#camera-embed-status').textContent === text, say('en', 'embed.copied'));
  assert.equal(await cameraPage.evaluate(() => navigator.clipboard.readText()), snippet, 'Copy puts the snippet on the clipboard');
  await shot(cameraPage, 'camera-snippet');
  await cameraPage.close();

  // The snippet pasted into the other site's page shows the camera.
  pages['/pasted'] = article(snippet);
  await page.goto(`${site.origin}/pasted`);
  await page.frameLocator('iframe').locator('.maplibregl-canvas').waitFor({ timeout: 30000 });
  const pastedFrame = page.frames().find((f) => f.url().startsWith(`${sightline}/embed`));
  await waitForFrameMap(pastedFrame);
  assert.ok((await renderedCameras(pastedFrame)).some((c) => c.id === fixedId), 'the pasted snippet shows the camera');

  // --- requests: the other site and the Sightline server only; no cookie from the embed -----------
  const elsewhere = requestsElsewhere(requests, sightline).filter((u) => !u.startsWith(site.origin + '/'));
  log(`${requests.length} requests, ${elsewhere.length} elsewhere, ${embedRequests.length} from the embed`);
  assert.deepEqual(elsewhere, [], 'requests to other hosts');
  assert.ok(embedRequests.length > 5, 'the embed made requests');
  const withCookie = [];
  for (const r of embedRequests) if ((await r.allHeaders()).cookie) withCookie.push(r.url());
  assert.deepEqual(withCookie, [], 'no embed request carried a cookie');
  for (const r of responses) assert.equal((await r.allHeaders())['set-cookie'], undefined, `no cookie set by ${r.url()}`);
  assert.deepEqual(pageErrors, [], 'uncaught page errors');
  log('PASS');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  site?.server.close();
  await tearDown({ browsers: [browser], server, work });
}
