// The app shell: client-side routes (/, /camera/{id}, /report, /safe, /moderation, /stats,
// /districts, /district/{id}, /campaigns, /campaign/{id}; the server answers index.html for each),
// the language switch, the DejaVu font MapLibre draws labels with, and the offline queue sent
// wherever the app opens while anything waits in it.
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';
import { applyStatic, language, setLanguage, onLanguageChange } from './i18n.js';
import { clear } from './dom.js';
import * as mapView from './map_view.js';
import * as cameraView from './camera_view.js';
import * as reportView from './report_view.js';
import * as moderationView from './moderation_view.js';
import * as statsView from './stats_view.js';
import * as scrubView from './scrub_view.js';
import * as districtsView from './districts_view.js';
import * as districtView from './district_view.js';
import * as campaignsView from './campaigns_view.js';
import * as campaignView from './campaign_view.js';
import { startQueue, queuedFlag } from './field_store.js';

const routes = [
  { pattern: /^\/$/, view: mapView, nav: '/' },
  { pattern: /^\/camera\/(?<id>\d+)$/, view: cameraView, nav: '/' },
  { pattern: /^\/report$/, view: reportView, nav: '/report' },
  { pattern: /^\/safe$/, view: scrubView, nav: '/safe' },
  { pattern: /^\/moderation$/, view: moderationView, nav: '/moderation' },
  { pattern: /^\/stats$/, view: statsView, nav: '/stats' },
  { pattern: /^\/districts$/, view: districtsView, nav: '/districts' },
  { pattern: /^\/district\/(?<id>\d+)$/, view: districtView, nav: '/districts' },
  { pattern: /^\/campaigns$/, view: campaignsView, nav: '/campaigns' },
  { pattern: /^\/campaign\/(?<id>\d+)$/, view: campaignView, nav: '/campaigns' },
];

let cleanup = null;
let lastMapHash = mapView.defaultView;
let shownPath = null;

function show() {
  const main = document.getElementById('main');
  // MapLibre takes its position out of the URL when the map is removed: a redraw in place (a
  // language switch) keeps it.
  const hash = location.hash;
  if (cleanup) { try { cleanup(); } catch { /* a view that failed to start */ } }
  if (hash && !location.hash) history.replaceState(history.state, '', location.pathname + location.search + hash);
  cleanup = null;
  clear(main);
  setMenu(false);
  const route = routes.find((r) => r.pattern.test(location.pathname)) || routes[0];
  const params = route.pattern.exec(location.pathname)?.groups || {};
  document.body.dataset.view = route.view === mapView ? 'map' : route.nav.slice(1);
  for (const a of document.querySelectorAll('#nav a')) a.setAttribute('aria-current', a.getAttribute('href') === route.nav ? 'page' : 'false');
  cleanup = route.view.render(main, params) || null;
  shownPath = location.pathname;
}

function go(path) {
  if (location.pathname === '/' && location.hash) lastMapHash = location.hash;
  if (path === '/' ) path = '/' + lastMapHash;
  history.pushState(null, '', path);
  show();
  document.getElementById('main').focus({ preventScroll: true });
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  const url = new URL(a.href);
  go(url.pathname === '/' && url.hash ? '/' + url.hash : url.pathname);
  if (url.pathname === '/' && url.hash) lastMapHash = url.hash;
});
window.addEventListener('sightline:navigate', (e) => go(e.detail));
// A hash typed or pasted into the address bar on the map page also fires popstate: MapLibre's
// hash handler moves the map there (jumpTo), and drawing the page again would lose its state.
window.addEventListener('popstate', () => {
  if (location.pathname === shownPath && document.body.dataset.view === 'map') return;
  show();
});
// A withdraw link (/report#withdraw=ID:TOKEN) opened on the report page itself.
window.addEventListener('hashchange', () => { if (location.pathname === '/report') show(); });

// Phones: the navigation and the language picker fold behind one menu button (style.css shows
// the button only on narrow screens; wider ones show the menu's content in the bar).
const menuButton = document.getElementById('menu-toggle');
function setMenu(open) {
  menuButton.setAttribute('aria-expanded', String(open));
  menuButton.closest('.topbar').dataset.menu = open ? 'open' : 'closed';
}
menuButton.addEventListener('click', () => setMenu(menuButton.getAttribute('aria-expanded') !== 'true'));
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || menuButton.getAttribute('aria-expanded') !== 'true') return;
  setMenu(false);
  menuButton.focus();
});

const picker = document.getElementById('language');
picker.value = language();
picker.addEventListener('change', () => {
  // On a phone the picker folds away with the menu: the focus goes back to the menu button.
  const fromMenu = menuButton.getAttribute('aria-expanded') === 'true';
  setMenu(false);
  setLanguage(picker.value);
  if (fromMenu) menuButton.focus();
});
onLanguageChange(() => { picker.value = language(); show(); });

applyStatic(document);
if (localStorage.getItem(queuedFlag)) startQueue();
// MapLibre draws labels with the page's fonts: load DejaVu first so the first tiles use it.
document.fonts.load('16px "DejaVu Sans"').catch(() => {}).finally(show);
