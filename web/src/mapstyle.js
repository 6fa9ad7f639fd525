// The MapLibre style: Sightline's own vector tiles (/tiles/tilejson.json) for the basemap and
// the cameras; no glyphs URL, so MapLibre draws labels locally with the DejaVu font the page
// loads itself (MapLibre >= 5.11). Nothing comes from another host.
import { t } from './i18n.js';

/// Where the map opens without a position in its address. Zoom 15: the first zoom at which this
/// style draws street names and the viewsheds.
export const defaultView = '#15/48.1374/11.5755';

// Okabe-Ito colours (distinct for the common colour-vision deficiencies), none of them the
// orange and yellow of the viewshed shading (levelColours): see web/README.md.
export const kindColours = {
  fixed: '#0072B2', dome: '#CC79A7', panning: '#009E73', ALPR: '#000000', other: '#5F5F5F',
};
/// The types drawn in their own colour; every other type ("camera", "unknown", ...) is `other`.
export const namedKinds = ['fixed', 'dome', 'panning', 'ALPR'];
/// Legend and filter entries: the named types, then `other`.
export const legendKinds = [...namedKinds, 'other'];

/// Whether a camera of type `type` belongs to the legend entry `kind` (as kindFilter draws it).
export function isOfKind(kind, type) {
  return kind === 'other' ? !namedKinds.includes(type) : type === kind;
}

/// A filter expression for cameras of one legend entry.
export function kindFilter(kind) {
  return kind === 'other' ? ['!', ['in', ['get', 'type'], ['literal', namedKinds]]] : ['==', ['get', 'type'], kind];
}
export const statusColours = {
  reported: '#f2c744', verified: '#2ca02c', disputed: '#e377c2', removed: '#444444',
};

/// What each camera can see, by IEC 62676-4 level (server-side viewsheds, buildings occluding).
/// The layers of an official list against the crowd's map (map_view.js), Okabe-Ito colours not
/// used by the camera types, each with a stroke so it reads on the basemap and in grey.
export const listLayerColours = {
  both: '#56B4E9', only_list: '#D55E00', only_crowd: '#F0E442', ambiguous: '#FFFFFF',
};
export const listLayers = ['both', 'only_list', 'only_crowd', 'ambiguous'];

export const levelColours = {
  detect: '#fde68a', observe: '#fdba74', recognise: '#f97316', identify: '#c2410c',
};

export function kindColourExpression() {
  return ['match', ['get', 'type'], ...namedKinds.flatMap((k) => [k, kindColours[k]]), kindColours.other];
}

export function statusColourExpression() {
  return ['match', ['get', 'status'],
    'reported', statusColours.reported, 'verified', statusColours.verified,
    'disputed', statusColours.disputed, 'removed', statusColours.removed, '#ffffff'];
}

export function mapStyle() {
  const font = ['DejaVu Sans'];
  return {
    version: 8,
    sources: {
      sightline: {
        type: 'vector',
        url: new URL('/tiles/tilejson.json', location.origin).href,
        attribution: t('attribution'),
      },
      fov: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } },
      { id: 'water', type: 'fill', source: 'sightline', 'source-layer': 'water', paint: { 'fill-color': '#aad3df' } },
      { id: 'parks', type: 'fill', source: 'sightline', 'source-layer': 'parks', paint: { 'fill-color': '#cdebb0' } },
      { id: 'buildings', type: 'fill', source: 'sightline', 'source-layer': 'buildings',
        paint: { 'fill-color': '#d9d0c9', 'fill-outline-color': '#c4b6ab' } },
      { id: 'streets-casing', type: 'line', source: 'sightline', 'source-layer': 'streets',
        paint: { 'line-color': '#c8c0b5', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1.5, 18, 14] } },
      { id: 'streets', type: 'line', source: 'sightline', 'source-layer': 'streets',
        paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 0.8, 18, 11] } },
      { id: 'street-names', type: 'symbol', source: 'sightline', 'source-layer': 'streets', minzoom: 15,
        layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': font, 'text-size': 12 },
        paint: { 'text-color': '#555', 'text-halo-color': '#fff', 'text-halo-width': 1.5 } },
      { id: 'viewsheds', type: 'fill', source: 'sightline', 'source-layer': 'viewsheds', minzoom: 15,
        paint: { 'fill-color': ['match', ['get', 'level_name'], 'detect', levelColours.detect,
          'observe', levelColours.observe, 'recognise', levelColours.recognise, levelColours.identify],
        'fill-opacity': 0.35 } },
      { id: 'camera-fov', type: 'fill', source: 'fov',
        paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.25 } },
      { id: 'camera-clusters', type: 'circle', source: 'sightline', 'source-layer': 'cameras',
        filter: ['has', 'cluster'],
        paint: { 'circle-color': '#3b5b92', 'circle-opacity': 0.85, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2,
          'circle-radius': ['interpolate', ['linear'], ['get', 'count'], 2, 12, 100, 20, 1000, 28] } },
      { id: 'camera-cluster-count', type: 'symbol', source: 'sightline', 'source-layer': 'cameras',
        filter: ['has', 'cluster'],
        layout: { 'text-field': ['to-string', ['get', 'count']], 'text-font': font, 'text-size': 12, 'text-allow-overlap': true },
        paint: { 'text-color': '#fff' } },
      { id: 'cameras', type: 'circle', source: 'sightline', 'source-layer': 'cameras',
        filter: ['!', ['has', 'cluster']],
        paint: { 'circle-color': kindColourExpression(), 'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 4, 18, 8],
          'circle-stroke-color': statusColourExpression(), 'circle-stroke-width': 2.5,
          // Stale cameras (nobody confirmed them for the server's stale age) are drawn faded.
          'circle-opacity': staleOpacity, 'circle-stroke-opacity': staleOpacity } },
    ],
  };
}

/// Opacity of a camera: faded when the tile marks it stale=true (issue 14), else full.
export const staleOpacity = ['case', ['==', ['get', 'stale'], true], 0.35, 1];

/// A field-of-view cone as a polygon: the tiles give the first direction and camera:angle (the
/// tilt below the horizon); the horizontal opening is not mapped in OSM, so it is drawn as 60°
/// and a steeper tilt shortens the cone (a camera about 5 m up sees the ground that far).
export function fovPolygon(lon, lat, directionDeg, tiltDeg) {
  const tilt = Math.abs(Number(tiltDeg));
  const reach = Number.isFinite(tilt) && tilt > 1 ? Math.min(40, Math.max(8, 5 / Math.tan((tilt * Math.PI) / 180))) : 25;
  const opening = 60;
  const metresPerDegLat = 111195;
  const metresPerDegLon = metresPerDegLat * Math.cos((lat * Math.PI) / 180);
  const ring = [[lon, lat]];
  for (let a = directionDeg - opening / 2; a <= directionDeg + opening / 2 + 0.01; a += 10) {
    const r = (a * Math.PI) / 180;
    ring.push([lon + (Math.sin(r) * reach) / metresPerDegLon, lat + (Math.cos(r) * reach) / metresPerDegLat]);
  }
  ring.push([lon, lat]);
  return { type: 'Polygon', coordinates: [ring] };
}

/// The survey layer's states (GET /api/v1/surveys): Paul Tol's bright cyan and rose for surveyed
/// without and with cameras, his olive for stale, white for not surveyed (with a dashed outline).
/// Drawn at surveyOpacity they stay apart from each other (ΔE >= 20), from the camera colours
/// and from the viewshed shading, also under protanopia and deuteranopia (tests/web/campaigns.mjs).
export const surveyColours = {
  surveyed_none: '#33BBEE', surveyed_cameras: '#EE3377', not_surveyed: '#FFFFFF', stale: '#999933',
};
export const surveyOpacity = 0.6;
export const surveyStates = ['surveyed_none', 'surveyed_cameras', 'not_surveyed', 'stale'];

/// A circle of `radiusM` metres around [lon, lat] as a GeoJSON Polygon (48 sides).
export function circlePolygon(lon, lat, radiusM, sides = 48) {
  const metresPerDegLat = 111195;
  const metresPerDegLon = metresPerDegLat * Math.cos((lat * Math.PI) / 180);
  const ring = [];
  for (let i = 0; i <= sides; i++) {
    const a = (2 * Math.PI * (i % sides)) / sides;
    ring.push([lon + (Math.sin(a) * radiusM) / metresPerDegLon, lat + (Math.cos(a) * radiusM) / metresPerDegLat]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

/// The survey features as areas: an intersection's point becomes the circle of its radius_m.
export function surveyAreas(fc) {
  return { type: 'FeatureCollection', features: (fc?.features || []).map((f) => (f.geometry.type === 'Point'
    ? { ...f, geometry: circlePolygon(f.geometry.coordinates[0], f.geometry.coordinates[1], Number(f.properties.radius_m) || 50) }
    : f)) };
}

/// Fill and outline layers for a GeoJSON source of survey areas, coloured by properties.state.
export function surveyLayers(source, prefix = 'survey') {
  const colour = ['match', ['get', 'state'], ...surveyStates.flatMap((s) => [s, surveyColours[s]]), surveyColours.not_surveyed];
  return [
    { id: `${prefix}-fill`, type: 'fill', source, paint: { 'fill-color': colour, 'fill-opacity': surveyOpacity } },
    { id: `${prefix}-outline`, type: 'line', source, filter: ['!=', ['get', 'state'], 'not_surveyed'],
      paint: { 'line-color': '#333333', 'line-width': 1 } },
    { id: `${prefix}-outline-open`, type: 'line', source, filter: ['==', ['get', 'state'], 'not_surveyed'],
      paint: { 'line-color': '#333333', 'line-width': 1.5, 'line-dasharray': [2, 2] } },
  ];
}
