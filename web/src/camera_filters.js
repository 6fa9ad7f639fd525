// The map's camera filters (Type, Status, Operator), shared by the main map and the embed: as a
// MapLibre filter, on a camera from the API, and as the embed's query syntax
// (`/embed#16/48.1374/11.5755?type=fixed&status=verified&operator=police&lang=sr-Latn`).
import { kindFilter, isOfKind, legendKinds } from './mapstyle.js';

export const statuses = ['reported', 'verified', 'disputed', 'removed'];

/// A MapLibre filter for the `cameras` layer. The tiles carry no operator: `operatorIds` are the
/// ids of the cameras in view that match it (from the API), or null while unknown.
export function cameraFilter(filters, operatorIds) {
  const parts = ['all', ['!', ['has', 'cluster']]];
  if (filters.kind) parts.push(kindFilter(filters.kind));
  if (filters.status) parts.push(['==', ['get', 'status'], filters.status]);
  if (filters.operator && operatorIds) parts.push(['in', ['get', 'id'], ['literal', operatorIds]]);
  return parts;
}

/// The operator filter: its text in the camera's operator, manufacturer or model (API properties).
export function matchesOperator(filters, p) {
  const needle = filters.operator.toLowerCase();
  return ['operator', 'manufacturer', 'model'].some((k) => (p.tags?.[k] || '').toLowerCase().includes(needle));
}

/// The map's filters, on a camera from the API.
export function passesFilters(filters, p) {
  if (filters.kind && !isOfKind(filters.kind, p.kind)) return false;
  if (filters.status && p.status !== filters.status) return false;
  return !filters.operator || matchesOperator(filters, p);
}

/// The embed's address: `#ZOOM/LAT/LON?type=&status=&operator=&lang=&district=` (the filters
/// inside the hash, after the position; query parameters before the hash are read too, the hash's
/// win). Unknown or malformed values are ignored. Returns { view: {zoom, lat, lon} | null,
/// filters, lang, district: id | null }.
export function parseEmbedAddress(search, hash) {
  const [position, query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  for (const [k, v] of new URLSearchParams(query)) params.set(k, v);
  const [zoom, lat, lon] = position.split('/').map(Number);
  const view = [zoom, lat, lon].every(Number.isFinite) && position.split('/').length >= 3
    && zoom >= 0 && zoom <= 22 && Math.abs(lat) <= 85.06 && Math.abs(lon) <= 180 ? { zoom, lat, lon } : null;
  const type = params.get('type') || '';
  const status = params.get('status') || '';
  return {
    view,
    filters: {
      kind: legendKinds.includes(type) ? type : '',
      status: statuses.includes(status) ? status : '',
      operator: (params.get('operator') || '').trim().slice(0, 100),
    },
    lang: params.get('lang') || '',
    district: /^\d{1,15}$/.test(params.get('district') || '') ? Number(params.get('district')) : null,
  };
}

/// The embed's address for a view and filters (the inverse of parseEmbedAddress).
export function embedUrl(origin, { zoom, lat, lon }, filters = {}, lang = '', district = null) {
  const params = new URLSearchParams();
  if (district !== null && district !== undefined) params.set('district', String(district));
  if (filters.kind) params.set('type', filters.kind);
  if (filters.status) params.set('status', filters.status);
  if (filters.operator) params.set('operator', filters.operator);
  if (lang) params.set('lang', lang);
  const query = params.toString();
  const round = (v, digits) => Number(v.toFixed(digits));
  return `${origin}/embed#${round(zoom, 2)}/${round(lat, 5)}/${round(lon, 5)}${query ? '?' + query : ''}`;
}
