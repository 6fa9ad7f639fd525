// End-to-end test of the web app as people first meet it, in Debian's headless Chromium
// (playwright-core from web/'s devDependencies; no browser is ever downloaded), against the real
// `sightline serve` on a fresh data folder holding tests/fixtures/osm/search.osm, cameras added
// with `sightline import-csv` (types "camera", "unknown" and "panning", operators "police" and
// "private") and one accepted report:
//   - Serbian Cyrillic everywhere: the map with its legend and filters open, a camera page with
//     its history, the route panel after a route error, a wrong password, moderation and the
//     statistics show no Latin-script word in their text, tooltips, labels or placeholders
//     (MapLibre's controls too) except an allow-list: acronyms, brand and data names, units,
//     URLs; the offending words are printed. The route error and the wrong password are the
//     catalogue's sentences for that context; in English the route error adds the server's words;
//   - the legend and the Type filter cover every type the map draws: each drawn type's colour has
//     a legend entry, the filter option of that entry's name shows exactly the types drawn in
//     that colour ("other or unknown": "camera" and "unknown"), and the type colours are apart
//     from each other and from the viewshed shading, also as people with protanopia or
//     deuteranopia see them (CIE76 distance after the Machado et al. 2009 simulation).
//
//   node tests/web/language.mjs --binary build/sightline --web build/web [--artifacts DIR]
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium is missing, unless CI=true.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { browserTest, launchChromium, requestsElsewhere, sayFrom, screenshots, startServer as startServerAt, tearDown } from './harness.mjs';
import { distance, sameColour, visions } from './colours.mjs';

const { repo, chromium, binary, webDir, artifacts, work, dataDir, catalogue, log, run } = browserTest('language');

const fixture = path.join(repo, 'tests/fixtures/osm/search.osm');
const password = 'correct horse battery';
const say = sayFrom(catalogue);

// Latin words a Serbian page may show: acronyms (OSM, GPX, CSV, UTC, ALPR, ...), units, brand
// names, the language picker's own names, and names that come from the data (added below).
const allowed = new Set(['m', 'km', 'km²', 's', 'MapLibre', 'OpenStreetMap', 'GeoJSON', 'Huawei', 'Sightline', 'English', 'Srpski',
  'GeoPackage', 'Google', 'Earth', 'Atom']);  // format and product names
const isAllowed = (word) => allowed.has(word) || /^[A-Z]{2,}$/.test(word);

const shot = screenshots(artifacts, 'language-', log, { fullPage: true });

async function waitForMap(page) {
  await page.waitForFunction(() => window.sightlineMap && window.sightlineMap.isStyleLoaded()
    && window.sightlineMap.isSourceLoaded('sightline'), null, { timeout: 30000 });
  await page.evaluate(() => new Promise((resolve) => { window.sightlineMap.once('idle', resolve); window.sightlineMap.triggerRepaint(); }));
}

/// Everything a reader gets from the page: visible text (screen-reader-only text too), the options
/// of the visible selects, and the title, aria-label, placeholder and alt of visible elements.
/// Code marked translate="no" (the embed's <iframe> snippet) is not prose and is left out.
function readableTexts(page) {
  return page.evaluate(() => {
    const shown = (el) => el.checkVisibility({ visibilityProperty: true });
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el || el.closest('script, style, select, [translate="no"]') || !shown(el)) continue;
      texts.push(n.textContent);
    }
    for (const select of document.querySelectorAll('select')) if (shown(select)) texts.push(...[...select.options].map((o) => o.text));
    for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
      if (!shown(el)) continue;
      for (const attr of ['title', 'aria-label', 'placeholder', 'alt']) if (el.getAttribute(attr)) texts.push(el.getAttribute(attr));
    }
    return texts;
  });
}

/// The Latin-script words of the page outside the allow-list; URLs and numbers are not words.
async function foreignWords(page, extra) {
  const words = new Set();
  for (const text of await readableTexts(page)) {
    const plain = text.replace(/\b(https?:\/\/|www\.)\S+/g, ' ');
    for (const [word] of plain.matchAll(/[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F][A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F²'’-]*/g))
      if (!isAllowed(word.replace(/[-'’]+$/, '')) && !extra.includes(word)) words.add(word);
  }
  return [...words];
}

const problems = [];
/// A finding to report at the end (the walk goes on, so that one run lists every finding).
function expect(ok, message) {
  if (!ok) { problems.push(message); log(`PROBLEM: ${message}`); }
}
/// Records (and prints) the Latin words of a view in Serbian Cyrillic; `extra` are allowed there.
async function checkCyrillic(page, view, extra = []) {
  const words = await foreignWords(page, extra);
  log(`${view}: ${words.length ? `Latin words: ${words.join(', ')}` : 'no Latin words'}`);
  if (words.length) problems.push(`${view}: ${words.join(', ')}`);
  await shot(page, view);
}

let server = null;
let browser = null;
try {
  log(`importing ${fixture} and cameras near Terazije`);
  run(['import', fixture, '--data', dataDir, '--quiet']);
  const cameras = [
    { at: '44.81370,20.46120', set: ['surveillance:type=camera', 'operator=private'] },
    { at: '44.81340,20.46170', set: [] },  // no type at all: "unknown"
    { at: '44.81320,20.46100', set: ['surveillance:type=camera', 'camera:type=panning', 'operator=police'] },
  ];
  cameras.forEach((c, i) => {
    const csv = path.join(work, `cameras-${i}.csv`);
    writeFileSync(csv, `lat,lon\n${c.at}\n`);
    run(['import-csv', csv, '--data', dataDir, ...c.set.flatMap((s) => ['--set', s])]);
    // The file's name is the cameras' source (camera page, "Known from"): a name from the data.
    for (const word of path.basename(csv).split(/[^A-Za-z]+/)) if (word) allowed.add(word);
  });
  // A camera mapped in OpenStreetMap, far from the rest (its own import leaves theirs alone): its
  // page must say it is reported and imported, not verified.
  const osmCamera = path.join(work, 'capetown.osm');
  writeFileSync(osmCamera, `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="language.mjs">
  <bounds minlat="-33.91" minlon="18.41" maxlat="-33.90" maxlon="18.42"/>
  <node id="900001" version="2" timestamp="2025-01-01T00:00:00Z" lat="-33.905" lon="18.415">
    <tag k="man_made" v="surveillance"/>
    <tag k="surveillance:type" v="camera"/>
  </node>
</osm>
`);
  run(['import', osmCamera, '--data', dataDir, '--quiet']);
  run(['user', 'add', 'mod', '--role', 'moderator', '--password-stdin', '--data', dataDir], password + '\n');
  allowed.add('mod');  // the moderator's user name
  server = await startServerAt(binary, dataDir, ['--report-rate', '0', '--web', webDir]);
  const base = server.url;
  const origin = new URL(base).origin;
  log(`server ${base}`);
  // Names that come from the data are proper names in any language.
  const stats = await (await fetch(`${base}/api/v1/stats`)).json();
  for (const area of stats.imported_areas || []) for (const word of area.name.split(/[^A-Za-z]+/)) if (word) allowed.add(word);
  const report = await (await fetch(`${base}/api/v1/reports`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ location: { lat: 44.81352, lon: 20.46141 }, tags: { 'camera:type': 'dome', 'camera:mount': 'wall', operator: 'police' } }) })).json();
  assert.ok(report.id, 'the report was taken');

  browser = await launchChromium(chromium, path.join(work, 'chromium-profile'), { locale: 'sr-Cyrl-RS' });
  const requests = [];
  const pageErrors = [];
  browser.on('request', (r) => requests.push(r.url()));
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
  page.on('console', (m) => { if (m.type() === 'error') log(`console: ${m.text()}`); });

  // --- the map, legend and filters open -----------------------------------------------------
  await page.goto(`${base}/#18/44.81345/20.46135`);
  await page.selectOption('#language', 'sr-Cyrl');
  await waitForMap(page);
  await page.evaluate(() => { for (const d of document.querySelectorAll('details.legend')) d.open = true; });
  await checkCyrillic(page, 'map');

  // --- every drawn type is in the legend and the Type filter ---------------------------------
  const drawn = await page.evaluate(() => {
    const map = window.sightlineMap;
    const expression = map.getPaintProperty('cameras', 'circle-color');
    const colourOf = (type) => {
      if (typeof expression === 'string') return expression;
      for (let i = 2; i < expression.length - 1; i += 2) {
        const labels = [].concat(expression[i]);
        if (labels.includes(type)) return expression[i + 1];
      }
      return expression[expression.length - 1];
    };
    const types = [...new Set(map.queryRenderedFeatures({ layers: ['cameras'] }).map((f) => f.properties.type))];
    return types.map((type) => ({ type, colour: colourOf(type) }));
  });
  log(`drawn: ${JSON.stringify(drawn)}`);
  for (const type of ['camera', 'unknown', 'panning']) assert.ok(drawn.some((d) => d.type === type), `a camera of type ${type} is drawn`);
  const legend = await page.$$eval('aside.panel > details.legend li', (items) => items.map((li) => {
    const swatch = li.querySelector('.swatch:not(.ring)');
    return swatch ? { label: li.textContent.trim(), colour: getComputedStyle(swatch).backgroundColor } : null;
  }).filter(Boolean));
  const options = await page.$$eval('#filter-kind option', (os) => os.map((o) => ({ value: o.value, label: o.textContent.trim() })));
  const typesOf = {};  // legend label -> drawn types in its colour
  for (const d of drawn) {
    const entry = legend.find((l) => sameColour(l.colour, d.colour));
    if (!entry) { problems.push(`type ${d.type} is drawn in ${d.colour}, which the legend does not show`); continue; }
    (typesOf[entry.label] ||= []).push(d.type);
  }
  log(`legend: ${JSON.stringify(typesOf)}`);
  for (const [label, types] of Object.entries(typesOf)) {
    const option = options.find((o) => o.label === label);
    if (!option) { problems.push(`the Type filter has no "${label}" (types ${types.join(', ')})`); continue; }
    await page.selectOption('#filter-kind', option.value);
    await waitForMap(page);
    const shown = await page.evaluate(() => [...new Set(window.sightlineMap.queryRenderedFeatures({ layers: ['cameras'] }).map((f) => f.properties.type))]);
    log(`filter "${label}": ${JSON.stringify(shown)}`);
    if (shown.sort().join() !== [...types].sort().join()) problems.push(`the filter "${label}" shows ${shown.join(', ') || 'nothing'}, not ${types.join(', ')}`);
  }
  if (Object.keys(typesOf).length) {
    await page.selectOption('#filter-kind', '');
    await waitForMap(page);
  }
  // The colours: each type apart from the others and from the shading, for three kinds of vision.
  const typeColours = legend.filter((l) => !/^[^:]+:/.test(l.label)).map((l) => l.colour);
  const shadeColours = await page.$$eval('aside.panel > details.legend li', (items) => items.filter((li) => li.textContent.includes(':'))
    .map((li) => getComputedStyle(li.querySelector('.swatch')).backgroundColor));
  assert.ok(typeColours.length >= 2 && shadeColours.length === 4, `legend colours: ${typeColours} / ${shadeColours}`);
  for (const [vision, matrix] of Object.entries(visions)) {
    for (const [i, a] of typeColours.entries()) {
      for (const b of typeColours.slice(i + 1))
        if (distance(a, b, matrix) < 15) problems.push(`${vision}: types ${a} and ${b} are too alike (ΔE ${distance(a, b, matrix).toFixed(1)})`);
      for (const s of shadeColours)
        if (distance(a, s, matrix) < 20) problems.push(`${vision}: type ${a} is too like the shading ${s} (ΔE ${distance(a, s, matrix).toFixed(1)})`);
    }
  }

  // --- the route panel after a route error -----------------------------------------------------
  async function routeError() {
    await page.click('#route-toggle');
    await page.waitForSelector('#route-panel:not([hidden])');
    await page.fill('#route-from', '44.70,20.30');
    await page.fill('#route-to', '44.8135,20.4614');
    await page.click('#route-find');
    await page.waitForFunction(() => document.querySelector('#route-status').dataset.kind === 'error', null, { timeout: 30000 });
    return page.textContent('#route-status');
  }
  const routeText = await routeError();
  log(`route error: ${routeText}`);
  expect(routeText === say('sr-Cyrl', 'error.route.unprocessable'), `the route error is not the catalogue's: ${routeText}`);
  await checkCyrillic(page, 'route-error');
  await page.selectOption('#language', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.click('#route-clear');
  await page.click('#route-toggle');
  const english = await routeError();
  log(`route error in English: ${english}`);
  expect(/no walkable street within 1000 m of the start/.test(english), 'in English the server\'s words say which point');
  expect(english.startsWith(say('en', 'error.route.unprocessable')), `the English route error is not the catalogue's: ${english}`);
  await page.click('#route-clear');
  await page.selectOption('#language', 'sr-Cyrl');

  // --- a camera page with its history ----------------------------------------------------------
  const imported = await (await fetch(`${base}/api/v1/cameras/3`)).json();
  assert.equal(imported.properties.tags.operator, 'police');
  await page.goto(`${base}/camera/3`);
  await page.waitForSelector('.history li');
  await page.waitForSelector('#camera-near[data-done]', { state: 'attached' });
  await checkCyrillic(page, 'camera-imported');

  // --- an imported camera says what is known: reported, from OpenStreetMap, last confirmed when
  // its OpenStreetMap version was made (1 January 2025: by now over a year ago, so stale) -------
  const mapped = (await (await fetch(`${base}/api/v1/cameras?bbox=18.41,-33.91,18.42,-33.90`)).json()).features;
  assert.equal(mapped.length, 1, 'the OpenStreetMap camera was imported');
  assert.equal(mapped[0].properties.status, 'reported');
  await page.goto(`${base}/camera/${mapped[0].properties.id}`);
  await page.waitForSelector('.history li');
  const facts = await page.textContent('dl.facts');
  log(`imported camera: ${facts}`);
  for (const key of ['status.reported', 'camera.imported_osm', 'camera.stale.year'])
    expect(facts.includes(say('sr-Cyrl', key)), `the imported camera's page lacks "${say('sr-Cyrl', key)}": ${facts}`);
  expect(!facts.includes(say('sr-Cyrl', 'status.verified')), `the imported camera's page says verified: ${facts}`);
  await checkCyrillic(page, 'camera-osm');

  // --- login: a wrong password, then moderation --------------------------------------------------
  await page.goto(`${base}/moderation`);
  await page.fill('#username', 'mod');
  await page.fill('#password', 'wrong password');
  await page.click('#login-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#login-form .status').dataset.kind === 'error');
  const loginText = await page.textContent('#login-form .status');
  log(`wrong password: ${loginText}`);
  expect(loginText === say('sr-Cyrl', 'error.login.unauthorized'), `the wrong password is not the catalogue's: ${loginText}`);
  await checkCyrillic(page, 'login-wrong');
  await page.fill('#password', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#queue li button');
  await page.waitForSelector('#report-near[data-done]', { state: 'attached' });
  await checkCyrillic(page, 'moderation', ['j', 'k', 'a', 'm', 'r']);  // the keys to press
  const decided = page.waitForResponse((r) => r.url().endsWith(`/api/v1/reports/${report.id}/decision`));
  await page.keyboard.press('a');
  const created = (await (await decided).json()).camera;
  assert.ok(created?.id, 'the report became a camera');

  // --- the accepted camera's page: "created" by a moderator -------------------------------------
  await page.goto(`${base}/camera/${created.id}`);
  await page.waitForSelector('.history li');
  await page.waitForSelector('#camera-near[data-done]', { state: 'attached' });
  await checkCyrillic(page, 'camera-created');

  // --- statistics ---------------------------------------------------------------------------------
  await page.goto(`${base}/stats`);
  await page.waitForSelector('#stats-total');
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
  await checkCyrillic(page, 'stats');

  const foreign = requestsElsewhere(requests, origin);
  assert.deepEqual(foreign, [], 'requests to other hosts');
  assert.deepEqual(pageErrors, [], 'uncaught page errors');
  assert.deepEqual(problems, [], 'English in the Serbian interface, or legend and filter miss what the map draws');
  log('PASS');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await tearDown({ browsers: [browser], server, work });
}
