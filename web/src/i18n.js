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
  const saved = localStorage.getItem(storageKey);
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

export function onLanguageChange(fn) { listeners.push(fn); }

/// Fills every [data-i18n] element's text and [data-i18n-placeholder] / [data-i18n-label].
export function applyStatic(root) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

/// A readable message for an ApiError.
export function errorText(err) {
  const key = 'error.' + err.code;
  const vars = { code: err.code, message: err.message };
  return catalogues.en[key] ? t(key, vars) : t('error.other', vars);
}

/// t() for a sentence about pointing at the screen: `key.tap` on a touch screen (a coarse
/// pointer), `key.click` with a mouse or a pen.
export function tPointer(key, vars = {}) {
  return t(`${key}.${matchMedia('(pointer: coarse)').matches ? 'tap' : 'click'}`, vars);
}
