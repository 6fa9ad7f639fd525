// "Save this area for offline use" on a campaign's page: registers the service worker (sw.js,
// which keeps the app's own files), then puts into the cache "sightline-field" the vector tiles
// of the campaign's box at zooms 14 to 17 (at most maxTiles), the tilejson, the list of campaigns
// and this one, its tasks (GET /api/v1/surveys over the box: every task with its state) and the cameras in the box;
// the tasks also go into IndexedDB (field_store.js), where the page picks the nearest task from
// when it has no connection.
import { areas } from './field_store.js';

export const fieldCache = 'sightline-field';
export const offlineZooms = [14, 15, 16, 17];
/// More tiles than this is more than a volunteer's afternoon: the area is refused (a smaller
/// campaign, or several, does it).
export const maxTiles = 1500;

/// Whether this browser can keep an area (service workers, the Cache API and IndexedDB).
export const offlineSupported = () => 'serviceWorker' in navigator && 'caches' in window && 'indexedDB' in window;

/// Registers /sw.js (scope: the whole app) and waits until it controls the page.
export async function registerWorker() {
  if (!('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => {
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true });
      setTimeout(resolve, 3000);
    });
  }
  return registration;
}

const tileX = (lon, z) => Math.floor(((lon + 180) / 360) * 2 ** z);
const tileY = (lat, z) => {
  const r = (lat * Math.PI) / 180;
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
};

/// The tiles {z, x, y} covering bbox [W, S, E, N] at `zooms`.
export function tilesFor([w, s, e, n], zooms = offlineZooms) {
  const tiles = [];
  for (const z of zooms)
    for (let x = tileX(w, z); x <= tileX(e, z); x++)
      for (let y = tileY(n, z); y <= tileY(s, z); y++) tiles.push({ z, x, y });
  return tiles;
}

/// Saves campaign `campaign` (as GET /api/v1/campaigns/{id} answers it) for offline use.
/// onProgress({done, total, bytes}) after each tile. Resolves with {tiles, bytes, tasks}; throws
/// an Error with code 'too_many_tiles' ({count}) or an ApiError.
export async function saveArea(campaign, onProgress = () => {}) {
  await registerWorker();
  const cache = await caches.open(fieldCache);
  const bbox = campaign.bbox;
  const tilejsonUrl = new URL('/tiles/tilejson.json', location.origin).href;
  const tilejsonResponse = await fetch(tilejsonUrl, { credentials: 'same-origin' });
  if (!tilejsonResponse.ok) throw Object.assign(new Error('tilejson'), { code: 'network' });
  const tilejson = await tilejsonResponse.clone().json();
  await cache.put(tilejsonUrl, tilejsonResponse);
  const zooms = offlineZooms.filter((z) => z >= (tilejson.minzoom ?? 0) && z <= (tilejson.maxzoom ?? 22));
  const tiles = tilesFor(bbox, zooms);
  if (tiles.length > maxTiles) throw Object.assign(new Error('too many tiles'), { code: 'too_many_tiles', count: tiles.length });
  const template = tilejson.tiles[0];
  let done = 0;
  let bytes = 0;
  const queue = [...tiles];
  // Four at a time: the server renders tiles on demand.
  await Promise.all([0, 1, 2, 3].map(async () => {
    for (let tile = queue.shift(); tile; tile = queue.shift()) {
      const url = template.replace('{z}', tile.z).replace('{x}', tile.x).replace('{y}', tile.y);
      const response = await fetch(url, { credentials: 'same-origin' });
      if (response.ok) {
        const body = await response.clone().arrayBuffer();
        bytes += body.byteLength;
        await cache.put(url, response);
      }
      done += 1;
      onProgress({ done, total: tiles.length, bytes });
    }
  }));
  // The API reads the campaign's page makes, kept as the worker answers them offline.
  const box = bbox.map((v) => Number(v).toFixed(6));
  const reads = ['/api/v1/campaigns', `/api/v1/campaigns/${campaign.id}`, `/api/v1/surveys?bbox=${box.join(',')}`,
    `/api/v1/cameras?bbox=${box.join(',')}&limit=10000`];
  let surveys = null;
  for (const path of reads) {
    const response = await fetch(path, { credentials: 'same-origin' });
    if (!response.ok) continue;
    const copy = response.clone();
    bytes += (await copy.clone().arrayBuffer()).byteLength;
    if (path.startsWith('/api/v1/surveys')) surveys = await copy.json();
    await cache.put(new URL(path, location.origin).href, response);
  }
  const tasks = (surveys?.features || []).filter((f) => Number(f.properties.campaign) === Number(campaign.id));
  const previous = await areas.get(campaign.id);
  await areas.put({ campaign: Number(campaign.id), name: campaign.name, bbox, unit: campaign.unit, tasks,
    answered: previous?.answered || [], tiles: tiles.length, bytes, savedAt: Date.now() });
  return { tiles: tiles.length, bytes, tasks: tasks.length };
}

const metresPerDegLat = 111195;
/// Metres between two positions (an equirectangular approximation, exact enough within a city).
export function distanceM(lat1, lon1, lat2, lon2) {
  const dx = (lon2 - lon1) * metresPerDegLat * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  return Math.hypot(dx, (lat2 - lat1) * metresPerDegLat);
}

/// The task of a saved area nearest [lat, lon] that is not surveyed (or stale) and was not
/// answered on this device, as the server's task object (id, lat, lon, bbox, unit), or null.
export function nearestSavedTask(area, lat, lon, skip = []) {
  const answered = new Set([...(area.answered || []), ...skip].map(Number));
  let best = null;
  for (const f of area.tasks) {
    const p = f.properties;
    if ((p.state !== 'not_surveyed' && p.state !== 'stale') || answered.has(Number(p.task))) continue;
    const [tlon, tlat] = centreOf(f.geometry);
    const d = distanceM(lat, lon, tlat, tlon);
    if (!best || d < best.d) best = { d, task: { id: Number(p.task), campaign: Number(p.campaign), unit: p.unit, lat: tlat, lon: tlon, bbox: bboxOf(f.geometry, tlon, tlat), state: 'open', offline: true } };
  }
  return best?.task || null;
}

function centreOf(geometry) {
  if (geometry.type === 'Point') return geometry.coordinates;
  const ring = geometry.coordinates[0].slice(0, -1);
  return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
}
function bboxOf(geometry, lon, lat) {
  if (geometry.type === 'Point') return [lon, lat, lon, lat];
  const xs = geometry.coordinates[0].map((p) => p[0]);
  const ys = geometry.coordinates[0].map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/// Whether a failed request means "no connection" (then the page works from the saved area).
export const isOffline = (err) => !navigator.onLine || err?.code === 'network' || err?.status === 0;

