// The interface language: one catalogue per language (src/i18n/*.json), remembered in
// localStorage. t('key', {name: value}) fills {name} placeholders.
import en from './i18n/en.json';
import srLatn from './i18n/sr-Latn.json';
import srCyrl from './i18n/sr-Cyrl.json';

const catalogues = { en, 'sr-Latn': srLatn, 'sr-Cyrl': srCyrl };
const storageKey = 'sightline.language';
let current = 'en';
const listeners = [];

function initialLanguage() {
  // A framed page (the embed) may be refused its storage when the browser blocks third-party data.
  let saved = null;
  try { saved = localStorage.getItem(storageKey); } catch { /* no storage: the browser's language */ }
  if (saved && catalogues[saved]) return saved;
  const browser = (navigator.language || '').toLowerCase();
  if (browser.startsWith('sr')) return browser.includes('latn') ? 'sr-Latn' : 'sr-Cyrl';
  return 'en';
}
current = initialLanguage();

export function language() { return current; }

export function t(key, vars = {}) {
  const text = catalogues[current][key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/// A translation if the catalogue has one, else the fallback (for tag values and the like).
export function tOr(key, fallback) {
  return catalogues[current][key] ?? en[key] ?? fallback;
}

/// A count in the language's plural form: `key.one`, `key.few` or `key.other` (Intl.PluralRules),
/// with {count} filled.
export function tCount(key, count, vars = {}) {
  const form = `${key}.${new Intl.PluralRules(current).select(count)}`;
  return t(catalogues[current][form] !== undefined || en[form] !== undefined ? form : `${key}.other`, { count, ...vars });
}

export function setLanguage(lang) {
  if (!catalogues[lang] || lang === current) return;
  current = lang;
  localStorage.setItem(storageKey, lang);
  applyStatic(document);
  for (const fn of listeners) fn(lang);
}

/// The language for this page only, not remembered (the embed's `lang=`); false if unknown.
export function useLanguage(lang) {
  if (!catalogues[lang]) return false;
  current = lang;
  document.documentElement.lang = current;
  return true;
}

export function onLanguageChange(fn) { listeners.push(fn); }

/// Fills every [data-i18n] element's text and [data-i18n-placeholder] / [data-i18n-label].
export function applyStatic(root) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

// The server's error codes (src/core/error.hpp); anything else (network, http_NNN) is the app's own.
const serverCodes = new Set(['invalid_argument', 'unprocessable', 'not_found', 'conflict', 'too_large',
  'unsupported_media_type', 'unauthorized', 'forbidden', 'rate_limited', 'unavailable', 'internal']);
// Where the server's English message says more than the app's sentence (which point is off the
// streets, which field is wrong); shown in English only, since it is never translated.
const detailedContexts = new Set(['route', 'report', 'moderation']);

/// A readable message for an ApiError, chosen by its code and what the user was doing (`context`:
/// login, report, photo, route, search, moderation, withdraw, or '' for a plain read):
/// `error.CONTEXT.CODE`, else `error.CODE`, else `error.other`. The server's English message is
/// never shown in another language.
export function errorText(err, context = '') {
  const key = [`error.${context}.${err.code}`, `error.${err.code}`].find((k) => k in en) || 'error.other';
  const text = t(key, { status: err.status });
  const detail = current === 'en' && detailedContexts.has(context) && serverCodes.has(err.code) && err.message;
  return detail ? `${text} ${t('error.detail', { message: err.message })}` : text;
}

// MapLibre GL JS's own tooltips and labels (its `locale` option), by its keys.
const mapKeys = {
  'NavigationControl.ZoomIn': 'maplibre.zoom_in', 'NavigationControl.ZoomOut': 'maplibre.zoom_out',
  'NavigationControl.ResetBearing': 'maplibre.reset_bearing', 'AttributionControl.ToggleAttribution': 'maplibre.attribution',
  'AttributionControl.MapFeedback': 'maplibre.feedback', 'FullscreenControl.Enter': 'maplibre.fullscreen',
  'FullscreenControl.Exit': 'maplibre.fullscreen_exit', 'GeolocateControl.FindMyLocation': 'maplibre.locate',
  'GeolocateControl.LocationNotAvailable': 'maplibre.locate_unavailable', 'LogoControl.Title': 'maplibre.logo',
  'Map.Title': 'maplibre.map', 'Marker.Title': 'maplibre.marker', 'Popup.Close': 'maplibre.close',
  'GlobeControl.Enable': 'maplibre.globe_on', 'GlobeControl.Disable': 'maplibre.globe_off',
  'TerrainControl.Enable': 'maplibre.terrain_on', 'TerrainControl.Disable': 'maplibre.terrain_off',
};

/// The `locale` option for `new maplibregl.Map()` in the current language.
export function mapLocale() {
  return Object.fromEntries(Object.entries(mapKeys).map(([mapKey, key]) => [mapKey, t(key)]));
}

/// t() for a sentence about pointing at the screen: `key.tap` on a touch screen (a coarse
/// pointer), `key.click` with a mouse or a pen.
export function tPointer(key, vars = {}) {
  return t(`${key}.${matchMedia('(pointer: coarse)').matches ? 'tap' : 'click'}`, vars);
}
