// End-to-end test of the web app as people first meet it, in Debian's headless Chromium
// (playwright-core from web/'s devDependencies; no browser is ever downloaded), against the real
// `sightline serve` on a fresh data folder holding tests/fixtures/osm/search.osm. Every check is
// measured from element boxes, the map's rendered features and the catalogues:
//   - first visit (1280x800, the bare URL): one line says what the site is, with three links in
//     to its tasks (see the cameras, report one, plan a walk), all inside the first screen; the
//     links work; the legend is open, and stays closed after the user closes it and reloads;
//   - the map opens at a zoom where the style draws labels (a symbol layer's minzoom) and has
//     rendered label symbols there; the desktop keeps its side panel;
//   - a phone (360x740): the header is at most 56 px tall, the navigation and the language
//     picker are reached through the menu button; the panel is a bottom sheet that goes between
//     peek, half and full by its handle (click, keys) and by a drag (pointer events); at full the
//     panel's content, route results included, scrolls with no scroll container smaller than half
//     the screen around it;
//   - help text says "tap" under touch emulation (pointer: coarse) and "click" with a mouse;
//   - every request went to the test server, no page errors.
//
//   node tests/web/layout.mjs --binary build/sightline --web build/web [--artifacts DIR]
//        [--osm FILE --at LAT/LON] [--screenshots docs/screenshots]
//
// --osm and --at import another extract and look at it (the docs' screenshots are made with the
// Munich extract, where the bare URL opens); --screenshots also writes the first visit and the
// phone's bottom sheet there. Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium is missing,
// unless CI=true.
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { arg, browserTest, launchChromium, requestsElsewhere, runCli, sayFrom, screenshots, startServer as startServerAt, tearDown } from './harness.mjs';

const { repo, chromium, binary, webDir, artifacts, work, dataDir, catalogue, log } = browserTest('layout');

const osm = path.resolve(arg('--osm', path.join(repo, 'tests/fixtures/osm/search.osm')));
const [atLat, atLon] = arg('--at', '44.8150/20.4590').split('/').map(Number);
const docsShots = arg('--screenshots', null);
const say = sayFrom(catalogue);
const desktop = { width: 1280, height: 800 };
const phoneSize = { width: 360, height: 740 };

const screenshot = screenshots(artifacts, 'layout-', log);
/// A screenshot in the artifacts; with --screenshots, also under `docsName` there.
async function shot(page, name, docsName) {
  const file = await screenshot(page, name);
  if (docsShots && docsName) {
    mkdirSync(docsShots, { recursive: true });
    copyFileSync(file, path.join(docsShots, docsName));
    log(`  and ${path.join(docsShots, docsName)}`);
  }
}

async function waitForMap(page) {
  await page.waitForFunction(() => window.sightlineMap && window.sightlineMap.isStyleLoaded() && window.sightlineMap.isSourceLoaded('sightline'),
    null, { timeout: 30000 });
  await page.evaluate(() => new Promise((resolve) => { window.sightlineMap.once('idle', resolve); window.sightlineMap.triggerRepaint(); }));
}

/// The element's box, or null when it is not displayed.
const box = (page, selector) => page.evaluate((sel) => {
  const el = document.querySelector(sel);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') return null;
  return { x: r.x, y: r.y, width: r.width, height: r.height, bottom: r.bottom, right: r.right };
}, selector);

/// Scroll containers around `selector` that actually scroll (content taller than the box).
const scrollers = (page, selector) => page.evaluate((sel) => {
  const out = [];
  for (let el = document.querySelector(sel)?.parentElement; el && el !== document.documentElement; el = el.parentElement) {
    const overflow = getComputedStyle(el).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && el.scrollHeight > el.clientHeight + 1)
      out.push({ element: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}`, height: el.clientHeight });
  }
  return out;
}, selector);

const sheet = (page) => page.evaluate(() => {
  const panel = document.querySelector('.panel');
  return { state: panel.dataset.sheet, height: panel.getBoundingClientRect().height,
    main: document.getElementById('main').getBoundingClientRect().height };
});

/// Drags the sheet's handle by `dy` pixels (negative: up) with the mouse, in small steps.
async function dragHandle(page, dy) {
  const handle = await box(page, '#sheet-handle');
  const x = handle.x + handle.width / 2;
  const y = handle.y + handle.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y + dy, { steps: 12 });
  await page.mouse.up();
}

let server = null;
let browser = null;
let touch = null;
const failures = [];
try {
  log(`importing ${osm}`);
  runCli(binary, ['import', osm, '--data', dataDir, '--quiet']);
  server = await startServerAt(binary, dataDir, ['--report-rate', '0', '--web', webDir]);
  const base = server.url;
  const origin = new URL(base).origin;
  const here15 = `${base}/#15/${atLat}/${atLon}`;
  log(`server ${base}`);

  const launch = (profile, options = {}) => launchChromium(chromium, path.join(work, profile), options);
  browser = await launch('chromium-profile');
  touch = await launch('chromium-touch', { viewport: phoneSize, hasTouch: true, isMobile: true });
  const requests = [];
  const pageErrors = [];
  for (const context of [browser, touch]) context.on('request', (r) => requests.push(r.url()));
  async function newPage(viewport, context = browser) {
    const page = await context.newPage();
    if (context === browser) await page.setViewportSize(viewport);
    page.setDefaultTimeout(15000);
    page.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
    page.on('console', (m) => { if (m.type() === 'error' && !/source layer "viewsheds"/i.test(m.text())) log(`console: ${m.text()}`); });
    return page;
  }
  /// Runs one check on a fresh page; a failure is recorded and the next check runs.
  async function check(name, viewport, fn, context = browser) {
    const page = await newPage(viewport, context);
    try {
      await fn(page);
      log(`ok    ${name}`);
    } catch (e) {
      failures.push(name);
      log(`FAIL  ${name}: ${e.message}`);
    } finally {
      await page.close();
    }
  }

  // --- first visit, desktop --------------------------------------------------------------------
  await check('first visit: one line says what the site is, three links to its tasks', desktop, async (page) => {
    await page.goto(`${base}/`);
    await waitForMap(page);
    const what = await box(page, '#intro-what');
    assert.ok(what, 'a line says what the site is');
    assert.equal(await page.textContent('#intro-what'), say('en', 'intro.what'));
    assert.ok(what.bottom <= desktop.height, `the statement is in the first screen (${JSON.stringify(what)})`);
    for (const [id, key] of [['intro-see', 'intro.see'], ['intro-report', 'intro.report'], ['intro-walk', 'intro.walk']]) {
      const link = await box(page, `#${id}`);
      assert.ok(link && link.bottom <= desktop.height && link.right <= desktop.width, `${id} is shown in the first screen`);
      assert.equal(await page.textContent(`#${id}`), say('en', key));
      assert.equal(await page.evaluate((i) => document.getElementById(i).tagName, id), 'A', `${id} is a link`);
    }
    await shot(page, 'first-visit-desktop', docsShots ? 'map-first-visit.png' : null);
    await page.click('#intro-walk');
    await page.waitForSelector('#route-panel:not([hidden])');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'route-from', '"Plan a walk" opens the route panel at its start');
    await page.click('#route-toggle');
    await page.click('#intro-see');
    assert.equal(await page.evaluate(() => document.activeElement === window.sightlineMap.getCanvas()), true, '"See the cameras" goes to the map');
    await page.click('#intro-report');
    await page.waitForURL(`${base}/report`);
  });

  await check('first visit: the legend is open, and stays closed once closed', desktop, async (page) => {
    const legendOpen = () => page.evaluate(() => {
      const legend = document.querySelector('.panel > details.legend');  // the map's, not the route's
      return legend.open && legend.querySelector('ul').getBoundingClientRect().height > 0;
    });
    await page.goto(`${base}/`);
    await waitForMap(page);
    assert.equal(await legendOpen(), true, 'the legend is open on the first visit');
    await page.click('.panel > details.legend > summary');
    assert.equal(await legendOpen(), false);
    await page.reload();
    await waitForMap(page);
    assert.equal(await legendOpen(), false, 'the legend stays closed after a reload');
    await page.click('.panel > details.legend > summary');
    assert.equal(await legendOpen(), true);
  });

  // The map opens where labels are drawn: a label layer's minzoom is at most the opening zoom,
  // and at that zoom over the fixture's streets label symbols are rendered.
  await check('the opening zoom draws and renders labels', desktop, async (page) => {
    await page.goto(`${base}/`);
    await waitForMap(page);
    const opening = await page.evaluate(() => ({
      zoom: window.sightlineMap.getZoom(),
      labelLayers: window.sightlineMap.getStyle().layers
        .filter((l) => l.type === 'symbol' && l.source === 'sightline' && l['source-layer'] !== 'cameras')
        .map((l) => ({ id: l.id, minzoom: l.minzoom ?? 0 })),
    }));
    log(`opening zoom ${opening.zoom}; label layers ${JSON.stringify(opening.labelLayers)}`);
    assert.ok(opening.labelLayers.some((l) => l.minzoom <= opening.zoom), 'a label layer is drawn at the opening zoom');
    await page.goto('about:blank');  // a new document: a hash change alone would race the tiles
    await page.goto(`${base}/#${opening.zoom}/${atLat}/${atLon}`);
    await waitForMap(page);
    const labels = await page.evaluate((ids) => window.sightlineMap.queryRenderedFeatures({ layers: ids })
      .map((f) => f.properties.name).filter(Boolean), opening.labelLayers.map((l) => l.id));
    log(`labels at zoom ${opening.zoom}: ${JSON.stringify([...new Set(labels)])}`);
    assert.ok(labels.length > 0, `label symbols rendered at the opening zoom ${opening.zoom}`);
  });

  await check('desktop: the side panel and the one-row header stay', desktop, async (page) => {
    await page.goto(here15);
    await waitForMap(page);
    const panel = await box(page, '.panel');
    const header = await box(page, '.topbar');
    log(`desktop: header ${header.height} px, panel ${JSON.stringify(panel)}`);
    assert.ok(Math.abs(panel.width - 300) <= 1 && Math.abs(panel.right - desktop.width) <= 1, 'side panel at the right');
    assert.ok(Math.abs(panel.y - header.bottom) <= 1 && Math.abs(panel.bottom - desktop.height) <= 1, 'side panel the full height');
    assert.ok(header.height <= 56, `one header row on the desktop (${header.height} px)`);
    assert.equal(await box(page, '#sheet-handle'), null, 'no sheet handle on the desktop');
    assert.equal(await box(page, '#menu-toggle'), null, 'no menu button on the desktop');
    assert.ok(await box(page, '#language'), 'the language picker is in the desktop header');
  });

  await check('with a mouse the route help says "click"', desktop, async (page) => {
    await page.goto(here15);
    await waitForMap(page);
    await page.click('#route-toggle');
    assert.equal(await page.textContent('#route-panel .hint'), say('en', 'route.help.click'));
    assert.equal(await page.textContent('#route-status'), say('en', 'route.pick_start.click'));
  });

  // --- a phone: the header ---------------------------------------------------------------------
  await check('phone: a header of at most 56 px, the navigation and the language picker in its menu', phoneSize, async (phone) => {
    await phone.goto(here15);
    await waitForMap(phone);
    const header = await box(phone, '.topbar');
    log(`phone header ${header.height} px`);
    assert.ok(header.height <= 56, `the phone's header is at most 56 px tall (${header.height})`);
    assert.equal(await box(phone, '#language'), null, 'the language picker is folded into the menu');
    assert.equal(await phone.getAttribute('#menu-toggle', 'aria-expanded'), 'false');
    await phone.click('#menu-toggle');
    assert.equal(await phone.getAttribute('#menu-toggle', 'aria-expanded'), 'true');
    const picker = await box(phone, '#language');
    const reportLink = await box(phone, '#nav a[href="/report"]');
    assert.ok(picker && picker.bottom <= phoneSize.height && picker.right <= phoneSize.width, 'the menu shows the language picker');
    assert.ok(reportLink && reportLink.bottom <= phoneSize.height, 'the menu shows the navigation');
    await shot(phone, 'phone-menu');
    await phone.selectOption('#language', 'sr-Cyrl');
    await phone.waitForFunction((text) => document.getElementById('intro-what')?.textContent === text, say('sr-Cyrl', 'intro.what'));
    assert.equal(await phone.getAttribute('#menu-toggle', 'aria-expanded'), 'false', 'the menu closes after a language is picked');
    assert.equal((await phone.textContent('#menu-toggle')).trim(), say('sr-Cyrl', 'nav.menu'));
    await waitForMap(phone);
    const centre = await phone.evaluate(() => window.sightlineMap.getCenter());
    assert.ok(Math.abs(centre.lat - atLat) < 1e-4 && Math.abs(centre.lng - atLon) < 1e-4, `the map stays where it was: ${JSON.stringify(centre)}`);
    await phone.keyboard.press('Enter');  // the focus is back on the menu button
    await phone.selectOption('#language', 'en');
    await phone.waitForFunction((text) => document.getElementById('intro-what')?.textContent === text, say('en', 'intro.what'));
    await phone.click('#menu-toggle');
    await phone.keyboard.press('Escape');
    assert.equal(await box(phone, '#language'), null, 'Escape closes the menu');
  });

  // --- a phone: the bottom sheet ---------------------------------------------------------------
  await check('phone: the sheet peeks with the introduction, and goes peek/half/full by its button and keys', phoneSize, async (phone) => {
    await phone.goto(here15);
    await waitForMap(phone);
    let s = await sheet(phone);
    log(`sheet ${JSON.stringify(s)}`);
    assert.equal(s.state, 'peek', 'the sheet starts low');
    assert.ok(s.height < s.main / 3, `peek leaves the map most of the screen (${s.height} of ${s.main})`);
    for (const id of ['intro-what', 'intro-see', 'intro-report', 'intro-walk']) {
      const b = await box(phone, `#${id}`);
      assert.ok(b && b.bottom <= phoneSize.height && b.right <= phoneSize.width, `${id} is shown in the peeking sheet`);
    }
    const mapBox = await box(phone, '#map');
    assert.ok(mapBox.height >= s.main - s.height, 'the map fills the screen above the peeking sheet');
    await shot(phone, 'phone-sheet-peek', docsShots ? 'map-phone-peek.png' : null);
    await phone.click('#sheet-handle');
    s = await sheet(phone);
    assert.equal(s.state, 'half');
    assert.ok(Math.abs(s.height - s.main / 2) <= 2, `half is half the page (${s.height} of ${s.main})`);
    await phone.click('#sheet-handle');
    s = await sheet(phone);
    assert.equal(s.state, 'full');
    assert.ok(Math.abs(s.height - s.main) <= 2, `full is the whole page under the header (${s.height} of ${s.main})`);
    await phone.click('#sheet-handle');
    assert.equal((await sheet(phone)).state, 'peek');
    await phone.focus('#sheet-handle');
    for (const [key, want] of [['ArrowUp', 'half'], ['ArrowUp', 'full'], ['ArrowDown', 'half'], ['ArrowDown', 'peek'], ['Enter', 'half']]) {
      await phone.keyboard.press(key);
      assert.equal((await sheet(phone)).state, want, `${key} -> ${want}`);
    }
  });

  await check('phone: a drag moves the sheet, which settles at the nearest height', phoneSize, async (phone) => {
    await phone.goto(here15);
    await waitForMap(phone);
    const s = await sheet(phone);
    assert.equal(s.state, 'peek');
    await dragHandle(phone, -(s.main / 2 - s.height) + 20);
    assert.equal((await sheet(phone)).state, 'half', 'a drag to just under half settles at half');
    await dragHandle(phone, -s.main / 2 + 40);
    assert.equal((await sheet(phone)).state, 'full', 'a drag to near the top settles at full');
    await dragHandle(phone, s.main);
    assert.equal((await sheet(phone)).state, 'peek', 'a drag down settles at peek');
  });

  await check('phone: route results from two taps on the map come into sight', phoneSize, async (phone) => {
    await phone.goto(here15);
    await waitForMap(phone);
    if (await box(phone, '#sheet-handle')) await phone.click('#sheet-handle');
    await phone.click('#route-toggle');
    await phone.waitForSelector('#route-panel:not([hidden])');
    const sheetTop = (await box(phone, '.panel')).y;
    const mapTop = (await box(phone, '#map')).y;
    for (const [lat, lon] of [[atLat + 0.0035, atLon - 0.0018], [atLat, atLon]]) {
      const p = await phone.evaluate(([la, lo]) => window.sightlineMap.project([lo, la]), [lat, lon]);
      assert.ok(mapTop + p.y < sheetTop, `the point ${lat},${lon} is on the map above the sheet (${JSON.stringify(p)})`);
      await phone.mouse.click(p.x, mapTop + p.y);
    }
    await phone.waitForSelector('#route-list .route-alt', { timeout: 30000 });
    await phone.waitForFunction(() => {
      const r = document.querySelector('#route-list .route-alt').getBoundingClientRect();
      return r.top >= document.querySelector('.panel').getBoundingClientRect().top && r.bottom <= window.innerHeight;
    }, null, { timeout: 5000 }).catch(() => {});
    const result = await box(phone, '#route-list .route-alt');
    log(`route result after two taps: ${JSON.stringify(result)}, sheet top ${sheetTop}`);
    assert.ok(result.y >= sheetTop && result.bottom <= phoneSize.height, 'the route result is in sight without scrolling by hand');
    await waitForMap(phone);
    await shot(phone, 'phone-sheet-half-route');
    await phone.click('#route-clear');
    await phone.click('#route-toggle');
  });

  // At full, the panel scrolls as one page: no scroll container under half the screen holds its
  // content, route results included.
  await check('phone: at full the panel content is in no scroll container under half the screen', phoneSize, async (phone) => {
    await phone.goto(here15);
    await waitForMap(phone);
    if (await box(phone, '#sheet-handle')) {
      await phone.click('#sheet-handle');
      await phone.click('#sheet-handle');
      assert.equal((await sheet(phone)).state, 'full');
    }
    await shot(phone, 'phone-sheet-full', docsShots ? 'map-phone-full.png' : null);
    await phone.click('#route-toggle');
    const near = (dLat, dLon) => `${(atLat + dLat).toFixed(6)},${(atLon + dLon).toFixed(6)}`;
    await phone.fill('#route-from', near(0.0015, -0.0007));
    await phone.fill('#route-to', near(-0.0015, 0.0024));
    await phone.click('#route-find');
    await phone.waitForSelector('#route-list .route-alt', { timeout: 120000 });
    for (const selector of ['#route-list .route-alt', '#search', '.panel > details.legend', '.opendata a:last-child']) {
      const around = await scrollers(phone, selector);
      log(`scroll containers around ${selector}: ${JSON.stringify(around)}`);
      for (const c of around) assert.ok(c.height >= phoneSize.height / 2, `${selector} scrolls in ${c.element}, ${c.height} px tall`);
    }
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow})`);
    await shot(phone, 'phone-sheet-full-route');
    await phone.click('#route-clear');
  });

  // --- touch: "tap", not "click" ----------------------------------------------------------------
  await check('touch screen: the route help says "tap"', phoneSize, async (tapper) => {
    await tapper.goto(here15);
    await waitForMap(tapper);
    assert.equal(await tapper.evaluate(() => matchMedia('(pointer: coarse)').matches), true, 'touch emulation gives a coarse pointer');
    if (await box(tapper, '#sheet-handle')) await tapper.tap('#sheet-handle');
    await tapper.tap('#route-toggle');
    await tapper.waitForSelector('#route-panel:not([hidden])');
    const help = await tapper.textContent('#route-panel .hint');
    log(`help on a touch screen: ${help}`);
    assert.doesNotMatch(help, /click/i);
    assert.equal(help, say('en', 'route.help.tap'));
    assert.equal(await tapper.textContent('#route-status'), say('en', 'route.pick_start.tap'));
  }, touch);

  // --- every request went to the test server -------------------------------------------------
  const foreign = requestsElsewhere(requests, origin);
  log(`${requests.length} requests, ${foreign.length} elsewhere`);
  assert.deepEqual(foreign, [], 'requests to other hosts');
  assert.deepEqual(pageErrors, [], 'uncaught page errors');
  if (failures.length) throw new Error(`${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
  log('PASS');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await tearDown({ browsers: [touch, browser], server, work });
}
