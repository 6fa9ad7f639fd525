// The web app as people first meet it, in Debian's headless Chromium (playwright-core from web/'s
// devDependencies; no browser is ever downloaded), against the real `sightline serve` on a fresh
// data folder holding tests/fixtures/osm/search.osm plus 55 cameras the test adds to it:
//   - "Download GPX" shows only while a route is shown: hidden before any route, shown with the
//     route's GPX link after one, hidden again after a route error (a 422) and after an answer
//     without routes;
//   - editing the URL hash to #z/lat/lon moves the open map there (the same map, the search text
//     kept), instead of drawing the page again;
//   - photos are checked when picked: a text file named .jpg, a file over 20 MiB and a fifth photo
//     are refused with the reason beside the picker (English and Serbian Cyrillic), JPEG, PNG,
//     WebP and HEIC headers are taken; a photo with a good header that the server cannot read is
//     named as the problem (not the server), and the "send without photos" button after the
//     refused upload says so in words (never "(−Photos)");
//   - keyboard: the "Cameras in view" list (50 links, "and 5 more"; it follows the map) opens a
//     camera page without a mouse; the map canvas has a visible focus ring; on the report map
//     Enter or Space puts the pin at the map's centre;
//   - every request went to the test server, no page errors.
//
//   node tests/web/usability.mjs --binary build/sightline --web build/web [--artifacts DIR]
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium is missing, unless CI=true.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { browserTest, launchChromium, requestsElsewhere, runCli, sayFrom, screenshots, startServer, tearDown } from './harness.mjs';

const { repo, chromium, binary, webDir, artifacts, work, dataDir, catalogue, log } = browserTest('usability');

const fixture = path.join(repo, 'tests/fixtures/osm/search.osm');
const say = sayFrom(catalogue);

const shot = screenshots(artifacts, 'usability-', log);

async function waitForMap(page, name = 'sightlineMap') {
  await page.waitForFunction((n) => window[n] && window[n].isStyleLoaded(), name, { timeout: 30000 });
  await page.evaluate((n) => new Promise((resolve) => { window[n].once('idle', resolve); window[n].triggerRepaint(); }), name);
}

/// search.osm with 55 cameras in a 11 x 5 grid around Knez Mihailova (44.8150-44.8158, 20.4580-20.4600).
function fixtureWithCameras() {
  const nodes = [];
  for (let i = 0; i < 55; i++) {
    const lat = (44.8150 + Math.floor(i / 11) * 0.0002).toFixed(6);
    const lon = (20.4580 + (i % 11) * 0.0002).toFixed(6);
    nodes.push(`  <node id="${900000 + i}" version="1" lat="${lat}" lon="${lon}">
    <tag k="man_made" v="surveillance"/>
    <tag k="surveillance:type" v="camera"/>
    <tag k="camera:type" v="fixed"/>
  </node>`);
  }
  const file = path.join(work, 'usability.osm');
  writeFileSync(file, readFileSync(fixture, 'utf8').replace('</osm>', nodes.join('\n') + '\n</osm>'));
  return file;
}

// Photo headers as the browser would read them from the first bytes of a file.
const pad = (bytes, size = 64) => Buffer.concat([Buffer.from(bytes), Buffer.alloc(Math.max(0, size - bytes.length))]);
const jpegHead = [0xff, 0xd8, 0xff, 0xe0];
const pngHead = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const webpHead = [...Buffer.from('RIFF'), 0x24, 0, 0, 0, ...Buffer.from('WEBPVP8 ')];
const heicHead = [0, 0, 0, 0x18, ...Buffer.from('ftypheic'), 0, 0, 0, 0, ...Buffer.from('mif1heic')];
const maxPhotoBytes = 20 * 1024 * 1024;  // the server's limit (src/http/endpoints/photo_endpoints.hpp)

/// The report form's photo state: thumbnails and the message beside the picker.
function photoState(page) {
  return page.evaluate(() => ({
    thumbs: [...document.querySelectorAll('.thumbs img')].map((i) => i.alt),
    error: document.querySelector('#report-photos-error')?.textContent ?? null,
    errorNextToPicker: !!document.querySelector('#report-photos')?.closest('section')?.querySelector('#report-photos-error'),
    describedBy: document.querySelector('#report-photos')?.getAttribute('aria-describedby'),
  }));
}

let server = null;
let browser = null;
try {
  log(`importing ${fixture} with 55 cameras`);
  runCli(binary, ['import', fixtureWithCameras(), '--data', dataDir, '--quiet']);
  server = await startServer(binary, dataDir, ['--report-rate', '0', '--web', webDir]);
  const base = server.url;
  const origin = new URL(base).origin;
  log(`server ${base}`);

  browser = await launchChromium(chromium, path.join(work, 'chromium-profile'));
  const requests = [];
  const pageErrors = [];
  browser.on('request', (r) => requests.push(r.url()));
  async function newPage(viewport = { width: 1280, height: 800 }) {
    const page = await browser.newPage();
    await page.setViewportSize(viewport);
    page.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
    page.on('console', (m) => { if (m.type() === 'error') log(`console: ${m.text()}`); });
    return page;
  }
  // Each finding is checked on its own page, so one failure does not hide the others.
  const failures = [];
  async function check(name, fn) {
    const page = await newPage();
    try {
      await fn(page);
      log(`ok: ${name}`);
    } catch (e) {
      failures.push(name);
      log(`FAILED: ${name}\n${e.stack}`);
      await shot(page, 'failed').catch(() => {});
    } finally {
      await page.close();
    }
  }

  // --- 1. "Download GPX" only while a route is shown -----------------------------------------
  await check('1. GPX button only with a route', async (page) => {
    await page.goto(`${base}/#15/44.8160/20.4590`);
    await waitForMap(page);
    await page.click('#route-toggle');
    await page.waitForSelector('#route-panel:not([hidden])');
    assert.equal(await page.isVisible('#route-gpx'), false, 'no GPX button before any route');
    await page.fill('#route-from', '44.815000,20.459000');
    await page.fill('#route-to', '44.816400,20.458200');
    await page.click('#route-find');
    await page.waitForSelector('#route-list .route-alt', { timeout: 60000 });
    assert.equal(await page.isVisible('#route-gpx'), true, 'the GPX button shows with a route');
    assert.match(await page.getAttribute('#route-gpx', 'href'), /[?&]format=gpx(&|$)/);
    await page.fill('#route-to', '48.100000,11.500000');  // no street within 1000 m: 422
    const failed = page.waitForResponse((r) => r.url().includes('/api/v1/route?') && r.url().includes('48.1'));
    await page.click('#route-find');
    assert.equal((await failed).status(), 422);
    await page.waitForFunction(() => document.querySelector('#route-status').dataset.kind === 'error');
    assert.equal(await page.isVisible('#route-gpx'), false, 'no GPX button after a route error');
    assert.equal(await page.getAttribute('#route-gpx', 'href'), null, 'and no GPX link');
    await shot(page, 'route-error-no-gpx');
    // An answer without routes (a server that finds none) has nothing to download either.
    await page.route((url) => url.pathname === '/api/v1/route', (route) => route.fulfill({ status: 200, contentType: 'application/json',
      body: JSON.stringify({ level: 'observe', max_detour: 1.5, avoids_cameras: true, message: '', routes: [] }) }));
    await page.fill('#route-to', '44.816400,20.458200');
    await page.click('#route-find');
    await page.waitForFunction((text) => document.querySelector('#route-status').textContent === text, say('en', 'route.none'));
    assert.equal(await page.isVisible('#route-gpx'), false, 'no GPX button for an answer without routes');
    await page.unroute((url) => url.pathname === '/api/v1/route');
  });

  // --- 2. editing the hash moves the open map ---------------------------------------------------
  await check('2. a hash edit moves the map', async (page) => {
    await page.goto(`${base}/#15/44.8160/20.4590`);
    await waitForMap(page);
    await page.fill('#search', 'kept text');
    await page.evaluate(() => { window.mapBeforeHash = window.sightlineMap; });
    await page.evaluate(() => { location.hash = '#17/44.8135/20.4614'; });
    await page.waitForFunction(() => {
      const m = window.sightlineMap;
      return m && !m.isMoving() && Math.abs(m.getZoom() - 17) < 0.01 && Math.abs(m.getCenter().lat - 44.8135) < 1e-4;
    }, null, { timeout: 15000 });
    const afterHash = await page.evaluate(() => ({ same: window.sightlineMap === window.mapBeforeHash,
      lon: window.sightlineMap.getCenter().lng, search: document.querySelector('#search').value, path: location.pathname }));
    assert.ok(afterHash.same, 'the map is moved, not drawn again');
    assert.ok(Math.abs(afterHash.lon - 20.4614) < 1e-4, `centre ${afterHash.lon}`);
    assert.equal(afterHash.search, 'kept text', 'the page was not reset');
    assert.equal(afterHash.path, '/');
  });

  // --- 4a. cameras in view -------------------------------------------------------------------
  await check('4a. cameras in view, opened with the keyboard', async (page) => {
    await page.goto(`${base}/#17/44.8154/20.4590`);
    await waitForMap(page);
    // The whole grid is in view at zoom 17 on 1280x800.
    const summary = page.locator('#cameras-in-view > summary');
    assert.equal(await summary.textContent(), say('en', 'map.inview'));
    await summary.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#cameras-in-view-list a', { timeout: 15000 });
    await page.waitForFunction(() => document.querySelectorAll('#cameras-in-view-list a').length === 50);
    const inView = await page.evaluate(() => ({
      links: [...document.querySelectorAll('#cameras-in-view-list a')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent })),
      more: document.querySelector('#cameras-in-view-more').textContent,
    }));
    log(`cameras in view: ${inView.links.length} links, "${inView.more}"`);
    assert.ok(inView.links.every((l) => /^\/camera\/\d+$/.test(l.href)), 'each a link to its camera page');
    assert.equal(new Set(inView.links.map((l) => l.href)).size, 50);
    assert.equal(inView.more, say('en', 'map.inview.more', { count: 5 }));
    await shot(page, 'cameras-in-view');
    // It follows the map: nothing in view far away.
    await page.evaluate(() => window.sightlineMap.jumpTo({ center: [20.4450, 44.8050], zoom: 18 }));
    await page.waitForFunction((text) => document.querySelector('#cameras-in-view-more').textContent === text,
      say('en', 'map.inview.none'), { timeout: 15000 });
    assert.equal(await page.locator('#cameras-in-view-list a').count(), 0);
    await page.evaluate(() => window.sightlineMap.jumpTo({ center: [20.4590, 44.8154], zoom: 17 }));
    await page.waitForFunction(() => document.querySelectorAll('#cameras-in-view-list a').length === 50, null, { timeout: 15000 });

    // It shows what the map shows: the Type and Status filters apply (the grid is all fixed
    // cameras imported from OpenStreetMap, so reported).
    await page.selectOption('#filter-kind', 'dome');
    await page.waitForFunction((text) => document.querySelector('#cameras-in-view-more').textContent === text,
      say('en', 'map.inview.none'), { timeout: 15000 });
    await page.selectOption('#filter-kind', 'fixed');
    await page.waitForFunction(() => document.querySelectorAll('#cameras-in-view-list a').length === 50, null, { timeout: 15000 });
    await page.selectOption('#filter-status', 'verified');
    await page.waitForFunction((text) => document.querySelector('#cameras-in-view-more').textContent === text,
      say('en', 'map.inview.none'), { timeout: 15000 });
    await page.selectOption('#filter-status', 'reported');
    await page.waitForFunction(() => document.querySelectorAll('#cameras-in-view-list a').length === 50, null, { timeout: 15000 });
    await page.selectOption('#filter-kind', '');
    await page.selectOption('#filter-status', '');

    // A keyboard user opens a camera from the list: Tab to the first link, Enter.
    await page.focus('#cameras-in-view > summary');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement.getAttribute('href'));
    assert.equal(focused, inView.links[0].href, 'Tab goes from the summary to the first camera');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}${inView.links[0].href}`);
    await page.waitForSelector('#main h1');
    log(`opened ${inView.links[0].href} with the keyboard`);
  });

  // --- 4b. the map's focus ring ---------------------------------------------------------------
  await check('4b. a focus ring on the map', async (page) => {
    await page.goto(`${base}/#17/44.8154/20.4590`);
    await waitForMap(page);
    // The map canvas is reached with Tab and shows a focus ring inside the map's box (the map
    // clips what is outside it).
    await page.focus('#search');
    let ring = null;
    for (let i = 0; i < 40 && !ring; i++) {
      await page.keyboard.press('Shift+Tab');
      ring = await page.evaluate(() => {
        const c = document.activeElement;
        if (!c?.classList.contains('maplibregl-canvas')) return null;
        const s = getComputedStyle(c);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), offset: parseFloat(s.outlineOffset), colour: s.outlineColor,
          focusVisible: c.matches(':focus-visible') };
      });
    }
    log(`map focus ring: ${JSON.stringify(ring)}`);
    assert.ok(ring, 'the map canvas is reached with the keyboard');
    assert.ok(ring.focusVisible);
    assert.notEqual(ring.style, 'none', 'the focused map shows an outline');
    assert.ok(ring.width >= 2, `outline width ${ring.width}`);
    assert.ok(ring.offset <= -ring.width, `the outline is inside the map (offset ${ring.offset})`);
    await shot(page, 'map-focus-ring');
  });

  // --- 3. photos checked when picked ----------------------------------------------------------
  await check('3a. photos checked when picked', async (page) => {
    await page.goto(`${base}/report`);
    await waitForMap(page, 'sightlineReportMap');
    await page.setInputFiles('#report-photos', [{ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('Just some text, not a photo at all.\n') }]);
    await page.waitForFunction(() => document.querySelector('#report-photos-error')?.textContent);
    let photos = await photoState(page);
    log(`text file: ${JSON.stringify(photos)}`);
    assert.deepEqual(photos.thumbs, [], 'a text file is not added');
    assert.equal(photos.error, say('en', 'report.photos.nottype', { name: 'notes.jpg' }));
    assert.ok(photos.errorNextToPicker, 'the reason is shown beside the picker');
    assert.equal(photos.describedBy, 'report-photos-error', 'and the picker is described by it');
    assert.ok(!requests.some((u) => u.includes('/api/v1/photos/inspect')), 'a refused file is not sent');

    await page.setInputFiles('#report-photos', [
      { name: 'big.jpg', mimeType: 'image/jpeg', buffer: pad(jpegHead, maxPhotoBytes + 1) },
      { name: 'a.png', mimeType: 'image/png', buffer: pad(pngHead) },
      { name: 'b.webp', mimeType: 'image/webp', buffer: pad(webpHead) },
    ]);
    await page.waitForFunction(() => document.querySelectorAll('.thumbs img').length === 2);
    photos = await photoState(page);
    log(`big + png + webp: ${JSON.stringify(photos)}`);
    assert.deepEqual(photos.thumbs, ['a.png', 'b.webp']);
    assert.equal(photos.error, say('en', 'report.photos.toolarge', { name: 'big.jpg', mb: 20 }));
    await page.setInputFiles('#report-photos', [
      { name: 'c.heic', mimeType: 'image/heic', buffer: pad(heicHead) },
      { name: 'd.jpg', mimeType: 'image/jpeg', buffer: pad(jpegHead) },
      { name: 'e.jpg', mimeType: 'image/jpeg', buffer: pad(jpegHead) },
    ]);
    await page.waitForFunction(() => document.querySelectorAll('.thumbs img').length === 4);
    photos = await photoState(page);
    assert.deepEqual(photos.thumbs, ['a.png', 'b.webp', 'c.heic', 'd.jpg'], 'at most 4 photos');
    assert.equal(photos.error, say('en', 'report.photos.toomany'));
    await shot(page, 'photos-checked');

    // The same reason in Serbian Cyrillic.
    await page.selectOption('#language', 'sr-Cyrl');
    await waitForMap(page, 'sightlineReportMap');
    await page.click('.thumbs li:first-child button');
    await page.setInputFiles('#report-photos', [{ name: 'beleške.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('%PDF-1.7\n') }]);
    await page.waitForFunction(() => document.querySelector('#report-photos-error')?.textContent.includes('beleške'));
    assert.equal((await photoState(page)).error, say('sr-Cyrl', 'report.photos.nottype', { name: 'beleške.jpg' }));
    await shot(page, 'photos-sr-cyrl');
  });

  // A photo the browser takes but the server cannot read: the report can go without photos,
  // and the button says so in words.
  await check('3b. "send without photos" in words', async (page) => {
    await page.goto(`${base}/report`);
    await waitForMap(page, 'sightlineReportMap');
    await page.selectOption('#language', 'en');
    await waitForMap(page, 'sightlineReportMap');
    await page.setInputFiles('#report-photos', [{ name: 'd.jpg', mimeType: 'image/jpeg', buffer: pad(jpegHead) }]);
    await page.waitForFunction(() => document.querySelector('#photo-status').dataset.done);
    // The server cannot read it: the message is about this file, not about the server.
    assert.equal(await page.textContent('#photo-status'), say('en', 'report.photos.unreadable', { name: 'd.jpg' }));
    await page.fill('#report-lat', '44.8135');
    await page.fill('#report-lon', '20.4614');
    await page.press('#report-lon', 'Tab');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/reports') && r.request().method() === 'POST');
    await page.click('#report-submit');
    const refusedStatus = (await refused).status();
    log(`headers only: POST /api/v1/reports -> ${refusedStatus}`);
    assert.ok(refusedStatus >= 400, 'the server refuses photos that are only headers');
    await page.waitForSelector('#submit-without-photos');
    const without = await page.textContent('#submit-without-photos');
    log(`submit without photos: "${without}"`);
    assert.equal(without, say('en', 'report.submit.nophotos'));
    assert.ok(!/\(|−/.test(without), 'no "(−Photos)" form');
    await page.click('#submit-without-photos');
    await page.waitForSelector('#report-done');
  });

  // --- 4c. the report map: Enter or Space puts the pin at the centre --------------------------
  await check('4c. Enter or Space places the report pin', async (page) => {
    await page.goto(`${base}/report`);
    await waitForMap(page, 'sightlineReportMap');
    const pinAtCentre = async (key) => {
      await page.focus('#report-map canvas');
      const before = await page.inputValue('#report-lon');
      await page.keyboard.press(key);
      await page.waitForFunction((b) => document.querySelector('#report-lon').value !== b, before, { timeout: 5000 });
      return page.evaluate(() => {
        const c = window.sightlineReportMap.getCenter();
        return { lat: Number(document.querySelector('#report-lat').value), lon: Number(document.querySelector('#report-lon').value),
          centre: [c.lat, c.lng] };
      });
    };
    let pin = await pinAtCentre('Enter');
    log(`Enter: pin ${pin.lat}, ${pin.lon}; centre ${pin.centre}`);
    assert.ok(Math.abs(pin.lat - pin.centre[0]) < 1e-6 && Math.abs(pin.lon - pin.centre[1]) < 1e-6, 'Enter puts the pin at the centre');
    // Move the map with the arrow keys, then Space.
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => !window.sightlineReportMap.isMoving());
    pin = await pinAtCentre('Space');
    assert.ok(Math.abs(pin.lat - pin.centre[0]) < 1e-6 && Math.abs(pin.lon - pin.centre[1]) < 1e-6, 'Space puts the pin at the new centre');
    assert.notEqual(pin.lon.toFixed(6), '11.575500', 'the centre moved with the arrow keys');
    assert.equal(await page.locator('#report-map .pin').count(), 1, 'one pin on the map');
    await shot(page, 'report-pin-by-keyboard');
  });

  // --- every request went to the test server -------------------------------------------------
  const foreign = requestsElsewhere(requests, origin);
  log(`${requests.length} requests, ${foreign.length} elsewhere`);
  assert.deepEqual(foreign, [], 'requests to other hosts');
  assert.deepEqual(pageErrors, [], 'uncaught page errors');
  assert.deepEqual(failures, [], 'failed checks');
  log('PASS');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await tearDown({ browsers: [browser], server, work });
}
