// What the district views share: a district's name in the user's language and script, number
// formats, the choropleth's classes and colours, and the view that shows a bbox in a frame.
import { language } from './i18n.js';

const cyrillicToLatin = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', ђ: 'đ', е: 'e', ж: 'ž', з: 'z', и: 'i', ј: 'j', к: 'k', л: 'l', љ: 'lj',
  м: 'm', н: 'n', њ: 'nj', о: 'o', п: 'p', р: 'r', с: 's', т: 't', ћ: 'ć', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'č',
  џ: 'dž', ш: 'š',
};

/// Serbian Cyrillic in Latin letters (Љ before a capital is LJ, else Lj).
export function toLatin(text) {
  return [...text].map((c, i, all) => {
    const lower = c.toLowerCase();
    const latin = cyrillicToLatin[lower];
    if (latin === undefined) return c;
    if (c === lower) return latin;
    const next = all[i + 1];
    const shout = next && next !== next.toLowerCase();
    return shout ? latin.toUpperCase() : latin[0].toUpperCase() + latin.slice(1);
  }).join('');
}

/// A district's name for the reader: en -> name:en, sr-Latn -> name:sr-Latn or name:sr in Latin
/// letters, sr-Cyrl -> name:sr; else the OSM name.
export function districtName(d, lang = language()) {
  const names = d.names || {};
  if (lang === 'en') return names.en || d.name;
  if (lang === 'sr-Latn') return names['sr-Latn'] || (names.sr ? toLatin(names.sr) : d.name);
  if (lang === 'sr-Cyrl') return names.sr || d.name;
  return d.name;
}

/// Numbers in the interface language: `digits` after the point at most.
export function formatNumber(value, digits = 1) {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return '–';
  return new Intl.NumberFormat(language(), { maximumFractionDigits: digits }).format(value);
}
export function formatShare(value) {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return '–';
  return new Intl.NumberFormat(language(), { style: 'percent', maximumFractionDigits: 0 }).format(value);
}

/// The DORI levels (IEC 62676-4) of the watched shares, from the widest view to the closest.
export const doriLevels = ['detect', 'observe', 'recognise', 'identify'];

/// Five colours from light to dark, drawn at `choroplethOpacity` over the basemap: ColorBrewer's
/// 5-class "Purples" without its lightest, then the darkest of its 9 classes. One hue getting
/// darker keeps its order for colour-blind readers; drawn, neighbouring classes stay at least
/// ΔE 11 apart also under protanopia and deuteranopia, and every class at least ΔE 25 from the
/// map's orange and yellow viewsheds (viridis' and cividis' yellows come within ΔE 2-6 of them;
/// tests/web/districts.mjs checks the figures).
export const choroplethColours = ['#cbc9e2', '#9e9ac8', '#756bb1', '#54278f', '#3f007d'];
export const choroplethOpacity = 0.75;

/// Quantile classes: the upper bounds of the first four of five classes with (about) the same
/// number of districts each. Each class holds the values above the previous bound up to its own.
export function quantileBreaks(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return [];
  return [1, 2, 3, 4].map((k) => sorted[Math.min(sorted.length - 1, Math.ceil((k * sorted.length) / 5) - 1)]);
}

/// The class (0-4) of a value under `breaks`.
export function classOf(value, breaks) {
  let c = 0;
  while (c < breaks.length && value > breaks[c]) c += 1;
  return c;
}

/// The classes' ranges for the legend: [{from, to}] with from = the previous bound (or the
/// smallest value) and to = the bound (or the largest value); classes no value falls in are left out.
export function classRanges(values, breaks) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return [];
  const ranges = [];
  for (let c = 0; c <= breaks.length; c++) {
    const members = sorted.filter((v) => classOf(v, breaks) === c);
    if (members.length) ranges.push({ cls: c, from: members[0], to: members[members.length - 1], count: members.length });
  }
  return ranges;
}

/// The centre and zoom that show `bbox` [W, S, E, N] in a `width` x `height` px frame.
export function viewOfBbox([w, s, e, n], width = 600, height = 400) {
  const mercY = (lat) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
  // MapLibre's world is 512 px wide at zoom 0.
  const zoomX = Math.log2((width * 360) / (512 * Math.max(e - w, 1e-9)));
  const zoomY = Math.log2((height * 2 * Math.PI) / (512 * Math.max(mercY(n) - mercY(s), 1e-12)));
  const zoom = Math.max(0, Math.min(18, Math.min(zoomX, zoomY) - 0.3));
  const lat = (Math.atan(Math.sinh((mercY(n) + mercY(s)) / 2)) * 180) / Math.PI;
  return { zoom: Math.floor(zoom * 10) / 10, lat, lon: (w + e) / 2 };
}
