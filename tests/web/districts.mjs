// The district views in Debian's headless Chromium (playwright-core from web/'s devDependencies;
// no browser is ever downloaded), against the real `sightline serve` on
// tests/fixtures/osm/districts.osm: two complete districts, West (Zapad, Запад) and East (Istok,
// Исток), sharing a border with a camera on it, four cameras inside them and one outside, and a
// third boundary cut by the extract's edge ("Cut"):
//   - /districts lists both with the API's figures (cameras summing to the four inside, the border
//     camera once), names in English, Serbian Latin (East has only name:sr: transliterated) and
//     Cyrillic, "Cut" as left out; a click on a column's button sorts by it (largest first, then
//     smallest first on a second click; Enter on the focused button too), with aria-sort;
//   - the map's legend box "Districts: cameras per km²" draws the choropleth (the fill layer has
//     rendered features) with the classes' bounds in the legend, and a click on a district opens
//     its page;
//   - /district/{id} shows its figures, its outline on a small map, the embed snippet and the
//     links to the printable report and the Atom feed;
//   - the five classes' colours, as drawn over the basemap, stay apart from each other (ΔE >= 10),
//     from the background (>= 12) and from the viewshed shading (>= 20), also under protanopia and
//     deuteranopia;
//   - on a 360x740 phone neither the table nor the legend overflows horizontally;
//   - every request went to the test server, no page errors.
//
//   node tests/web/districts.mjs --binary build/sightline --web build/web [--artifacts DIR]
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium is missing, unless CI=true.
import path from 'node:path';
import assert from 'node:assert/strict';
import { browserTest, launchChromium, requestsElsewhere, sayFrom, screenshots, startServer, tearDown } from './harness.mjs';
import { distance, over, visions } from './colours.mjs';

const { repo, chromium, binary, webDir, artifacts, work, dataDir, catalogue, log, run } = browserTest('districts');
const say = sayFrom(catalogue);
const shot = screenshots(artifacts, 'districts-', log);
const fixture = path.join(repo, 'tests/fixtures/osm/districts.osm');
const camerasInside = 4;  // nodes 50 (on the border), 51, 52 (West) and 53 (East); 54 is outside

async function waitForMap(page, name = 'sightlineMap') {
  await page.waitForFunction((n) => window[n] && window[n].isStyleLoaded() && window[n].isSourceLoaded('sightline'), name, { timeout: 30000 });
  await page.evaluate((n) => new Promise((resolve) => { window[n].once('idle', resolve); window[n].triggerRepaint(); }), name);
}

/// The districts table as shown: the sorted column and its order, and per row the name and cells.
function tableState(page) {
  return page.evaluate(() => ({
    sorted: [...document.querySelectorAll('#districts-table thead th[aria-sort]')].map((th) => [th.dataset.key, th.getAttribute('aria-sort')]),
    rows: [...document.querySelectorAll('#districts-table tbody tr')].map((tr) => ({
      id: Number(tr.dataset.id),
      name: tr.querySelector('th').textContent,
      href: tr.querySelector('th a').getAttribute('href'),
      cells: Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.key, td.textContent])),
    })),
  }));
}

/// The colour [r, g, b] the screen shows at the map position [lon, lat] (from a screenshot: the
/// WebGL canvas keeps no drawing buffer to read).
async function pixelAt(page, lngLat) {
  const point = await page.evaluate((p) => window.sightlineMap.project(p), lngLat);
  const box = await page.locator('#map').boundingBox();
  const png = await page.screenshot({ clip: { x: box.x + point.x, y: box.y + point.y, width: 1, height: 1 } });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = c.height = 1;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  }, png.toString('base64'));
}

// Latin words a Serbian Cyrillic page may show: acronyms, names of formats and data, the brand.
const allowedLatin = new Set(['OpenStreetMap', 'GeoJSON', 'Atom', 'Sightline', 'English', 'Srpski', 'Cut', 'km', 'km²']);
/// The Latin-script words in the page's visible text outside the allow-list (code marked
/// translate="no" left out, as in language.mjs).
function latinWords(page) {
  return page.evaluate((allowed) => {
    const words = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('script, style, select, [translate="no"]') || !el.checkVisibility()) continue;
      for (const [found] of n.textContent.replace(/https?:\/\/\S+/g, ' ').matchAll(/[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F²-]*/g)) {
        const w = found.replace(/-+$/, '');  // "OpenStreetMap-у"
        if (!allowed.includes(w) && !/^[A-Z]{2,}$/.test(w)) words.add(w);
      }
    }
    return [...words];
  }, [...allowedLatin]);
}

/// How far the page (and `selector`'s box, when given) is wider than the screen, in px.
function overflow(page, selector) {
  return page.evaluate((sel) => {
    const el = sel && document.querySelector(sel);
    return { page: document.documentElement.scrollWidth - window.innerWidth, box: el ? el.scrollWidth - el.clientWidth : 0 };
  }, selector);
}

let server = null;
let browser = null;
try {
  log(`importing ${fixture}`);
  run(['import', fixture, '--data', dataDir, '--quiet']);
  server = await startServer(binary, dataDir, ['--report-rate', '0', '--web', webDir]);
  const base = server.url;
  const origin = new URL(base).origin;
  const api = await (await fetch(`${base}/api/v1/districts`)).json();
  log(`API: ${JSON.stringify(api)}`);
  const west = api.districts.find((d) => d.names?.en === 'West');
  const east = api.districts.find((d) => d.names?.en === 'East');
  assert.ok(west && east, 'the API has West and East');
  assert.equal(west.cameras + east.cameras, camerasInside, 'the border camera counted once');

  browser = await launchChromium(chromium, path.join(work, 'chromium-profile'));
  const requests = [];
  const pageErrors = [];
  browser.on('request', (r) => requests.push(r.url()));
  async function newPage(viewport = { width: 1280, height: 800 }) {
    const page = await browser.newPage();
    await page.setViewportSize(viewport);
    page.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
    page.on('console', (m) => { if (m.type() === 'error' && !/viewsheds/.test(m.text())) log(`console: ${m.text()}`); });
    return page;
  }
  const page = await newPage();

  // --- the table ---------------------------------------------------------------------------------
  await page.goto(`${base}/districts`);
  await page.waitForSelector('#districts-table tbody tr');
  let table = await tableState(page);
  log(`table: ${JSON.stringify(table)}`);
  assert.deepEqual(table.rows.map((r) => r.name).sort(), ['East', 'West'], 'English names');
  for (const d of [west, east]) {
    const row = table.rows.find((r) => r.id === d.id);
    assert.equal(row.cells.cameras, String(d.cameras), `${d.name}: cameras as the API says`);
    assert.equal(row.href, `/district/${d.id}`);
    assert.equal(row.cells.cameras_per_km2, new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(d.cameras_per_km2));
    assert.equal(row.cells.watched_observe, new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(d.watched_share.observe));
  }
  assert.match(await page.textContent('#districts-incomplete'), /Cut/, 'the cut boundary is named as left out');
  assert.equal(await page.getAttribute('#districts-csv', 'href'), '/api/v1/districts.csv');
  // Sorting: cameras per km² (they differ: 1.15 and 1.13), largest first, then smallest first;
  // Enter on the focused button works as a click.
  assert.notEqual(west.cameras_per_km2, east.cameras_per_km2, 'the fixture gives different densities');
  const byDensity = [west, east].sort((a, b) => b.cameras_per_km2 - a.cameras_per_km2).map((d) => d.id);
  await page.click('#sort-cameras_per_km2');
  table = await tableState(page);
  assert.deepEqual(table.sorted, [['cameras_per_km2', 'descending']]);
  assert.deepEqual(table.rows.map((r) => r.id), byDensity, 'largest first');
  await page.focus('#sort-cameras_per_km2');
  await page.keyboard.press('Enter');
  table = await tableState(page);
  assert.deepEqual(table.sorted, [['cameras_per_km2', 'ascending']], 'Enter on the focused button turns the order');
  assert.deepEqual(table.rows.map((r) => r.id), [...byDensity].reverse(), 'smallest first');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sort-cameras_per_km2', 'the focus stays on the button');
  await page.click('#sort-cameras');
  assert.deepEqual((await tableState(page)).sorted, [['cameras', 'descending']]);
  await page.click('#sort-name');
  table = await tableState(page);
  assert.deepEqual(table.rows.map((r) => r.name), ['East', 'West'], 'by name');
  await shot(page, 'table');

  // Names in Serbian: Latin (East has only name:sr, transliterated) and Cyrillic.
  for (const [lang, names] of [['sr-Latn', ['Istok', 'Zapad']], ['sr-Cyrl', ['Запад', 'Исток']]]) {
    await page.selectOption('#language', lang);
    await page.waitForFunction((title) => document.querySelector('h1')?.textContent === title, say(lang, 'districts.title'));
    await page.waitForSelector('#districts-table tbody tr');
    table = await tableState(page);
    assert.deepEqual(table.rows.map((r) => r.name).sort((a, b) => a.localeCompare(b, lang)), [...names].sort((a, b) => a.localeCompare(b, lang)), `${lang} names`);
  }
  assert.deepEqual(await latinWords(page), [], 'no Latin words on /districts in Serbian Cyrillic');
  await shot(page, 'table-sr-cyrl');
  await page.goto(`${base}/district/${east.id}`);
  await page.waitForSelector('#district-embed-code');
  assert.equal(await page.textContent('h1'), 'Исток');
  assert.deepEqual(await latinWords(page), [], 'no Latin words on a district page in Serbian Cyrillic');
  await page.goto(`${base}/districts`);
  await page.waitForSelector('#districts-table tbody tr');
  await page.selectOption('#language', 'en');

  // --- the choropleth ------------------------------------------------------------------------------
  // "Show the districts on the map" opens the map with the layer on; the box turns it off.
  await page.click('#districts-on-map');
  await page.waitForSelector('#layer-districts:checked');
  await page.waitForFunction(() => window.sightlineMap?.getLayer('district-fill'));
  await page.uncheck('#layer-districts');
  await page.waitForFunction(() => !window.sightlineMap.getLayer('district-fill'));
  await page.goto(`${base}/#14/44.8050/20.4200`);
  await waitForMap(page);
  assert.equal(await page.evaluate(() => !!window.sightlineMap.getLayer('district-fill')), false, 'off until asked for');
  await page.check('#layer-districts');
  await page.waitForSelector('#districts-legend li');
  await waitForMap(page);
  const fills = await page.evaluate(() => window.sightlineMap.queryRenderedFeatures({ layers: ['district-fill'] })
    .map((f) => f.properties.district_id));
  log(`district fills rendered: ${JSON.stringify(fills)}`);
  assert.deepEqual([...new Set(fills)].sort(), [west.id, east.id].sort(), 'both districts filled');
  const legend = await page.$$eval('#districts-legend li', (items) => items.map((li) => li.textContent));
  log(`legend classes: ${JSON.stringify(legend)}`);
  const perKm2 = (d) => new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(d.cameras_per_km2);
  for (const d of [west, east]) assert.ok(legend.some((text) => text.includes(perKm2(d))), `the legend bounds hold ${perKm2(d)}`);
  // Drawn in purple: inside West bluer than green (the map's background is a warm grey), and
  // different from the same map outside the districts.
  const insideWest = await pixelAt(page, [20.4150, 44.8020]);
  const outside = await pixelAt(page, [20.4150, 44.8115]);
  log(`pixels: inside West ${insideWest}, outside ${outside}`);
  assert.ok(insideWest[2] > insideWest[1] + 10 && insideWest.some((v, i) => Math.abs(v - outside[i]) > 20),
    `the district is filled (inside ${insideWest}, outside ${outside})`);
  await shot(page, 'choropleth');
  // The classes' colours as drawn: over the basemap's background, against each other and the
  // viewsheds' shading, for normal vision and the two common colour-vision deficiencies.
  const paint = await page.evaluate(() => {
    const map = window.sightlineMap;
    const colours = (expr) => expr.filter((v) => typeof v === 'string' && v.startsWith('#'));
    return {
      classes: colours(map.getPaintProperty('district-fill', 'fill-color')).slice(0, 5),
      opacity: map.getPaintProperty('district-fill', 'fill-opacity'),
      background: map.getPaintProperty('background', 'background-color'),
      shading: colours(map.getPaintProperty('viewsheds', 'fill-color')),
      shadingOpacity: map.getPaintProperty('viewsheds', 'fill-opacity'),
    };
  });
  const background = typeof paint.background === 'string' ? paint.background : '#f4f1ea';
  const drawn = paint.classes.map((c) => over(c, paint.opacity, background));
  const shading = paint.shading.map((c) => over(c, paint.shadingOpacity, background));
  assert.equal(drawn.length, 5, `five classes (${paint.classes})`);
  for (const [vision, matrix] of Object.entries(visions)) {
    const neighbours = Math.min(...drawn.slice(1).map((c, i) => distance(drawn[i], c, matrix)));
    const fromBackground = distance(drawn[0], background, matrix);
    const fromShading = Math.min(...drawn.flatMap((c) => shading.map((s) => distance(c, s, matrix))));
    log(`${vision}: ΔE neighbouring classes >= ${neighbours.toFixed(1)}, lightest from the background ${fromBackground.toFixed(1)}, from the shading >= ${fromShading.toFixed(1)}`);
    assert.ok(neighbours >= 10 && fromBackground >= 12 && fromShading >= 20, `${vision}: the classes are told apart`);
  }
  // A click inside West, away from its cameras, opens its page.
  const inside = await page.evaluate(() => window.sightlineMap.project([20.4150, 44.8020]));
  const mapBox = await page.locator('#map').boundingBox();
  await page.mouse.click(mapBox.x + inside.x, mapBox.y + inside.y);
  await page.waitForURL(`${base}/district/${west.id}`);

  // --- a district's page ---------------------------------------------------------------------------
  await page.waitForSelector('#district-cameras');
  assert.equal(await page.textContent('h1'), 'West');
  assert.equal(await page.textContent('#district-cameras'), String(west.cameras));
  assert.equal(await page.textContent('#district-per-km2'), perKm2(west));
  const report = await page.getAttribute('#district-report', 'href');
  assert.equal(report, `/api/v1/report.pdf?district=${west.id}&lang=en`);
  const pdf = await fetch(`${base}${report}`);
  assert.equal(pdf.status, 200, 'the printable report answers');
  assert.match(pdf.headers.get('content-type'), /^application\/pdf/);
  assert.equal(await page.getAttribute('#district-feed', 'href'), `/feeds/district/${west.id}.atom`);
  const snippet = await page.inputValue('#district-embed-code');
  const src = new RegExp(`^<iframe src="(${origin}/embed#[\\d.]+/44\\.8\\d*/20\\.41\\d*\\?district=${west.id})" width="\\d+" height="\\d+" .*title="[^"]*West[^"]*"></iframe>$`).exec(snippet);
  assert.ok(src, `the snippet shows West's view and outline: ${snippet}`);
  await waitForMap(page, 'sightlineDistrictMap');
  const outline = await page.evaluate(() => window.sightlineDistrictMap.queryRenderedFeatures({ layers: ['district-outline'] }).length);
  assert.ok(outline > 0, 'the outline is drawn on the small map');
  await shot(page, 'district-page');
  // The snippet's embed draws the district's outline around its cameras.
  const framed = await newPage({ width: 600, height: 400 });
  await framed.goto(src[1].replaceAll('&amp;', '&'));
  await waitForMap(framed);
  await framed.waitForFunction(() => window.sightlineMap.getLayer('district-outline'));
  await waitForMap(framed);
  const embedded = await framed.evaluate(([w, s, e, n]) => {
    const map = window.sightlineMap;
    const corners = [map.project([w, s]), map.project([e, n])];
    const { width, height } = map.getCanvas().getBoundingClientRect();
    return {
      outline: map.queryRenderedFeatures({ layers: ['district-outline'] }).length,
      cameras: map.queryRenderedFeatures({ layers: ['cameras'] }).length,
      whole: corners.every((p) => p.x >= 0 && p.x <= width && p.y >= 0 && p.y <= height),
    };
  }, west.bbox);
  assert.ok(embedded.outline > 0 && embedded.cameras >= west.cameras && embedded.whole,
    `the embed shows the whole outline and the cameras (${JSON.stringify(embedded)})`);
  await shot(framed, 'district-embed');
  await framed.close();
  assert.equal((await fetch(`${base}/district/999999`)).status, 200, 'the page answers for any id');
  await page.goto(`${base}/district/999999`);
  await page.waitForFunction((text) => document.querySelector('.status')?.textContent === text, say('en', 'district.notfound'));

  // --- a phone: 360x740 ----------------------------------------------------------------------------
  const phone = await newPage({ width: 360, height: 740 });
  await phone.goto(`${base}/districts`);
  await phone.waitForSelector('#districts-table tbody tr');
  for (const lang of ['en', 'sr-Cyrl']) {
    if (lang !== 'en') {
      await phone.evaluate((l) => localStorage.setItem('sightline.language', l), lang);
      await phone.reload();
      await phone.waitForSelector('#districts-table tbody tr');
    }
    const o = await overflow(phone, '.districts-table-wrap');
    assert.ok(o.page <= 0 && o.box <= 0, `${lang}: the table fits 360 px (${JSON.stringify(o)})`);
    const shown = await phone.$$eval('#districts-table thead th', (ths) => ths.filter((th) => th.checkVisibility()).map((th) => th.dataset.key));
    assert.ok(shown.includes('watched_observe') && shown.includes('cameras_per_km2'), `${lang}: observe and per km² shown on a phone (${shown})`);
  }
  await shot(phone, 'phone-table');
  await phone.goto(`${base}/district/${west.id}`);
  await phone.waitForSelector('#district-embed-code');
  const pageOverflow = await overflow(phone);
  assert.ok(pageOverflow.page <= 0, `a district's page fits 360 px (${JSON.stringify(pageOverflow)})`);
  await shot(phone, 'phone-district');
  await phone.goto(`${base}/#14/44.8050/20.4200`);
  await waitForMap(phone);
  await phone.click('.sheet-handle');
  await phone.click('.sheet-handle');  // peek -> half -> full
  await phone.locator('#layer-districts').scrollIntoViewIfNeeded();
  await phone.check('#layer-districts');
  await phone.waitForSelector('#districts-legend li');
  await phone.locator('#districts-legend').scrollIntoViewIfNeeded();
  const legendOverflow = await overflow(phone, '#map-legend');
  const sticksOut = await phone.evaluate(() => {
    const right = Math.min(window.innerWidth, document.querySelector('#panel').getBoundingClientRect().right);
    return [...document.querySelectorAll('#map-legend, #map-legend *')].filter((el) => el.getBoundingClientRect().right > right + 0.5)
      .map((el) => `${el.tagName}.${el.className}`);
  });
  assert.ok(legendOverflow.page <= 0 && legendOverflow.box <= 0 && sticksOut.length === 0,
    `the legend fits 360 px (${JSON.stringify({ ...legendOverflow, sticksOut })})`);
  await shot(phone, 'phone-legend');

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
