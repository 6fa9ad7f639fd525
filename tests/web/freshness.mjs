// Freshness (issue 14) in Debian's headless Chromium against the real `sightline serve` (no
// map import needed: cameras from `sightline import-csv`), on a 360x740 phone:
//   - a camera nobody confirmed says "not confirmed for over a year" on its page and is drawn
//     faded on the map (stale=true in the tile, the layer's opacity expression);
//   - "Still there" on its page updates "Last confirmed there" to this hour and the warning goes;
//   - "Gone" with a photo on another camera says a moderator will look; in the moderation view it
//     is listed under "Reported gone" with the (scrubbed) photo, and accepting it takes the
//     camera off the map (status removed);
//   - the re-check list lists the cameras least recently confirmed first;
//   - the same page in Serbian Cyrillic has the new words in Cyrillic;
//   - nothing is wider than the phone, every request went to the test server, no page errors.
//
//   node tests/web/freshness.mjs --binary build/sightline --web build/web [--artifacts DIR]
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium is missing, unless CI=true.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { browserTest, launchChromium, requestsElsewhere, sayFrom, screenshots, startServer, tearDown } from './harness.mjs';

const { repo, chromium, binary, webDir, artifacts, work, dataDir, catalogue, log, run } = browserTest('freshness');
const say = sayFrom(catalogue);
const password = 'correct horse battery';
const phoneSize = { width: 360, height: 740 };
const shot = screenshots(artifacts, 'freshness-', log);

let server = null;
let browser = null;
try {
  // One camera vouched for now (verified at import), two only reported (never confirmed: stale).
  const csv = (rows) => {
    const file = path.join(work, `cameras-${rows.length}-${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(file, 'lat,lon,camera_type\n' + rows.join('\n') + '\n');
    return file;
  };
  run(['import-csv', csv(['44.81500,20.45900,dome']), '--data', dataDir, '--tag', 'camera:type=camera_type']);
  run(['import-csv', csv(['44.81520,20.45930,fixed', '44.81540,20.45960,dome']), '--data', dataDir,
    '--tag', 'camera:type=camera_type', '--status', 'reported']);
  run(['user', 'add', 'mod', '--role', 'moderator', '--password-stdin', '--data', dataDir], password + '\n');
  server = await startServer(binary, dataDir, ['--report-rate', '0', '--web', webDir]);
  const base = server.url;
  const origin = new URL(base).origin;
  log(`server ${base}`);
  const api = (p) => fetch(base + p).then((r) => r.json());
  const all = (await api('/api/v1/cameras?bbox=20.45,44.81,20.47,44.82')).features;
  const byLat = (lat) => all.find((f) => Math.abs(f.geometry.coordinates[1] - lat) < 1e-6).id;
  const fresh = byLat(44.815);
  const stale = byLat(44.8152);
  const doomed = byLat(44.8154);

  browser = await launchChromium(chromium, path.join(work, 'chromium-profile'));
  const requests = [];
  const pageErrors = [];
  browser.on('request', (r) => requests.push(r.url()));
  const page = await browser.newPage();
  await page.setViewportSize(phoneSize);
  page.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
  page.on('console', (m) => { if (m.type() === 'error') log(`console: ${m.text()}`); });
  const noWiderThanThePhone = async (what) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= phoneSize.width, `${what}: the page is ${width} px wide on a ${phoneSize.width} px phone`);
  };

  // --- the map draws the never-confirmed cameras faded ----------------------------------------
  await page.goto(`${base}/#18/44.81520/20.45930`);
  await page.waitForFunction(() => window.sightlineMap && window.sightlineMap.isStyleLoaded()
    && window.sightlineMap.isSourceLoaded('sightline'), null, { timeout: 30000 });
  await page.evaluate(() => new Promise((resolve) => { window.sightlineMap.once('idle', resolve); window.sightlineMap.triggerRepaint(); }));
  const drawn = await page.evaluate(() => window.sightlineMap.queryRenderedFeatures({ layers: ['cameras'] })
    .map((f) => ({ id: f.properties.id, stale: f.properties.stale === true })));
  log(`drawn: ${JSON.stringify(drawn)}`);
  const staleIds = [...new Set(drawn.filter((f) => f.stale).map((f) => f.id))].sort();
  assert.deepEqual(staleIds, [stale, doomed].sort(), 'the tiles mark exactly the never-confirmed cameras stale');
  assert.ok(drawn.some((f) => f.id === fresh && !f.stale), 'the confirmed camera is drawn and not stale');
  const opacity = await page.evaluate(() => window.sightlineMap.getPaintProperty('cameras', 'circle-opacity'));
  assert.equal(JSON.stringify(opacity), JSON.stringify(['case', ['==', ['get', 'stale'], true], 0.35, 1]), 'stale cameras faded');
  await shot(page, 'map-faded');

  // --- "Still there" on a stale camera's page --------------------------------------------------
  await page.goto(`${base}/camera/${stale}`);
  await page.waitForSelector('#last-confirmed');
  assert.equal(await page.textContent('#last-confirmed'), `${say('en', 'camera.not_yet')} · ${say('en', 'camera.stale.year')}`);
  await noWiderThanThePhone('camera page');
  for (const id of ['#check-present', '#check-gone']) {
    const b = await page.$(id).then((el) => el.boundingBox());
    assert.ok(b && b.x >= 0 && b.x + b.width <= phoneSize.width && b.height >= 32, `${id} is on the phone's screen and tappable: ${JSON.stringify(b)}`);
  }
  await shot(page, 'camera-stale');
  const answered = page.waitForResponse((r) => r.url().endsWith(`/api/v1/cameras/${stale}/checks`));
  await page.click('#check-present');
  assert.equal((await answered).status(), 201);
  await page.waitForSelector(`#check .status:has-text("${say('en', 'check.thanks.present')}")`);
  const confirmed = await page.textContent('#last-confirmed');
  log(`last confirmed: ${confirmed}`);
  assert.match(confirmed, /^\d{4}-\d{2}-\d{2} \d{2}:00 UTC$/, 'this hour, and the warning is gone');
  const after = await api(`/api/v1/cameras/${stale}`);
  assert.equal(after.properties.stale, false);
  assert.equal(after.properties.history.at(-1).action, 'confirmed_present');
  await shot(page, 'camera-confirmed');

  // --- "Gone" on another camera, then a moderator accepts it -----------------------------------
  await page.goto(`${base}/camera/${doomed}`);
  await page.waitForSelector('#check-gone');
  await page.fill('#check-note', 'the pole is empty');
  await page.setInputFiles('#check-photo', path.join(repo, 'tests/fixtures/api/street.jpg'));
  const goneAnswer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/cameras/${doomed}/checks`));
  await page.click('#check-gone');
  assert.equal((await goneAnswer).status(), 202);
  await page.waitForSelector(`#check .status:has-text("${say('en', 'check.thanks.gone')}")`);
  assert.equal((await api(`/api/v1/cameras/${doomed}`)).properties.status, 'reported', 'nothing changes before review');

  await page.goto(`${base}/moderation`);
  await page.fill('#username', 'mod');
  await page.fill('#password', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#gone-checks li[data-check]');
  const goneText = await page.textContent('#gone-checks li[data-check]');
  assert.ok(goneText.includes(say('en', 'camera.title', { id: doomed })) && goneText.includes('the pole is empty'), goneText);
  // The photo came along, scrubbed, and the moderator sees it.
  await page.waitForFunction(() => { const img = document.querySelector('#gone-checks li[data-check] .photos img');
    return img && img.complete && img.naturalWidth > 0; }, null, { timeout: 15000 });
  await page.waitForSelector('#recheck-list li a');
  const recheckIds = await page.$$eval('#recheck-list li a', (as) => as.map((a) => Number(a.getAttribute('href').split('/').pop())));
  log(`re-check order: ${recheckIds}`);
  assert.deepEqual(recheckIds, [doomed, stale, fresh], 'never confirmed, then this hour, then the import time');
  await noWiderThanThePhone('moderation');
  await shot(page, 'moderation-gone');
  const accepted = page.waitForResponse((r) => r.url().includes('/api/v1/moderation/checks/') && r.url().endsWith('/accept'));
  await page.click('#gone-checks .gone-accept');
  assert.equal((await accepted).status(), 200);
  await page.waitForSelector(`#gone-checks li:has-text("${say('en', 'mod.gone.empty')}")`);
  assert.equal((await api(`/api/v1/cameras/${doomed}`)).properties.status, 'removed');

  // --- the same in Serbian Cyrillic ------------------------------------------------------------
  await page.evaluate(() => localStorage.setItem('sightline.language', 'sr-Cyrl'));
  await page.goto(`${base}/camera/${fresh}`);
  await page.waitForSelector('#check-present');
  for (const [selector, key] of [['#check-present', 'check.present'], ['#check-gone', 'check.gone'], ['#check h2', 'check.title']]) {
    const text = (await page.textContent(selector)).trim();
    assert.equal(text, say('sr-Cyrl', key));
    assert.doesNotMatch(text, /[A-Za-z]/, `${selector} is in Cyrillic: ${text}`);
  }
  await noWiderThanThePhone('camera page in Cyrillic');
  await shot(page, 'camera-cyrillic');
  const removedPage = await browser.newPage();
  await removedPage.goto(`${base}/camera/${doomed}`);
  await removedPage.waitForSelector('.facts');
  assert.equal(await removedPage.$('#check'), null, 'a removed camera cannot be checked');
  await removedPage.close();

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
