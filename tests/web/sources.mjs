// End-to-end test of an official list against the crowd's map (issue 14) in Debian's headless
// Chromium, against the real `sightline serve` on a fresh data folder holding
// tests/fixtures/osm/basic.osm (two OpenStreetMap cameras) and a list imported with
// `sightline import-list` (tests/fixtures/csv/official_list_coordinates.csv):
//   - the "Official lists" toggle beside the legend draws the comparison's layers on the map
//     (one entry on both, one only on the list, one camera only the crowd's) and says the counts,
//     in English and Serbian Cyrillic;
//   - the camera the list names says so on its page ("Known from": OpenStreetMap and the list);
//   - every request went to the test server, no page errors.
//
//   node tests/web/sources.mjs --binary build/sightline --web build/web [--artifacts DIR]
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium is missing, unless CI=true.

import path from 'node:path';
import assert from 'node:assert/strict';
import { browserTest, launchChromium, requestsElsewhere, sayFrom, screenshots, startServer, tearDown } from './harness.mjs';

const { repo, chromium, binary, webDir, artifacts, work, dataDir, catalogue, log, run } = browserTest('sources');
const say = sayFrom(catalogue);
const shot = screenshots(artifacts, 'sources-', log);

let server = null;
let browser = null;
try {
  run(['import', path.join(repo, 'tests/fixtures/osm/basic.osm'), '--quiet', '--data', dataDir]);
  run(['import-list', path.join(repo, 'tests/fixtures/csv/official_list_coordinates.csv'), '--source', 'Police list 2021', '--data', dataDir]);
  server = await startServer(binary, dataDir, ['--web', webDir]);
  const origin = new URL(server.url).origin;
  browser = await launchChromium(chromium, path.join(work, 'profile'), { viewport: { width: 1280, height: 900 } });
  const page = browser.pages()[0] || await browser.newPage();
  const errors = [];
  const requests = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));

  for (const lang of ['en', 'sr-Cyrl']) {
    await page.goto(`${server.url}/`);
    await page.evaluate((l) => localStorage.setItem('sightline.language', l), lang);
    await page.goto(`${server.url}/#13/48.03/11.03`);
    await page.reload();  // the hash alone would not load the page again in the new language
    await page.waitForFunction(() => window.sightlineMap && window.sightlineMap.isStyleLoaded(), null, { timeout: 30000 });
    await page.waitForSelector('#list-section:not([hidden])', { timeout: 15000 });
    assert.equal(await page.textContent('#list-section summary'), say(lang, 'map.lists'));
    const answer = page.waitForResponse((r) => r.url().includes('/api/v1/sources/1/comparison'));
    await page.check('#list-compare');
    assert.equal((await answer).status(), 200);
    const counts = say(lang, 'map.lists.counts', { both: 1, only_list: 1, only_crowd: 1, ambiguous: 0 });
    await page.waitForFunction((text) => document.getElementById('list-counts').textContent === text, counts, { timeout: 15000 });
    // The map went to the list's area; every layer with a feature there is drawn.
    await page.evaluate(() => new Promise((resolve) => { window.sightlineMap.once('idle', resolve); window.sightlineMap.triggerRepaint(); }));
    const drawn = await page.evaluate(() => [...new Set(window.sightlineMap
      .queryRenderedFeatures({ layers: ['list-comparison'] }).map((f) => f.properties.layer))].sort());
    assert.deepEqual(drawn, ['both', 'only_crowd', 'only_list'], `layers drawn in ${lang}`);
    await shot(page, `map-${lang}`);
    // Off again: nothing drawn.
    await page.uncheck('#list-compare');
    await page.waitForFunction(() => window.sightlineMap.querySourceFeatures('list-comparison').length === 0, null, { timeout: 15000 });
  }

  // The OSM node the list names: its page says both.
  await page.evaluate(() => localStorage.setItem('sightline.language', 'en'));
  const node = JSON.parse(run(['export', 'geojson', '--data', dataDir])).features
    .find((f) => f.properties.osm?.type === 'node');
  await page.goto(`${server.url}/camera/${node.properties.id}`);
  await page.waitForSelector('#camera-sources li', { timeout: 15000 });
  const sources = await page.$$eval('#camera-sources li', (items) => items.map((li) => li.textContent));
  assert.equal(sources.length, 2, JSON.stringify(sources));
  assert.ok(sources[0].startsWith(say('en', 'source.kind.osm')) && sources[0].includes(`${say('en', 'osm.node')} 1`), sources[0]);
  assert.ok(sources[1].startsWith(say('en', 'source.kind.list')) && sources[1].includes('Police list 2021'), sources[1]);
  await shot(page, 'camera');

  assert.deepEqual(errors, [], 'page errors');
  assert.deepEqual(requestsElsewhere(requests, origin), [], 'requests to other hosts');
  log('OK');
} finally {
  await tearDown({ browsers: [browser], server, work });
}
