// End-to-end test of the "Make media safe" page (/safe) in Debian's headless Chromium
// (playwright-core from web/'s devDependencies; no browser is ever downloaded), against the real
// `sightline serve` on a fresh, empty data folder. The test makes its own clip with `ffmpeg` from a
// labelled PASCAL VOC photo (three faces, a location and a creation time, a sine tone), then:
//   - a file that is no photo or video, dropped on the page, and one over --scrub-max-bytes: the
//     errors are the page's own sentences (415, 413);
//   - the clip while the only place in the queue (--scrub-queue 1) is held by an endless upload:
//     the real 503 + Retry-After counts down in the page's words, Cancel stops it;
//   - the clip again, the first POST answered 503 + Retry-After: 2 by the test (the page counts
//     down and sends again), upload and server progress, one download (Playwright download
//     event): ffprobe says H.264 MP4, ~2 s, the sound kept as AAC (or gone when the page offers
//     "Remove the sound" and it is ticked), no location or time tag; in a decoded frame every
//     labelled face box lost its detail while a control region kept it; the job folder
//     DATA/scrub-jobs is empty and the job is gone (404);
//   - a phone (360x740) in Serbian Cyrillic: no English word on the page, no horizontal scrolling,
//     the photo itself made safe and downloaded (JPEG, faces blurred);
//   - every request the page made went to the test server; GET /safe answers the app (a reload
//     or a shared link), checked last.
//
//   node tests/web/scrub.mjs --binary build/sightline --web build/web [--artifacts DIR]
//   node tests/web/scrub.mjs --url http://HOST:PORT --data DATA   (a running server, debugging)
//
// Exit code 77 (CTest's SKIP_RETURN_CODE) when Chromium, ffmpeg or the face photos are missing,
// unless CI=true, where that is a failure.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { arg, requestsElsewhere, sayFrom, screenshots, skip, startServer as startServerAt, tearDown } from './harness.mjs';

const started = Date.now();
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const require = createRequire(path.join(repo, 'web/package.json'));
const { chromium } = require('playwright-core');

const existing = arg('--url', null);
const binary = path.resolve(arg('--binary', path.join(repo, 'build/sightline')));
const webDir = path.resolve(arg('--web', path.join(path.dirname(binary), 'web')));
const artifacts = path.resolve(arg('--artifacts', path.join(repo, 'tests/artifacts/web')));
const sharedData = path.resolve(arg('--shared-data', path.join(repo, '../shared/data')));
const facesDir = path.join(sharedData, 'faces/dlib_pascal_voc');
const chromiumPath = '/usr/bin/chromium';
const catalogue = {
  en: JSON.parse(readFileSync(path.join(repo, 'web/src/i18n/en.json'), 'utf8')),
  'sr-Latn': JSON.parse(readFileSync(path.join(repo, 'web/src/i18n/sr-Latn.json'), 'utf8')),
  'sr-Cyrl': JSON.parse(readFileSync(path.join(repo, 'web/src/i18n/sr-Cyrl.json'), 'utf8')),
};
/// The page's sentence for a key, with {placeholders} filled, as i18n.js's t().
const say = sayFrom(catalogue);

const tool = (name) => spawnSync(name, ['-version'], { stdio: 'ignore' }).status === 0;
if (!existsSync(chromiumPath)) skip(`${chromiumPath} is missing: apt-get install chromium fonts-dejavu-core`);
if (!tool('ffmpeg') || !tool('ffprobe')) skip('ffmpeg/ffprobe are missing: apt-get install ffmpeg');
if (!existsSync(path.join(facesDir, 'faces_gt.csv'))) skip(`${facesDir}/faces_gt.csv is missing (real-data test)`);
if (!existing && !existsSync(path.join(webDir, 'index.html'))) throw new Error(`${webDir}/index.html missing: build the web_app target`);

mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(path.join(os.tmpdir(), 'sightline-web-scrub-'));
const dataDir = existing ? path.resolve(arg('--data', path.join(work, 'data'))) : path.join(work, 'data');
const log = (m) => console.log(`[scrub] ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${m}`);

function startServer(extra) {
  return startServerAt(binary, dataDir, extra);
}

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

/// Scrub jobs by state from /metrics (sightline_scrub_jobs{state="..."}).
async function scrubCounts(base) {
  const text = (await rawGet(base, '/metrics')).body.toString();
  return Object.fromEntries([...text.matchAll(/^sightline_scrub_jobs\{state="(\w+)"\} (\d+)/gm)].map((m) => [m[1], Number(m[2])]));
}
async function waitCounts(base, want, what) {
  const until = Date.now() + 15000;
  let counts = {};
  while (Date.now() < until) {
    counts = await scrubCounts(base);
    if (Object.entries(want).every(([k, v]) => counts[k] === v)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: scrub jobs ${JSON.stringify(counts)}, want ${JSON.stringify(want)}`);
}
/// An upload that never ends (a byte now and then, so it is not a stalled client): it holds a
/// place in the scrub queue until close().
async function holdUploadPlace(base) {
  const u = new URL(base);
  const socket = net.connect(Number(u.port), u.hostname);
  socket.on('error', () => {});
  socket.write(`POST /api/v1/scrub HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: multipart/form-data; boundary=hold\r\n`
    + 'Content-Length: 1000000\r\n\r\n--hold\r\nContent-Disposition: form-data; name="media"; filename="upload"\r\n\r\n');
  const trickle = setInterval(() => socket.write(Buffer.alloc(64)), 200);
  const stop = () => { clearInterval(trickle); socket.destroy(); };
  held.push(stop);
  await waitCounts(base, { uploading: 1 }, 'an upload holds the only place');
  return { close: async () => { stop(); await waitCounts(base, { uploading: 0 }, 'the held place is free again'); } };
}
const held = [];  // stops for held uploads, all called at the end whatever happened

function ffmpeg(args) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'buffer', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
function ffprobe(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-show_chapters', '-of', 'json', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffprobe ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// --- pixels: one frame (or a photo) as 8-bit grey ----------------------------------------------
function grey(file, width, height, atSeconds = null) {
  const seek = atSeconds === null ? [] : ['-ss', String(atSeconds)];
  const raw = ffmpeg([...seek, '-i', file, '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
  assert.equal(raw.length, width * height, `${file}: one ${width}x${height} frame`);
  return { data: raw, width, height };
}
/// Detail and change inside a set of pixels (mask(x, y) true): the variance of the Laplacian in
/// `a` and `b`, and the mean absolute difference between them.
function measure(a, b, mask) {
  const lap = (img, x, y) => {
    const d = img.data; const w = img.width; const i = y * w + x;
    return 4 * d[i] - d[i - 1] - d[i + 1] - d[i - w] - d[i + w];
  };
  let n = 0; let sa = 0; let sa2 = 0; let sb = 0; let sb2 = 0; let diff = 0;
  for (let y = 1; y < a.height - 1; y++) {
    for (let x = 1; x < a.width - 1; x++) {
      if (!mask(x, y)) continue;
      const la = lap(a, x, y); const lb = lap(b, x, y);
      sa += la; sa2 += la * la; sb += lb; sb2 += lb * lb;
      diff += Math.abs(a.data[y * a.width + x] - b.data[y * b.width + x]);
      n += 1;
    }
  }
  return { pixels: n, detailIn: sa2 / n - (sa / n) ** 2, detailOut: sb2 / n - (sb / n) ** 2, change: diff / n };
}
const inBox = (b, margin = 0) => (x, y) => x >= b.x - margin * b.w && x < b.x + b.w * (1 + margin) && y >= b.y - margin * b.h && y < b.y + b.h * (1 + margin);
/// Every labelled face blurred (detail mostly gone, pixels changed) while a region away from the
/// faces kept its detail (so the file is not simply blurred or re-encoded badly everywhere).
function checkBlurred(name, original, result, boxes, content) {
  const faces = boxes.map((b) => measure(original, result, inBox(b)));
  const control = measure(original, result, (x, y) => inBox(content)(x, y) && !boxes.some((b) => inBox(b, 0.6)(x, y)));
  const round = (m) => ({ pixels: m.pixels, detailIn: Math.round(m.detailIn), detailOut: Math.round(m.detailOut), change: +m.change.toFixed(1) });
  log(`${name}: faces ${JSON.stringify(faces.map(round))}, control ${JSON.stringify(round(control))}`);
  assert.ok(control.pixels > 5000, 'a control region away from the faces');
  assert.ok(control.detailOut > 0.5 * control.detailIn, `${name}: the control region kept its detail`);
  faces.forEach((f, i) => {
    assert.ok(f.detailOut < 0.3 * f.detailIn, `${name}: face ${i} lost its detail (${f.detailOut.toFixed(0)} vs ${f.detailIn.toFixed(0)})`);
    assert.ok(f.change > Math.max(4, 3 * control.change), `${name}: face ${i} changed (${f.change.toFixed(1)}) well beyond the control (${control.change.toFixed(1)})`);
  });
}

// --- the inputs ---------------------------------------------------------------------------------
// 2008_001322.jpg (500x375, three labelled faces of 63-90 px), scaled to 480x360 and centred on a
// 640x360 frame: boxes x 0.96, shifted 80 px right.
const photoName = '2008_001322.jpg';
const photoFile = path.join(facesDir, photoName);
const photoBoxes = readFileSync(path.join(facesDir, 'faces_gt.csv'), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split(',')).filter((r) => r[1] === photoName && r[8] === '0')
  .map(([, , , , x, y, w, h]) => ({ x: +x, y: +y, w: +w, h: +h }));
if (!existsSync(photoFile) || photoBoxes.length === 0) skip(`${photoFile} or its labelled faces are missing`);
const scale = 0.96;
const clipBoxes = photoBoxes.map((b) => ({ x: 80 + b.x * scale, y: b.y * scale, w: b.w * scale, h: b.h * scale }));
const clip = path.join(work, 'VID_20261101_120000_protest.mp4');
const location = '+44.8125+020.4612/';
ffmpeg(['-loop', '1', '-framerate', '25', '-i', photoFile, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
  '-t', '2', '-vf', 'scale=480:360,pad=640:360:80:0,format=yuv420p', '-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'aac',
  '-metadata', `location=${location}`, '-metadata', 'creation_time=2026-11-01T12:00:00Z', clip]);
const clipInfo = ffprobe(clip);
assert.equal(clipInfo.format.tags.location, location, 'the test clip carries a location');
assert.equal(clipInfo.streams.filter((s) => s.codec_type === 'audio').length, 1, 'the test clip has sound');
const notMedia = path.join(work, 'notes.mp4');
writeFileSync(notMedia, 'These are notes, not a video.\n'.repeat(20));

let server = null;
let browser = null;
try {
  if (!existing) server = await startServer(['--web', webDir, '--scrub-queue', '1', '--scrub-max-bytes', '1M']);
  const base = existing || server.url;
  const origin = new URL(base).origin;
  log(`server ${base}, data ${dataDir}`);
  const jobsDir = path.join(dataDir, 'scrub-jobs');
  const jobFolders = () => (existsSync(jobsDir) ? readdirSync(jobsDir) : []);
  async function waitJobsEmpty(what) {
    const until = Date.now() + 15000;
    while (jobFolders().length && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(jobFolders(), [], `${what}: DATA/scrub-jobs is empty`);
  }

  // The page is an app route: the server must answer index.html for it (a shared link, a
  // reload). Checked at the end, so that a missing route does not hide the rest.
  const direct = await rawGet(base, '/safe');
  log(`GET /safe: ${direct.status} ${direct.headers['content-type']}`);

  browser = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    locale: 'en-US',
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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
  const shot = screenshots(artifacts, 'scrub-', log);
  const visible = (page, selector, timeout = 30000) => page.waitForSelector(selector, { state: 'visible', timeout });

  // --- desktop, English: from the nav -------------------------------------------------------------
  const page = await newPage({ width: 1280, height: 800 });
  await page.goto(`${base}/stats`);  // any app page; not the map (an empty data folder has no tiles)
  await page.click('#nav a[href="/safe"]');
  await page.waitForURL(`${base}/safe`);
  assert.equal(await page.textContent('h1'), say('en', 'safe.title'));
  assert.equal(await page.getAttribute('#nav a[href="/safe"]', 'aria-current'), 'page');
  assert.ok(await page.isHidden('#scrub-progress'), 'no progress before a file is sent');
  // Every control has a label; the file input is reachable by keyboard and shows focus on its label.
  const unlabelled = await page.$$eval('#scrub input, #scrub button, #scrub select', (els) =>
    els.filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.textContent.trim())).map((e) => e.id));
  assert.deepEqual(unlabelled, [], 'every control has a label');
  assert.equal(await page.getAttribute('#scrub-file', 'accept'), 'image/*,video/*');
  await page.focus('#scrub-start');
  for (let i = (await page.locator('#scrub-drop-audio').count()) ? 2 : 1; i > 0; i--) await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scrub-file', 'Tab reaches the file picker');
  assert.equal(await page.$eval('#scrub-drop .pick', (e) => getComputedStyle(e).outlineStyle), 'solid', 'focus is visible on the picker');
  // Without a file, "Make it safe" says what to do.
  await page.click('#scrub-start');
  assert.equal(await page.textContent('#scrub-form-error'), say('en', 'safe.choose_first'));
  await shot(page, 'empty');

  // A file that is no photo or video, dropped on the page (drag and drop as on a desktop).
  await page.evaluate(async (text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'notes.mp4', { type: 'video/mp4' }));
    const zone = document.getElementById('scrub-drop');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, readFileSync(notMedia, 'utf8'));
  assert.match(await page.textContent('#scrub-chosen'), /notes\.mp4/);
  await page.click('#scrub-start');
  await visible(page, '#scrub-error');
  assert.equal(await page.textContent('#scrub-error'), say('en', 'safe.error.unsupported'), 'the page\'s own sentence for 415');
  log(`not a video: "${await page.textContent('#scrub-error')}" / "${await page.textContent('#scrub-error-detail')}"`);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scrub-error', 'focus moves to the error');
  await shot(page, 'not-media');
  await page.click('#scrub-other');
  assert.ok(await page.isHidden('#scrub-error-box'));
  if (!existing) {
    // Over --scrub-max-bytes (1 MB here): 413, in the page's words, and no "Try again".
    await page.setInputFiles('#scrub-file', { name: 'long.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(2 << 20, 7) });
    await page.click('#scrub-start');
    await visible(page, '#scrub-error');
    assert.equal(await page.textContent('#scrub-error'), say('en', 'safe.error.too_large'), 'the page\'s own sentence for 413');
    assert.ok(await page.isHidden('#scrub-retry'), 'no "Try again" for a file that is too large');
    await page.click('#scrub-other');
  }
  await waitJobsEmpty('after refused files');

  // --- the clip: the queue is full (a real 503), then upload, progress, download -----------------
  await page.setInputFiles('#scrub-file', clip);
  assert.match(await page.textContent('#scrub-chosen'), /VID_20261101_120000_protest\.mp4/);
  if (!existing) {
    // The server runs with --scrub-queue 1: an upload that never ends holds the only place, so
    // the page's POST is refused before its body is read (503 + Retry-After, connection closed).
    const hold = await holdUploadPlace(base);
    await page.click('#scrub-start');
    await page.waitForSelector('#scrub-progress[data-phase="busy"], #scrub-error-box:not([hidden])');
    const shown = await page.textContent('#scrub-progress[data-phase="busy"] #scrub-upload-text').catch(() => null);
    log(`queue full: "${shown ?? await page.textContent('#scrub-error')}"`);
    assert.ok(shown && [...Array(6).keys()].some((i) => shown === say('en', 'safe.busy', { seconds: 30 - i })),
      `a full queue (503 + Retry-After: 30) counts down in the page's words: ${shown}`);
    await shot(page, 'queue-full');
    await page.click('#scrub-cancel');
    assert.ok(await page.isHidden('#scrub-progress'), 'Cancel stops the countdown');
    await hold.close();
  }
  // "Remove the sound" when the page offers it (only once the server honours audio=drop).
  const audioChoice = (await page.locator('#scrub-drop-audio').count()) > 0;
  if (audioChoice) await page.check('#scrub-drop-audio');
  log(`"Remove the sound" offered: ${audioChoice ? 'yes (ticked)' : 'no (the server keeps the sound)'}`);
  let refused = false;
  await page.route('**/api/v1/scrub', async (route) => {
    if (route.request().method() !== 'POST' || refused) return route.continue();
    refused = true;
    await route.fulfill({ status: 503, headers: { 'Retry-After': '2', 'Content-Type': 'application/json' },
      body: JSON.stringify({ error: { code: 'unavailable', message: 'the scrub queue is full' } }) });
    await page.unroute('**/api/v1/scrub');
  });
  // What the page shows over time (phase, server state, the two progress bars, the live text).
  await page.evaluate(() => {
    window.scrubSeen = [];
    const note = () => {
      const p = document.getElementById('scrub-progress');
      window.scrubSeen.push({ phase: p.dataset.phase, state: p.dataset.state, upload: document.getElementById('scrub-upload-bar').value,
        work: document.getElementById('scrub-work-bar').getAttribute('value'), text: document.getElementById('scrub-upload-text').textContent,
        workText: document.getElementById('scrub-work-text').textContent, live: document.getElementById('scrub-live').textContent });
    };
    new MutationObserver(note).observe(document.getElementById('scrub'), { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const accepted = page.waitForResponse((r) => r.url() === `${base}/api/v1/scrub` && r.request().method() === 'POST' && r.status() === 202,
    { timeout: 60000 });
  await page.click('#scrub-start');
  await page.waitForFunction((text) => document.getElementById('scrub-upload-text').textContent.startsWith(text),
    say('en', 'safe.busy', { seconds: 'X' }).split('X')[0]);
  const busyText = await page.textContent('#scrub-upload-text');
  assert.ok([1, 2].some((s) => busyText === say('en', 'safe.busy', { seconds: s })), `503 + Retry-After: "${busyText}"`);
  await shot(page, 'busy');
  const job = await (await accepted).json();
  log(`job accepted: ${JSON.stringify(job)}`);
  assert.match(job.id, /^[0-9a-f]{32,}$/, 'an unguessable job id (>= 128 bits of hex)');
  assert.equal(job.status_url, `/api/v1/scrub/${job.id}`);
  await page.waitForSelector('#scrub-progress[data-phase="waiting"]', { timeout: 60000 });
  await shot(page, 'progress');
  await visible(page, '#scrub-download', 300000);
  const seen = await page.evaluate(() => window.scrubSeen);
  const phases = [...new Set(seen.map((s) => s.phase))];
  const states = [...new Set(seen.map((s) => s.state).filter(Boolean))];
  log(`phases ${phases.join(' > ')}; server states ${states.join(' > ')}; live: ${[...new Set(seen.map((s) => s.live))].join(' | ')}`);
  const order = seen.map((s) => s.phase).filter((p, i, all) => p !== all[i - 1]);
  let at = -1;
  const inOrder = ['busy', 'uploading', 'waiting', 'done'].every((p) => (at = order.indexOf(p, at + 1)) >= 0);
  assert.ok(inOrder, `busy, then sent again, the server's work, done: ${order.join(' > ')}`);
  assert.ok(seen.some((s) => s.phase === 'waiting' && s.upload === 1), 'the upload bar is full once sent');
  const prefix = (key) => say('en', key, { percent: '\u0000' }).split('\u0000')[0];
  assert.ok(seen.some((s) => s.live.startsWith(prefix('safe.uploading.short')))
    && seen.some((s) => s.live === say('en', 'safe.queued') || s.live.startsWith(prefix('safe.running'))),
    'the live region announced the upload and the server\'s work');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scrub-result-title', 'focus moves to the result');
  const resultText = await page.textContent('#scrub-result-text');
  log(`result: "${resultText}"`);
  assert.ok(resultText.startsWith(say('en', 'safe.done.video')) || resultText === say('en', 'safe.done.nofaces'), resultText);
  assert.equal(await page.textContent('#scrub-download'), say('en', 'safe.download.video'));
  await shot(page, 'done');
  // A language switch redraws the page; the finished job and its one download stay.
  await page.selectOption('#language', 'sr-Latn');
  await page.waitForFunction((text) => document.getElementById('scrub-download')?.textContent === text, say('sr-Latn', 'safe.download.video'));
  await page.selectOption('#language', 'en');
  await page.waitForFunction((text) => document.getElementById('scrub-download')?.textContent === text, say('en', 'safe.download.video'));

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#scrub-download')]);
  const safeClip = path.join(work, 'safe-clip.mp4');
  await download.saveAs(safeClip);
  log(`downloaded ${download.suggestedFilename()} (${statSync(safeClip).size} bytes)`);
  assert.ok(!/VID|2026|protest/.test(download.suggestedFilename()), 'the download\'s name does not repeat the original one');
  await visible(page, '#scrub-downloaded');
  assert.ok(await page.isHidden('#scrub-download'), 'offered once');
  await shot(page, 'downloaded');

  // A playable MP4: H.264, ~2 s, no sound (ticked), nothing that says where or when.
  const info = ffprobe(safeClip);
  const video = info.streams.filter((s) => s.codec_type === 'video');
  log(`ffprobe: format ${info.format.format_name}, ${info.format.duration} s, streams ${info.streams.map((s) => s.codec_name).join(', ')}, tags ${JSON.stringify(info.format.tags || {})}`);
  assert.match(info.format.format_name, /mp4/);
  assert.equal(video.length, 1);
  assert.equal(video[0].codec_name, 'h264');
  assert.equal(video[0].width, 640);
  assert.equal(video[0].height, 360);
  assert.ok(Math.abs(Number(info.format.duration) - 2) < 0.25, `duration ${info.format.duration}`);
  const audio = info.streams.filter((s) => s.codec_type === 'audio');
  if (audioChoice) assert.equal(info.streams.length, 1, '"Remove the sound": no audio stream, nothing else');
  else {
    assert.equal(audio.length, 1, 'the sound is kept');
    assert.equal(audio[0].codec_name, 'aac');
    assert.equal(info.streams.length, 2, 'video and sound, nothing else');
  }
  assert.equal(info.chapters.length, 0);
  const tags = JSON.stringify([info.format.tags || {}, ...info.streams.map((s) => s.tags || {})]);
  assert.ok(!/location|creation_time|xyz|44\.8125|2026-11-01/i.test(tags), `no location or time left: ${tags}`);
  assert.ok(!readFileSync(safeClip).includes(Buffer.from('44.8125')), 'the location is nowhere in the file');
  const decoded = spawnSync('ffmpeg', ['-v', 'error', '-i', safeClip, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(decoded.status, 0, `the result decodes cleanly: ${decoded.stderr}`);
  assert.equal(decoded.stderr.trim(), '', 'no decoding errors');
  // Faces blurred: the middle frame of the input and of the result.
  checkBlurred('clip frame at 1 s', grey(clip, 640, 360, 1), grey(safeClip, 640, 360, 1), clipBoxes, { x: 80, y: 0, w: 480, h: 360 });

  // The server kept nothing.
  await waitJobsEmpty('after the download');
  assert.equal((await rawGet(base, job.status_url)).status, 404, 'the job is gone after the download');
  assert.equal((await rawGet(base, `${job.status_url}/result`)).status, 404, 'the result can be downloaded once');

  // --- a phone in Serbian Cyrillic: the photo --------------------------------------------------------
  const phone = await newPage({ width: 360, height: 740 });
  await phone.goto(`${base}/stats`);
  // On a phone the navigation and the language picker are in the menu.
  await phone.click('#menu-toggle');
  await phone.click('#nav a[href="/safe"]');
  await phone.click('#menu-toggle');
  await phone.selectOption('#language', 'sr-Cyrl');
  await phone.waitForFunction((title) => document.querySelector('h1').textContent === title, say('sr-Cyrl', 'safe.title'));
  // No English word left: every text and label in the nav and the page, hidden parts included.
  const english = (p, allowed = []) => p.evaluate((allow) => {
    const words = [];
    const roots = [document.getElementById('nav'), document.getElementById('main')];
    for (const root of roots) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) words.push(...(walker.currentNode.textContent.match(/[A-Za-z]{2,}/g) || []));
      for (const el of root.querySelectorAll('[aria-label], [placeholder], [title], [alt]')) {
        for (const a of ['aria-label', 'placeholder', 'title', 'alt']) words.push(...((el.getAttribute(a) || '').match(/[A-Za-z]{2,}/g) || []));
      }
    }
    return words.filter((w) => !allow.includes(w));
  }, ['MP', 'KB', 'MB', 'GB', ...allowed]);
  assert.deepEqual(await english(phone), [], 'no English on the page in Serbian Cyrillic');
  const overflow = () => phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(await overflow() <= 0, 'no horizontal scrolling at 360 px');
  const pick = await phone.locator('#scrub-drop .pick').boundingBox();
  log(`phone: the picker is at y ${Math.round(pick.y)}-${Math.round(pick.y + pick.height)} of 740`);
  assert.ok(pick.y + pick.height <= 740, 'the picker is on the first screen of a phone');
  await shot(phone, 'phone-sr-cyrl');
  await phone.setInputFiles('#scrub-file', photoFile);
  await phone.click('#scrub-start');
  await visible(phone, '#scrub-download', 120000);
  assert.deepEqual(await english(phone, ['jpg']), [], 'no English once done');
  assert.ok(await overflow() <= 0, 'no horizontal scrolling at 360 px once done');
  const photoResult = await phone.textContent('#scrub-result-text');
  log(`photo result: "${photoResult}"`);
  assert.ok(photoResult.startsWith(say('sr-Cyrl', 'safe.done.photo')), photoResult);
  assert.equal(await phone.textContent('#scrub-download'), say('sr-Cyrl', 'safe.download.photo'));
  await phone.locator('#scrub-result').scrollIntoViewIfNeeded();
  await shot(phone, 'phone-done');
  const [photoDownload] = await Promise.all([phone.waitForEvent('download'), phone.click('#scrub-download')]);
  const safePhoto = path.join(work, 'safe-photo.jpg');
  await photoDownload.saveAs(safePhoto);
  log(`downloaded ${photoDownload.suggestedFilename()} (${statSync(safePhoto).size} bytes)`);
  const bytes = readFileSync(safePhoto);
  assert.ok(bytes[0] === 0xff && bytes[1] === 0xd8, 'a JPEG');
  const photoInfo = ffprobe(safePhoto).streams[0];
  checkBlurred('photo', grey(photoFile, photoInfo.width, photoInfo.height), grey(safePhoto, photoInfo.width, photoInfo.height),
    photoBoxes.map((b) => ({ x: (b.x * photoInfo.width) / 500, y: (b.y * photoInfo.height) / 375, w: (b.w * photoInfo.width) / 500, h: (b.h * photoInfo.height) / 375 })),
    { x: 0, y: 0, w: photoInfo.width, h: photoInfo.height });
  await visible(phone, '#scrub-downloaded');
  assert.ok(await overflow() <= 0, 'no horizontal scrolling at 360 px after the download');
  await phone.locator('#scrub-result').scrollIntoViewIfNeeded();
  await shot(phone, 'phone-downloaded');
  await waitJobsEmpty('after the photo');

  // --- every request went to the test server ------------------------------------------------------
  const foreign = requestsElsewhere(requests, origin);
  log(`${requests.length} requests, ${foreign.length} elsewhere`);
  assert.deepEqual(foreign, [], 'requests to other hosts');
  assert.deepEqual(pageErrors, [], 'uncaught page errors');
  assert.equal(direct.status, 200, 'GET /safe answers the app: "/safe" belongs in the app routes of web_endpoints.cpp');
  assert.match(direct.headers['content-type'], /^text\/html/);
  log(`PASS in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(e);
  if (server) console.error(`server stderr (last 2000 characters):\n${server.stderr().slice(-2000)}`);
  process.exitCode = 1;
} finally {
  held.forEach((stop) => stop());
  await tearDown({ browsers: [browser], server, work });
}
