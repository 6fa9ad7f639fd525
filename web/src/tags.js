// OpenStreetMap tags in plain words: "camera:mount=pole" -> "Mounted on: a pole".
import { tOr } from './i18n.js';

export function tagLabel(key) { return tOr('tag.' + key, key); }
export function tagValue(key, value) {
  if (key === 'camera:direction' || key === 'height' || key === 'camera:angle' || key === 'start_date') return value;
  return value.split(';').map((v) => tOr('value.' + v.trim(), v.trim())).join(', ');
}

/// Known tags first, in a sensible order; the rest alphabetically.
export function orderedTags(tags) {
  const order = ['surveillance:type', 'camera:type', 'surveillance', 'surveillance:zone', 'camera:mount',
    'camera:direction', 'camera:angle', 'height', 'operator', 'manufacturer', 'model', 'start_date'];
  const keys = Object.keys(tags || {});
  return [...order.filter((k) => keys.includes(k)), ...keys.filter((k) => !order.includes(k)).sort()];
}
