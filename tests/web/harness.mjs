// What the browser tests share: command-line options, skipping (a failure under CI=true), the
// CLI, the real server on a free port, and the app's sentences in a language.
import { spawn, spawnSync } from 'node:child_process';

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
