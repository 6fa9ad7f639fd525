// What the browser tests share: command-line options, skipping (a failure under CI=true), the
// CLI, the real server on a free port, and the app's sentences in a language.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/// Debian's Chromium: the only browser the tests drive (none is ever downloaded).
export const chromiumPath = '/usr/bin/chromium';

/// The value after `name` on the command line, or `fallback`.
export function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/// Something the test needs is missing: skip (exit 77), or fail under CI=true.
export function skip(message) {
  if (process.env.CI === 'true') {
    console.error(`FAIL (CI=true): ${message}`);
    process.exit(1);
  }
  console.log(`SKIP: ${message}`);
  process.exit(77);
}

/// `binary args...` with `input` on stdin; its stdout, or an error with its stderr.
export function runCli(binary, args, input) {
  const r = spawnSync(binary, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sightline ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/// `binary serve --data DATA --listen 127.0.0.1:0 --no-access-log EXTRA...`; resolves
/// { child, url, stderr() } once it prints its address.
export function startServer(binary, dataDir, extra) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0', '--no-access-log', ...extra],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1], stderr: () => err }); }
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${err}`)); });
  });
}

/// say(lang, key, vars): the page's sentence for a key with {placeholders} filled, as i18n.js's t().
export const sayFrom = (catalogue) => (lang, key, vars = {}) =>
  catalogue[lang][key].replace(/\{(\w+)\}/g, (m, n) => (n in vars ? String(vars[n]) : m));

/// What a browser test named `name` starts from: the repository; playwright-core's `chromium`;
/// the binary, the built app and the artifacts folder from --binary, --web and --artifacts; the
/// app's catalogues; a fresh work folder with `dataDir` in it; `log` (seconds since the start)
/// and `run` (the CLI). Skips when Chromium is missing; throws when the app is not built.
export function browserTest(name) {
  const started = Date.now();
  const { chromium } = createRequire(path.join(repo, 'web/package.json'))('playwright-core');
  const binary = path.resolve(arg('--binary', path.join(repo, 'build/sightline')));
  const webDir = path.resolve(arg('--web', path.join(path.dirname(binary), 'web')));
  const artifacts = path.resolve(arg('--artifacts', path.join(repo, 'tests/artifacts/web')));
  if (!existsSync(chromiumPath)) skip(`${chromiumPath} is missing: apt-get install chromium fonts-dejavu-core`);
  if (!existsSync(path.join(webDir, 'index.html'))) throw new Error(`${webDir}/index.html missing: build the web_app target`);
  mkdirSync(artifacts, { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), `sightline-web-${name}-`));
  const catalogue = Object.fromEntries(['en', 'sr-Latn', 'sr-Cyrl'].map((lang) =>
    [lang, JSON.parse(readFileSync(path.join(repo, `web/src/i18n/${lang}.json`), 'utf8'))]));
  return {
    repo, chromium, binary, webDir, artifacts, work, catalogue,
    dataDir: path.join(work, 'data'),
    log: (m) => console.log(`[${name}] ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${m}`),
    run: (args, input) => runCli(binary, args, input),
  };
}

/// Headless Chromium with a fresh profile at `profileDir` (launchPersistentContext, as Playwright
/// requires for a profile), software GL and no background traffic; `options` add or override.
export function launchChromium(chromium, profileDir, options = {}) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    locale: 'en-US',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-gl=swiftshader', '--enable-unsafe-swiftshader'],
    ...options,
  });
}

/// `shot(page, name)`: a screenshot `${prefix}NN-${name}.png` in `artifacts`, numbered in the
/// order taken, logged; returns its path. `options` go to page.screenshot (fullPage, say).
export function screenshots(artifacts, prefix, log, options = {}) {
  let step = 0;
  return async (page, name) => {
    step += 1;
    const file = path.join(artifacts, `${prefix}${String(step).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, ...options });
    log(`screenshot ${file}`);
    return file;
  };
}

/// The requests that went to another host than `origin` (data: and blob: URLs stay local).
export const requestsElsewhere = (requests, origin) =>
  requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:'));

/// The end of a browser test, whatever happened: closes the browsers, stops the server and
/// deletes the work folder (any of them may not exist yet).
export async function tearDown({ browsers = [], server, work }) {
  for (const browser of browsers) if (browser) await browser.close().catch(() => {});
  if (server) server.child.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
}
