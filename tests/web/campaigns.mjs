// Survey campaigns in Debian's headless Chromium at phone size (360x740), against the real
// `sightline serve` on tests/fixtures/osm/survey_grid.osm (a 3 x 3 street grid, 9 corners).
// The browser reaches the server through a proxy of this test's own that can drop every
// connection: "offline" is then real for the page, its workers and the service worker alike
// (Playwright's setOffline does not reach service workers), and setOffline gives the page its
// `offline` and `online` events.
//   - a moderator creates a campaign on /campaigns with the form (one answer per corner, the
//     area shown on the form's map);
//   - a volunteer opens /campaign/{id}, saves the area for offline use (the service worker takes
//     control, tiles and tasks are cached, Chromium finds the app installable), goes offline, reloads the page (served by the worker),
//     sees the map drawn from the saved tiles, finds the nearest corner from the saved tasks,
//     answers "No camera here", reports a camera with a photo at the next corner (queued with
//     the photo) and answers that corner "2 cameras here" (the answer waits behind the report and
//     names it once sent), sees what waits, opens a second tab, and comes
//     back online: both tabs hear `online`, the first answer's response is lost on the way back
//     (it went again with "Send now"), and the queue is delivered exactly once (the API
//     shows that corner with exactly one answer and exactly one new pending report, with its
//     photo), and stays so;
//   - the map's "Surveyed areas" layer draws that corner as surveyed without camera and the
//     others as not surveyed, in their colours (pixels read from the screen), with its legend and
//     the line "X % of streets watched, Y % surveyed" (Y > 0); the campaigns list shows 1 of 9;
//   - the survey colours stay apart from each other, from the camera colours and from the
//     viewshed shading, also under protanopia and deuteranopia;
//   - a moderator settles a disputed corner on the campaign's page;
//   - a refused position: the place nearest the map's centre, and the page says so;
//   - /campaigns and /campaign/{id} in Serbian Cyrillic show no Latin word outside an allow-list;
//   - no page overflows 360 px, every request went to the test server, no page errors.
//
//   node tests/web/campaigns.mjs --binary build/sightline --web build/web [--artifacts DIR]
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium is missing, unless CI=true.
import net from 'node:net';
import path from 'node:path';
import assert from 'node:assert/strict';
import { browserTest, launchChromium, requestsElsewhere, sayFrom, screenshots, startServer, tearDown } from './harness.mjs';
import { distance, over, visions } from './colours.mjs';

const { repo, chromium, binary, webDir, artifacts, work, dataDir, catalogue, log, run } = browserTest('campaigns');
const say = sayFrom(catalogue);
const shot = screenshots(artifacts, 'campaigns-', log);
const fixture = path.join(repo, 'tests/fixtures/osm/survey_grid.osm');
const photo = path.join(repo, 'tests/fixtures/photos/base.jpg');
const password = 'correct horse battery';
const phone = { width: 360, height: 740 };
const background = '#f4f1ea';
const surveyColours = { surveyed_none: '#33BBEE', surveyed_cameras: '#EE3377', not_surveyed: '#FFFFFF', stale: '#999933' };
const surveyOpacity = 0.6;
const cameraColours = ['#0072B2', '#CC79A7', '#009E73', '#000000', '#5F5F5F'];
const shading = [['#fde68a', 0.35], ['#fdba74', 0.35], ['#f97316', 0.35], ['#c2410c', 0.35]];

/// A TCP proxy to `target` (host:port) on a free port; `offline = true` drops every connection
/// and refuses new ones until it is set back.
function switchableProxy(target) {
  const [host, port] = target.split(':');
  const sockets = new Set();
  const proxy = { offline: false, url: null, server: null,
    setOffline(value) {
      this.offline = value;
      if (value) for (const s of sockets) s.destroy();
    } };
  proxy.server = net.createServer((client) => {
    if (proxy.offline) { client.destroy(); return; }
    const upstream = net.connect(Number(port), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => proxy.server.listen(0, '127.0.0.1', () => {
    proxy.url = `http://127.0.0.1:${proxy.server.address().port}`;
    resolve(proxy);
  }));
}

async function waitForMap(page, name) {
  await page.waitForFunction((n) => window[n] && window[n].isStyleLoaded() && window[n].isSourceLoaded('sightline'), name, { timeout: 30000 });
  await page.evaluate((n) => new Promise((resolve) => { window[n].once('idle', resolve); window[n].triggerRepaint(); }), name);
}

/// The colour [r, g, b] the screen shows at the map position [lon, lat] of the map in `#id`.
async function pixelAt(page, name, selector, lngLat) {
  const point = await page.evaluate(([n, p]) => window[n].project(p), [name, lngLat]);
  const box = await page.locator(selector).boundingBox();
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

// Latin words a Serbian Cyrillic page may show: the brand, data names, the campaign's own name.
const allowedLatin = new Set(['OpenStreetMap', 'Sightline', 'English', 'Srpski', 'Grid', 'walk', 'Disputed', 'MB', 'KB', 'km']);
/// The Latin-script words in the page's visible text outside the allow-list (as districts.mjs).
function latinWords(page) {
  return page.evaluate((allowed) => {
    const words = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('script, style, select, [translate="no"]') || !el.checkVisibility()) continue;
      for (const [found] of n.textContent.replace(/https?:\/\/\S+/g, ' ').matchAll(/[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F²-]*/g)) {
        const w = found.replace(/-+$/, '');
        if (!allowed.includes(w) && !/^[A-Z]{2,}$/.test(w)) words.add(w);
      }
    }
    return [...words];
  }, [...allowedLatin]);
}

const near = (a, b, tolerance = 8) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
const horizontalOverflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

let server = null;
let proxy = null;
let modBrowser = null;
let volunteer = null;
try {
  // The colours first: they need no browser.
  for (const [vision, matrix] of Object.entries(visions)) {
    const drawn = Object.fromEntries(Object.entries(surveyColours).map(([s, c]) => [s, over(c, surveyOpacity, background)]));
    const states = Object.keys(drawn);
    for (let i = 0; i < states.length; i++)
      for (let j = i + 1; j < states.length; j++) {
        const d = distance(drawn[states[i]], drawn[states[j]], matrix);
        assert.ok(d >= 20, `${states[i]} and ${states[j]} ΔE ${d.toFixed(1)} under ${vision}`);
      }
    for (const s of ['surveyed_none', 'surveyed_cameras', 'stale']) {
      const fromCameras = Math.min(...cameraColours.map((c) => distance(drawn[s], c, matrix)));
      const fromShading = Math.min(...shading.map(([c, o]) => distance(drawn[s], over(c, o, background), matrix)));
      assert.ok(fromCameras >= 8, `${s} ΔE ${fromCameras.toFixed(1)} from a camera colour under ${vision}`);
      assert.ok(fromShading >= 8, `${s} ΔE ${fromShading.toFixed(1)} from the viewshed shading under ${vision}`);
    }
  }

  log(`importing ${fixture}`);
  run(['import', fixture, '--data', dataDir, '--quiet']);
  run(['user', 'add', 'mod', '--role', 'moderator', '--password-stdin', '--data', dataDir], password + '\n');
  server = await startServer(binary, dataDir, ['--report-rate', '0', '--web', webDir]);
  proxy = await switchableProxy(new URL(server.url).host);
  const base = proxy.url;
  log(`server ${server.url}, the browser's way to it ${base}`);

  const requests = [];
  const pageErrors = [];
  const watch = (page) => {
    page.on('pageerror', (e) => { pageErrors.push(String(e)); log(`page error: ${e.stack}`); });
    page.on('console', (m) => { if (m.type() === 'error') log(`console: ${m.text()}`); });
    return page;
  };

  // A moderator creates the campaign with the form, over the grid shown on the form's map.
  modBrowser = await launchChromium(chromium, path.join(work, 'profile-moderator'), { viewport: phone });
  modBrowser.on('request', (r) => requests.push(r.url()));
  const mod = watch(await modBrowser.newPage());
  await mod.goto(`${base}/moderation`);
  await mod.fill('#username', 'mod');
  await mod.fill('#password', password);
  await mod.click('#login-form button[type=submit]');
  await mod.waitForSelector('#login-form', { state: 'detached' });
  await mod.evaluate(() => sessionStorage.setItem('sightline.mapView', '#15.5/48.0010/11.0015'));
  await mod.goto(`${base}/campaigns`);
  await mod.waitForSelector('#campaign-new');
  await waitForMap(mod, 'sightlineCampaignNewMap');
  await mod.fill('#campaign-name', 'Grid walk');
  await mod.selectOption('#campaign-unit', 'intersection');
  await mod.fill('#campaign-needed', '1');
  assert.ok(await horizontalOverflow(mod) <= 0, '/campaigns with the form fits 360 px');
  await shot(mod, 'new-campaign');
  await mod.click('#campaign-create');
  await mod.waitForURL(/\/campaign\/\d+$/);
  const id = Number(/\/campaign\/(\d+)$/.exec(mod.url())[1]);
  const api = (p) => mod.evaluate(async (u) => (await fetch(u)).json(), p);
  const created = await api(`/api/v1/campaigns/${id}`);
  assert.equal(created.tasks, 9, `the form's area holds the grid's 9 corners (${JSON.stringify(created)})`);
  assert.equal(created.answers_needed, 1);
  const pendingBefore = (await api('/api/v1/reports?status=pending&limit=100')).reports.length;
  log(`campaign ${id}: ${created.tasks} tasks, ${pendingBefore} pending reports before`);

  // The volunteer, at the south-west corner, on a phone.
  volunteer = await launchChromium(chromium, path.join(work, 'profile-volunteer'), {
    viewport: phone, isMobile: true, hasTouch: true, permissions: ['geolocation'], geolocation: { latitude: 48.0, longitude: 11.0 } });
  const answersSent = [];
  volunteer.on('request', (r) => {
    requests.push(r.url());
    if (r.method() === 'POST' && r.url().endsWith('/answers')) answersSent.push({ url: r.url(), body: JSON.parse(r.postData()) });
  });
  const page = watch(await volunteer.newPage());
  await page.goto(`${base}/campaign/${id}`);
  await page.waitForFunction((name) => document.querySelector('#campaign-title')?.textContent === name, 'Grid walk');
  await waitForMap(page, 'sightlineCampaignMap');
  assert.match(await page.textContent('#campaign-progress'), /0 of 9 places surveyed/);
  await page.click('#save-offline');
  await page.waitForSelector('#save-status[data-done]', { timeout: 60000 });
  const saved = await page.textContent('#save-status');
  log(`saved: ${saved}`);
  assert.match(saved, /Saved for offline use: \d+ map tiles and 9 places, [\d.]+ [KM]B\./);
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the service worker controls the page');
  const cachedTiles = await page.evaluate(async () => (await (await caches.open('sightline-field')).keys()).filter((r) => r.url.includes('/tiles/')).length);
  assert.ok(cachedTiles >= 4, `tiles cached (${cachedTiles})`);
  assert.ok(await horizontalOverflow(page) <= 0, '/campaign/{id} fits 360 px');
  await shot(page, 'saved');
  // Installable: Chromium finds nothing missing (manifest, icon, a worker with a fetch handler).
  const cdp = await volunteer.newCDPSession(page);
  assert.deepEqual((await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, [], 'the app is installable');
  assert.deepEqual((await cdp.send('Page.getAppManifest')).errors, [], 'the manifest has no errors');
  await cdp.detach();

  // Offline: nothing reaches the server any more.
  proxy.setOffline(true);
  await volunteer.setOffline(true);
  await page.reload();
  await page.waitForFunction((name) => document.querySelector('#campaign-title')?.textContent === name, 'Grid walk');
  await page.waitForSelector('#field-connection:not(:empty)');
  await waitForMap(page, 'sightlineCampaignMap');
  const streets = await page.evaluate(() => window.sightlineCampaignMap.querySourceFeatures('sightline', { sourceLayer: 'streets' }).length);
  assert.ok(streets > 0, 'offline, the map is drawn from the saved tiles');
  await page.click('#find-task');
  await page.waitForSelector('#task:not([hidden])');
  assert.match(await page.textContent('#task-status'), /From the saved area/);
  const first = Number(await page.getAttribute('#task', 'data-task'));
  assert.match(await page.textContent('#task-heading'), /^Corner, \d+ m away$/);
  await shot(page, 'offline-task');
  await page.click('#answer-none');
  await page.waitForFunction((t) => document.querySelector('#task')?.dataset.task !== String(t) && !document.querySelector('#task').hidden, first);
  assert.equal(await page.textContent('#field-queue'), say('en', 'field.queue.answers.one', { count: 1 }));
  const second = Number(await page.getAttribute('#task', 'data-task'));
  log(`answered task ${first} offline; next ${second}`);

  // A camera at the next corner, reported with a photo, waits too.
  await page.click('#report-here');
  await page.waitForSelector('#report-field');
  await page.setInputFiles('#report-photos', photo);
  await page.waitForSelector('#photo-status[data-done]');
  await page.click('#report-submit');
  await page.waitForSelector('#report-queued');
  await shot(page, 'report-queued');
  await page.click('#back-to-campaign');
  await page.waitForSelector('#field-queue[data-reports="1"][data-answers="1"]');
  assert.equal(await page.textContent('#field-queue'),
    `${say('en', 'field.queue.answers.one', { count: 1 })} ${say('en', 'field.queue.reports.one', { count: 1 })}`);
  await shot(page, 'queue');
  // "2 cameras here" at the corner of the report: the answer waits behind the report and names it.
  assert.equal(Number(await page.getAttribute('#task', 'data-task')), second);
  assert.match(await page.textContent('#task-reports'), /1 report waiting for a connection goes with your answer/);
  await page.click('#count-plus');
  assert.equal(await page.textContent('#answer-count'), say('en', 'campaign.answer.count.other', { count: 2 }));
  await page.click('#answer-count');
  await page.waitForSelector('#field-queue[data-reports="1"][data-answers="2"]');

  // A second tab: both hear `online` and both try to send the queue.
  const tab = watch(await volunteer.newPage());
  await tab.goto(`${base}/campaign/${id}`);
  await tab.waitForSelector('#field-queue[data-reports="1"][data-answers="2"]');

  // The first delivery of the first answer reaches the server, but its response is lost on the
  // way back: the answer stays in the queue and goes again ("Send now"), with the same answer_id.
  let lost = 0;
  const answersRoute = '**/api/v1/campaigns/*/tasks/*/answers';
  await volunteer.route(answersRoute, async (route) => {
    if (lost) { await route.continue(); return; }
    lost += 1;
    await route.fetch();
    await route.abort('connectionreset');
  });
  proxy.setOffline(false);
  await volunteer.setOffline(false);
  for (let i = 0; i < 300 && !lost; i++) await page.waitForTimeout(100);
  assert.equal(lost, 1, 'one response was lost');
  // Taking the queue's lock waits for the round that lost it to end. The other tab may send the
  // queue right after (it heard `online` too); else "Send now" does.
  await page.evaluate(() => navigator.locks.request('sightline-field-queue', () => true));
  await volunteer.unroute(answersRoute);
  if (await page.isVisible('#field-send')) await page.click('#field-send', { timeout: 2000 }).catch(() => {});
  await page.waitForSelector('#field-queue[data-reports="0"][data-answers="0"]', { timeout: 30000 });
  await tab.waitForSelector('#field-queue[data-reports="0"][data-answers="0"]', { timeout: 30000 });
  assert.equal(await page.textContent('#field-queue'), '');
  await page.waitForTimeout(1500);  // anything sent twice would have arrived by now

  const tasks = (await api(`/api/v1/campaigns/${id}/tasks?limit=100`)).tasks;
  const answered = tasks.find((t) => t.id === first);
  assert.equal(answered.answers, 1, `the corner answered offline has exactly one answer (${JSON.stringify(answered)})`);
  assert.equal(answered.state, 'done');
  assert.equal(answered.cameras, 0);
  const campaign = await api(`/api/v1/campaigns/${id}`);
  assert.equal(campaign.answers, 2, 'two answers in the whole campaign');
  const pending = (await api('/api/v1/reports?status=pending&limit=100')).reports;
  assert.equal(pending.length - pendingBefore, 1, `exactly one new pending report (${pending.length - pendingBefore})`);
  const report = pending[0];
  assert.equal((report.photos || []).length, 1, 'the report came with its photo');
  const secondTask = tasks.find((t) => t.id === second);
  assert.equal(secondTask.answers, 1, `the corner of the report has one answer (${JSON.stringify(secondTask)})`);
  assert.equal(secondTask.cameras, 2);
  const delivered = answersSent.filter((a) => a.url.includes(`/tasks/${second}/`)).map((a) => a.body);
  assert.ok(delivered.length >= 1 && delivered.every((b) => JSON.stringify(b.report_ids) === JSON.stringify([report.id]) && b.answer_id),
    `its answer names the report sent before it (${JSON.stringify(delivered)})`);
  log(`delivered once: task ${first} has ${answered.answers} answer, report #${report.id} with ${report.photos.length} photo`);
  await tab.close();

  // The map's survey layer shows the corner surveyed, the others not.
  const cornerOf = (t) => [t.lon, t.lat];
  const other = tasks.find((t) => t.id !== first && t.id !== second);
  await page.goto(`${base}/#17/${answered.lat}/${answered.lon}`);
  await waitForMap(page, 'sightlineMap');
  await page.click('.sheet-handle');
  await page.click('.sheet-handle');  // peek -> half -> full
  await page.locator('#layer-surveys').scrollIntoViewIfNeeded();
  await page.check('#layer-surveys');
  await page.waitForSelector('#surveys-legend li[data-state]');
  const legend = await page.$$eval('#surveys-legend li', (lis) => lis.map((li) => [li.dataset.state, li.textContent]));
  assert.deepEqual(legend, ['surveyed_none', 'surveyed_cameras', 'not_surveyed', 'stale'].map((s) => [s, say('en', `survey.state.${s}`)]));
  await page.waitForFunction(() => /% of streets watched, [\d.]+ % surveyed/.test(document.querySelector('#coverage-line')?.textContent || ''), null, { timeout: 60000 });
  const coverageLine = await page.textContent('#coverage-line');
  log(coverageLine);
  assert.ok(!/ 0 % surveyed/.test(coverageLine), `part of the view is surveyed: ${coverageLine}`);
  await page.locator('.sheet-handle').click();  // full -> peek: the map in sight
  await page.evaluate((c) => window.sightlineMap.jumpTo({ center: c, zoom: 17 }), cornerOf(answered));
  await waitForMap(page, 'sightlineMap');
  await page.waitForFunction(() => window.sightlineMap.getLayer('surveys-fill') && window.sightlineMap.queryRenderedFeatures({ layers: ['surveys-fill'] }).length > 0, null, { timeout: 10000 })
    .catch(async (e) => {
      log(JSON.stringify(await page.evaluate(() => ({ layer: !!window.sightlineMap.getLayer('surveys-fill'), z: window.sightlineMap.getZoom(), c: window.sightlineMap.getCenter(),
        src: window.sightlineMap.getSource('surveys')?._data?.features?.length, legend: document.querySelector('#surveys-legend')?.textContent, on: document.querySelector('#layer-surveys')?.checked }))));
      throw e;
    });
  const states = await page.evaluate(() => Object.fromEntries(window.sightlineMap.queryRenderedFeatures({ layers: ['surveys-fill'] })
    .map((f) => [f.properties.task, f.properties.state])));
  assert.equal(states[first], 'surveyed_none', `the corner answered offline is surveyed (${JSON.stringify(states)})`);
  assert.equal(states[second], 'surveyed_cameras', 'the corner with two cameras is surveyed with cameras');
  assert.ok(Object.entries(states).filter(([t]) => Number(t) !== first && Number(t) !== second).every(([, s]) => s === 'not_surveyed'),
    'the others are not');
  // The map moved: wait until the layer, asked again after the move, draws that corner.
  const showsTask = async (task) => {
    await page.evaluate((c) => window.sightlineMap.jumpTo({ center: c, zoom: 17 }), cornerOf(task));
    await page.waitForFunction((t) => window.sightlineMap.queryRenderedFeatures({ layers: ['surveys-fill'] })
      .some((f) => f.properties.task === t), task.id);
    await waitForMap(page, 'sightlineMap');
  };
  // 30 m north-east of a corner: inside its circle, off the streets.
  const inside = (t) => [t.lon + 21 / (111195 * Math.cos((t.lat * Math.PI) / 180)), t.lat + 21 / 111195];
  const surveyedPixel = await pixelAt(page, 'sightlineMap', '#map', inside(answered));
  const expected = over(surveyColours.surveyed_none, surveyOpacity, background);
  assert.ok(near(surveyedPixel, expected), `surveyed corner drawn ${surveyedPixel}, expected ${expected}`);
  await showsTask(secondTask);
  const camerasPixel = await pixelAt(page, 'sightlineMap', '#map', inside(secondTask));
  const expectedCameras = over(surveyColours.surveyed_cameras, surveyOpacity, background);
  assert.ok(near(camerasPixel, expectedCameras), `corner with cameras drawn ${camerasPixel}, expected ${expectedCameras}`);
  await showsTask(other);
  const openPixel = await pixelAt(page, 'sightlineMap', '#map', inside(other));
  const expectedOpen = over(surveyColours.not_surveyed, surveyOpacity, background);
  assert.ok(near(openPixel, expectedOpen), `corner not surveyed drawn ${openPixel}, expected ${expectedOpen}`);
  await shot(page, 'survey-layer');

  // The campaigns list: progress.
  await page.goto(`${base}/campaigns`);
  await page.waitForSelector(`.campaign-item[data-id="${id}"] progress`);
  assert.match(await page.textContent(`.campaign-item[data-id="${id}"]`), /2 of 9 places surveyed/);
  assert.equal(await page.getAttribute(`.campaign-item[data-id="${id}"] progress`, 'value'), '2');
  assert.ok(await horizontalOverflow(page) <= 0, '/campaigns fits 360 px');
  await shot(page, 'campaigns');

  // A moderator settles a disputed corner: a second campaign needing 2 equal counts gets 4
  // different ones at one corner (answers_needed + 2 without agreement: disputed).
  const disputedCampaign = await mod.evaluate(async () => {
    const csrf = (await (await fetch('/api/v1/session')).json()).csrf_token;
    const post = async (url, body, headers = {}) => (await fetch(url, { method: 'POST', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', ...headers } })).json();
    const c = await post('/api/v1/campaigns', { name: 'Disputed', bbox: [10.998, 47.998, 11.005, 48.004], unit: 'intersection', answers_needed: 2 },
      { 'X-CSRF-Token': csrf });
    const task = (await (await fetch(`/api/v1/campaigns/${c.id}/next?lat=48.002&lon=11.003`)).json()).task;
    for (const cameras of [0, 1, 2, 3]) await post(`/api/v1/campaigns/${c.id}/tasks/${task.id}/answers`, { cameras, answer_id: `d-${cameras}` });
    return { id: c.id, task: task.id };
  });
  await mod.goto(`${base}/campaign/${disputedCampaign.id}`);
  await mod.waitForSelector(`#disputed li[data-task="${disputedCampaign.task}"]`);
  assert.match(await mod.textContent('#campaign-progress'), /1 place disputed/);
  await mod.fill(`#resolve-count-${disputedCampaign.task}`, '1');
  await mod.click(`#resolve-${disputedCampaign.task}`);
  await mod.waitForSelector('#disputed li[data-task]', { state: 'detached' });
  const settled = (await api(`/api/v1/campaigns/${disputedCampaign.id}/tasks?limit=100`)).tasks.find((t) => t.id === disputedCampaign.task);
  assert.equal(settled.state, 'done', `the moderator settled the disputed corner (${JSON.stringify(settled)})`);
  assert.equal(settled.cameras, 1);
  assert.ok(await horizontalOverflow(mod) <= 0, 'the moderator\'s field view fits 360 px');
  await shot(mod, 'disputed-settled');

  // Serbian Cyrillic, on the phone: the list and the field view with a task and the saved area.
  await page.evaluate(() => localStorage.setItem('sightline.language', 'sr-Cyrl'));
  await page.reload();
  await page.waitForSelector(`.campaign-item[data-id="${id}"] progress`);
  assert.deepEqual(await latinWords(page), [], 'no Latin words on /campaigns in Serbian Cyrillic');
  assert.match(await page.textContent(`.campaign-item[data-id="${id}"]`), /Прегледано 2 од 9 места/);
  // Without the position (refused now): the place nearest the map's centre, and the page says so.
  await volunteer.clearPermissions();
  await page.goto(`${base}/campaign/${id}`);
  await page.waitForSelector('#save-status[data-done]');
  await page.click('#find-task');
  // The corner shown before the reload is on the page at once: wait for the new one's answer.
  await page.waitForFunction((finding) => {
    const status = document.querySelector('#task-status').textContent;
    return status && status !== finding && !document.querySelector('#find-task').disabled;
  }, say('sr-Cyrl', 'campaign.finding'));
  await page.waitForSelector('#task:not([hidden])');
  const fallback = await page.textContent('#task-status');
  assert.ok([say('sr-Cyrl', 'campaign.position.map.denied'), say('sr-Cyrl', 'campaign.position.map.unavailable')].some((m) => fallback.includes(m)),
    `the map's centre stands in for a refused position: ${fallback}`);
  assert.deepEqual(await latinWords(page), [], 'no Latin words on /campaign/{id} in Serbian Cyrillic');
  assert.equal(await page.textContent('#answer-none'), say('sr-Cyrl', 'campaign.answer.none'));
  assert.ok(await horizontalOverflow(page) <= 0, '/campaign/{id} in Serbian Cyrillic fits 360 px');
  await shot(page, 'campaign-sr-Cyrl');

  const foreign = requestsElsewhere(requests, base);
  log(`${requests.length} requests, ${foreign.length} elsewhere`);
  assert.deepEqual(foreign, [], 'requests to other hosts');
  assert.deepEqual(pageErrors, [], 'uncaught page errors');
  log('PASS');
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  proxy?.server.close();
  await tearDown({ browsers: [modBrowser, volunteer], server, work });
}
