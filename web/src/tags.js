// OpenStreetMap tags in plain words: "camera:mount=pole" -> "Mounted on: a pole".
import { tOr } from './i18n.js';

// Values that are numbers, dates or names (makers, addresses): shown as mapped. An operator goes
// through `value.*`: mappers often give a class ("police", "private", "hotel") instead of a name.
const literalKeys = new Set(['camera:direction', 'height', 'camera:angle', 'start_date', 'manufacturer',
  'model', 'name', 'description', 'note', 'ref', 'source', 'level', 'addr:street', 'addr:housenumber', 'addr:full',
  'surveillance:operator', 'camera:zoom']);

export function tagLabel(key) { return tOr('tag.' + key, key); }

/// An operator in words: a class such as "police" translated, a name as it is.
export function operatorName(value) { return value && tOr('value.' + value, value); }

/// A tag's value in words: each of "a;b" through `value.*` (operator classes such as police or
/// hotel, camera types, mounts, zones), else as mapped.
export function tagValue(key, value) {
  if (literalKeys.has(key)) return value;
  return value.split(';').map((v) => tOr('value.' + v.trim(), v.trim())).join(', ');
}

/// Known tags first, in a sensible order; the rest alphabetically.
export function orderedTags(tags) {
  const order = ['surveillance:type', 'camera:type', 'surveillance', 'surveillance:zone', 'camera:mount',
    'camera:direction', 'camera:angle', 'height', 'operator', 'operator:type', 'manufacturer', 'model', 'start_date'];
  const keys = Object.keys(tags || {});
  return [...order.filter((k) => keys.includes(k)), ...keys.filter((k) => !order.includes(k)).sort()];
}
