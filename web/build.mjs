// Bundles the app with esbuild: node build.mjs --out DIR
// DIR/index.html and DIR/embed.html plus DIR/assets/{app,embed,fonts}-HASH.* (hashed names: served
// as immutable), and of each text file NAME.br and NAME.gz, made once here at the highest levels
// (the server sends the best one the browser accepts as it is).
// Nothing is fetched: MapLibre comes from node_modules, the DejaVu font from fonts-dejavu-core.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf('--out');
const outDir = path.resolve(outIndex > 0 ? process.argv[outIndex + 1] : path.join(here, 'dist'));
const fontDir = '/usr/share/fonts/truetype/dejavu';

if (!existsSync(path.join(fontDir, 'DejaVuSans.ttf'))) {
  console.error(`build.mjs: ${fontDir}/DejaVuSans.ttf is missing: apt-get install fonts-dejavu-core`);
  process.exit(1);
}

// CSS says url(dejavu/DejaVuSans.ttf); this resolves it to the Debian font.
const debianFonts = {
  name: 'debian-fonts',
  setup(b) {
    b.onResolve({ filter: /^dejavu\// }, (args) => ({
      path: path.join(fontDir, args.path.slice('dejavu/'.length)),
    }));
  },
};

const assets = path.join(outDir, 'assets');
rmSync(assets, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

// The embed (/embed) reads only a few sentences: its catalogues keep just those keys.
const embedKeys = /^(attribution|map\.label|camera\.title|embed\..*|kind\..*|status\..*|maplibre\..*)$/;
const embedCatalogues = {
  name: 'embed-catalogues',
  setup(b) {
    b.onLoad({ filter: /[\\/]i18n[\\/][^\\/]+\.json$/ }, (args) => {
      const all = JSON.parse(readFileSync(args.path, 'utf8'));
      const kept = Object.fromEntries(Object.entries(all).filter(([k]) => embedKeys.test(k)));
      return { contents: JSON.stringify(kept), loader: 'json' };
    });
  },
};

const common = {
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: !process.env.SIGHTLINE_WEB_DEBUG,
  outdir: assets,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.ttf': 'file' },
  publicPath: '/assets',
  metafile: true,
  logLevel: 'warning',
};
// Two pages: the app (index.html) and the bare map for iframes (embed.html), each with its own
// bundle so that the embed loads none of the app's views.
const pages = [
  { entry: 'app', source: 'src/main.js', html: 'index.html', plugins: [debianFonts] },
  { entry: 'embed', source: 'src/embed.js', html: 'embed.html', plugins: [debianFonts, embedCatalogues] },
];
const outputs = [];
for (const page of pages) {
  const result = await build({ ...common, entryPoints: { [page.entry]: path.join(here, page.source) }, plugins: page.plugins });
  const names = Object.keys(result.metafile.outputs).map((p) => path.basename(p));
  outputs.push(...names);
  const js = names.find((n) => n.startsWith(`${page.entry}-`) && n.endsWith('.js'));
  const css = names.find((n) => n.startsWith(`${page.entry}-`) && n.endsWith('.css'));
  const html = readFileSync(path.join(here, page.html), 'utf8')
    .replace('%APP_JS%', `/assets/${js}`)
    .replace('%APP_CSS%', `/assets/${css}`);
  writeFileSync(path.join(outDir, page.html), html);
}

// The installable app's manifest and icon (index.html links them), and the offline field mode's
// service worker at DIR/sw.js (served at /sw.js, so that its scope is the whole app). The worker
// keeps the app's own files of this build: their hashed names go into it, so a new build is a new
// worker and the old files' cache is dropped.
for (const name of readdirSync(path.join(here, 'src/static'))) writeFileSync(path.join(assets, name), readFileSync(path.join(here, 'src/static', name)));
const appFiles = outputs.filter((n) => /^(app|DejaVuSans[\w-]*)-[A-Z0-9]{8}\.(js|css|ttf)$/.test(n));
const shell = ['/', ...new Set(appFiles.map((n) => `/assets/${n}`)), '/assets/manifest.webmanifest', '/assets/icon.svg'];
await build({ ...common, entryPoints: { sw: path.join(here, 'src/sw.js') }, entryNames: '[name]', outdir: outDir, publicPath: undefined,
  define: { SHELL: JSON.stringify(shell), SHELL_VERSION: JSON.stringify(appFiles.map((n) => n.replace(/.*-([A-Z0-9]{8})\..*/, '$1')).sort().join('').slice(0, 64)) } });

// Precompressed copies of what compresses (scripts, styles, fonts, maps), kept only when smaller.
const compressible = /\.(js|css|ttf|svg|json|map|webmanifest)$/;
for (const name of readdirSync(assets).filter((n) => compressible.test(n))) {
  const file = path.join(assets, name);
  const data = readFileSync(file);
  const br = brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length } });
  const gz = gzipSync(data, { level: 9 });
  if (br.length < data.length) writeFileSync(`${file}.br`, br);
  if (gz.length < data.length) writeFileSync(`${file}.gz`, gz);
}
console.log(`web app: ${outDir} (${[...new Set(outputs)].join(', ')})`);
