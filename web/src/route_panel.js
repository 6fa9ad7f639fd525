// The route panel on the map page: a walk from A to B that trades distance for time on camera
// (GET /api/v1/route). Tap or click the start and the end on the map (a third one starts again),
// or type into the two fields a place (the place search's suggestions; the chosen place's
// position is used) or "lat,lon"; the start can also be the device's location. Every alternative
// is drawn, the selected one on top and wide, its stretches coloured by the level at which
// cameras see them (the viewshed colours); the cameras that would see you on the selected route
// are ringed. Only the two points and the two options are sent (the device's location goes into
// the route request and nowhere else). The state lives in this module, so it survives a language
// switch.
import maplibregl from 'maplibre-gl';
import { api } from './api.js';
import { h, clear, statusLine, showMessage } from './dom.js';
import { t, tOr, tPointer, language, errorText } from './i18n.js';
import { levelColours } from './mapstyle.js';
import { placeSearch, placeLabel, placePoint } from './place_search.js';

const detours = ['1.2', '1.5', '2', '3'];
const levels = ['observe', 'recognise', 'identify'];
const unseenColour = '#8a94a6';
const casingColour = '#1f2937';
const cameraRingColour = '#d62728';
const weakRingColour = '#f59e0b';
const empty = { type: 'FeatureCollection', features: [] };
const walkingSpeedMps = 1.4;  // only when an answer lacks duration_s

const state = {
  // fromText/toText: what the fields show; fromPoint/toPoint: "lat,lon" of the place picked for
  // that text (null when the text is typed coordinates or not yet looked up).
  open: false, fromText: '', toText: '', fromPoint: null, toPoint: null, maxDetour: '1.5', level: 'observe',
  result: null, query: '', selected: 0, status: null, statusKind: 'info',
};

const pointPattern = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/;
/// "48.1374, 11.5755" -> [48.1374, 11.5755], or null. Only for drawing the markers: the server
/// checks the text it is sent.
function parsePoint(text) {
  const m = pointPattern.exec(text || '');
  if (!m) return null;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 ? [lat, lon] : null;
}
const pointText = (lngLat) => `${lngLat.lat.toFixed(6)},${lngLat.lng.toFixed(6)}`;
// Coordinates being typed get no place suggestions.
const looksLikePoint = (text) => /^[\s\d.,+-]*$/.test(text);
/// The "lat,lon" to send for 'from' or 'to': typed coordinates as they are (the server says what
/// is wrong with them), else the position of the place picked for the text, else null.
function pointOf(which) {
  const text = state[`${which}Text`];
  return pointPattern.test(text) ? text.trim() : state[`${which}Point`];
}
// Commas stay readable in the URL; everything else the user typed is escaped.
const encode = (text) => encodeURIComponent(text.replace(/\s+/g, '')).replace(/%2C/gi, ',');

/// Whether the least exposed route escapes the cameras, in the user's language.
function outcomeText(result) {
  const level = tOr(`route.level.${result.level}`, result.level);
  return result.avoids_cameras
    ? t('route.private', { level })
    : t('route.no_private', {
      factor: new Intl.NumberFormat(language(), { maximumFractionDigits: 2 }).format(result.max_detour),
      level,
    });
}

export function routeQuery({ fromText, toText, maxDetour, level }) {
  return `from=${encode(fromText)}&to=${encode(toText)}&max_detour=${encode(maxDetour)}&level=${encode(level)}`;
}

function number(value, digits = 0) {
  return new Intl.NumberFormat(language(), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}
function lengthText(metres) {
  return metres >= 1000 ? t('route.km', { value: number(metres / 1000, 2) }) : t('route.m', { value: number(Math.round(metres)) });
}
function levelColourExpression() {
  return ['match', ['get', 'level'], 'detect', levelColours.detect, 'observe', levelColours.observe,
    'recognise', levelColours.recognise, 'identify', levelColours.identify, unseenColour];
}

/// Every route as one line feature plus one feature per seen stretch; `selected` drives the layers.
export function routeFeatures(result, selected) {
  const features = [];
  (result?.routes || []).forEach((route, i) => {
    const isSelected = i === selected;
    features.push({ type: 'Feature', geometry: route.geometry, properties: { route: i, kind: route.kind, part: 'line', selected: isSelected } });
    for (const stretch of route.stretches || [])
      features.push({ type: 'Feature', geometry: stretch.geometry, properties: { route: i, part: 'stretch', level: stretch.level, selected: isSelected } });
  });
  return { type: 'FeatureCollection', features };
}

function cameraFeatures(route) {
  return { type: 'FeatureCollection', features: (route?.cameras || []).map((c) => ({
    type: 'Feature', geometry: { type: 'Point', coordinates: [c.lon, c.lat] }, properties: { id: c.id, seen: c.seen_m > 0 },
  })) };
}

const lineLayout = { 'line-join': 'round', 'line-cap': 'round' };
// Where stretches meet or overlap, the finer level is drawn on top.
const seenLayout = { ...lineLayout, 'line-sort-key': ['match', ['get', 'level'], 'detect', 1, 'observe', 2, 'recognise', 3, 'identify', 4, 0] };
const partIs = (part, selected) => ['all', ['==', ['get', 'part'], part], ['==', ['get', 'selected'], selected]];
// The seen colours are those of the viewshed shading underneath: a dark casing keeps them apart.
const routeLayers = [
  { id: 'route-alternatives-casing', type: 'line', source: 'route', filter: partIs('line', false), layout: lineLayout,
    paint: { 'line-color': casingColour, 'line-width': 7, 'line-opacity': 0.6 } },
  { id: 'route-alternatives', type: 'line', source: 'route', filter: partIs('line', false), layout: lineLayout,
    paint: { 'line-color': unseenColour, 'line-width': 4 } },
  { id: 'route-alternatives-seen', type: 'line', source: 'route', filter: partIs('stretch', false), layout: seenLayout,
    paint: { 'line-color': levelColourExpression(), 'line-width': 4 } },
  { id: 'route-selected-casing', type: 'line', source: 'route', filter: partIs('line', true), layout: lineLayout,
    paint: { 'line-color': casingColour, 'line-width': 11 } },
  { id: 'route-selected', type: 'line', source: 'route', filter: partIs('line', true), layout: lineLayout,
    paint: { 'line-color': unseenColour, 'line-width': 7 } },
  { id: 'route-selected-seen', type: 'line', source: 'route', filter: partIs('stretch', true), layout: seenLayout,
    paint: { 'line-color': levelColourExpression(), 'line-width': 7 } },
];
const ringLayer = { id: 'route-cameras', type: 'circle', source: 'route-cameras',
  paint: { 'circle-radius': 12, 'circle-color': 'rgba(0,0,0,0)',
    'circle-stroke-color': ['case', ['get', 'seen'], cameraRingColour, weakRingColour],
    'circle-stroke-width': ['case', ['get', 'seen'], 3, 2] } };

/// Adds the Route button and panel at the top of `panel` and draws on `map`. Returns
/// {active(): route mode is on (map clicks set points), destroy()}.
export function mountRoutePanel(panel, map) {
  let destroyed = false;
  let requestSeq = 0;
  const markers = { from: null, to: null };
  const status = statusLine();
  status.id = 'route-status';

  const mapCentre = () => { const c = map.getCenter().wrap(); return [c.lat, c.lng]; };
  function placeField(which) {
    const input = h('input', { id: `route-${which}`, name: which, type: 'text', value: state[`${which}Text`],
      placeholder: t('route.placeholder'),
      oninput: (e) => { state[`${which}Text`] = e.target.value; state[`${which}Point`] = null; } });
    const finder = placeSearch(input, { near: mapCentre, skip: looksLikePoint, onPick: (f) => picked(which, f) });
    const field = h('div', { class: 'field' }, h('label', { for: input.id }, t(`route.${which}`)),
      h('div', { class: 'place-search' }, input, finder.listbox), finder.live, finder.message);
    return { input, finder, field };
  }
  const fields = { from: placeField('from'), to: placeField('to') };
  const fromInput = fields.from.input;
  const toInput = fields.to.input;
  const locateButton = h('button', { id: 'route-locate', type: 'button', class: 'locate', onclick: () => locate() }, t('route.locate'));
  const findButton = h('button', { id: 'route-find', type: 'submit', class: 'primary' }, t('route.find'));
  const message = h('p', { id: 'route-message', class: 'route-message', role: 'note', hidden: true });
  const list = h('ol', { id: 'route-list', class: 'route-list', 'aria-label': t('route.alternatives') });
  const gpx = h('a', { id: 'route-gpx', class: 'button', download: 'sightline-route.gpx', hidden: true }, t('route.gpx'));
  const optionChanged = () => { if (state.fromText.trim() && state.toText.trim()) find(); };

  const section = h('section', { id: 'route-panel', class: 'route-panel', hidden: !state.open, 'aria-labelledby': 'route-title' },
    h('h2', { id: 'route-title' }, t('route.title')),
    h('p', { class: 'hint' }, tPointer('route.help')),
    h('form', { class: 'route-form', onsubmit: (e) => { e.preventDefault(); find(); } },
      fields.from.field,
      h('div', { class: 'locate-row' }, locateButton, h('small', { class: 'hint' }, t('route.locate.note'))),
      fields.to.field,
      h('div', { class: 'row' },
        h('label', { class: 'field' }, h('span', {}, t('route.max_detour')),
          h('select', { id: 'route-max-detour', onchange: (e) => { state.maxDetour = e.target.value; optionChanged(); } },
            detours.map((d) => h('option', { value: d, selected: d === state.maxDetour }, t('route.detour', { factor: number(Number(d), d.includes('.') ? 1 : 0) }))))),
        h('label', { class: 'field' }, h('span', {}, t('route.level')),
          h('select', { id: 'route-level', onchange: (e) => { state.level = e.target.value; optionChanged(); } },
            levels.map((l) => h('option', { value: l, selected: l === state.level }, t('route.level.' + l)))))),
      h('div', { class: 'route-actions' }, findButton,
        h('button', { id: 'route-clear', type: 'button', onclick: () => clearRoute() }, t('route.clear')))),
    status, message, list, gpx,
    h('details', { class: 'legend' }, h('summary', {}, t('route.legend')),
      h('ul', {},
        h('li', {}, h('span', { class: 'swatch', style: `background:${unseenColour}` }), t('route.unseen')),
        Object.entries(levelColours).map(([level, colour]) => h('li', {}, h('span', { class: 'swatch', style: `background:${colour}` }), t('level.' + level))),
        h('li', {}, h('span', { class: 'swatch ring', style: `border-color:${cameraRingColour}` }), t('route.camera')),
        h('li', {}, h('span', { class: 'swatch ring', style: `border-color:${weakRingColour}` }), t('route.camera.weak')))));

  const toggle = h('button', { id: 'route-toggle', type: 'button', class: 'route-toggle', 'aria-controls': 'route-panel',
    'aria-pressed': String(state.open), onclick: () => setOpen(!state.open) }, t('route.button'));
  panel.prepend(h('div', { class: 'route-bar' }, toggle), section);

  // `text` is a function, so the line is worded again after a language switch.
  function setStatus(text, kind = 'info') {
    state.status = typeof text === 'function' ? text : () => text;
    state.statusKind = kind;
    showMessage(status, state.status(), kind);
  }

  function setOpen(open) {
    state.open = open;
    section.hidden = !open;
    toggle.setAttribute('aria-pressed', String(open));
    map.getCanvas().style.cursor = open ? 'crosshair' : '';
    if (open && !state.result && !state.status) setStatus(() => tPointer('route.pick_start'));
    updateMap();
  }

  function placeMarker(which) {
    const point = parsePoint(pointOf(which));
    if (!point || !state.open) {
      if (markers[which]) { markers[which].remove(); markers[which] = null; }
      return;
    }
    if (!markers[which]) {
      const el = h('div', { class: `route-marker route-marker-${which}`, role: 'img', 'aria-label': t(`route.${which}.marker`) },
        t(`route.${which}.letter`));
      markers[which] = new maplibregl.Marker({ element: el });
    }
    markers[which].setLngLat([point[1], point[0]]).addTo(map);
  }

  function updateMap() {
    if (destroyed) return;
    placeMarker('from');
    placeMarker('to');
    if (!map.getSource('route')) return;  // drawn once the style has loaded
    const shown = state.open && state.result;
    map.getSource('route').setData(shown ? routeFeatures(state.result, state.selected) : empty);
    map.getSource('route-cameras').setData(shown ? cameraFeatures(state.result.routes[state.selected]) : empty);
  }

  function renderResult() {
    clear(list);
    const result = state.result;
    // The server's message is English; say the same in the user's language.
    message.hidden = !result;
    message.textContent = result ? outcomeText(result) : '';
    // Only a route shown on the map is offered as GPX: an answer without routes has none.
    const shown = !!result?.routes?.length;
    gpx.hidden = !shown;
    if (shown) gpx.href = `/api/v1/route?${state.query}&format=gpx`;
    else gpx.removeAttribute('href');
    (result?.routes || []).forEach((route, i) => {
      const seenPercent = route.length_m > 0 ? Math.round((100 * route.seen_m) / route.length_m) : 0;
      const seconds = route.duration_s ?? route.length_m / walkingSpeedMps;
      // The answer lists every camera that sees any part of the route; seen_m is at the level asked.
      const cameras = (route.cameras || []).filter((c) => c.seen_m > 0).length;
      list.append(h('li', {}, h('button', {
        type: 'button', class: 'route-alt', id: `route-alt-${i}`, 'aria-pressed': String(i === state.selected),
        dataset: { kind: route.kind }, onclick: () => select(i),
      },
      h('strong', { class: 'route-kind' }, t('route.kind.' + route.kind)),
      h('span', {}, t('route.summary', { length: lengthText(route.length_m), minutes: number(Math.max(1, Math.round(seconds / 60))) })),
      route.kind !== 'shortest' && route.detour ? h('span', {}, t('route.detour.taken', { factor: number(route.detour, 2) })) : null,
      h('span', { class: 'route-seen' }, t('route.seen', { seen: number(Math.round(route.seen_m)), percent: number(seenPercent) })),
      h('span', {}, t('route.cameras', { count: number(cameras) })))));
    });
  }

  function select(i) {
    state.selected = i;
    for (const button of list.querySelectorAll('.route-alt'))
      button.setAttribute('aria-pressed', String(button.id === `route-alt-${i}`));
    updateMap();
  }

  function fitToRoutes() {
    const coordinates = state.result.routes.flatMap((r) => r.geometry?.coordinates || []);
    if (!coordinates.length) return;
    const bounds = coordinates.reduce((b, c) => b.extend(c), new maplibregl.LngLatBounds(coordinates[0], coordinates[0]));
    const view = map.getBounds();
    if (!view.contains(bounds.getSouthWest()) || !view.contains(bounds.getNorthEast()))
      map.fitBounds(bounds, { padding: 40, maxZoom: 17 });
  }

  /// A suggestion picked for the start or the end: its position is what the route request gets.
  function picked(which, feature) {
    const [lat, lon] = placePoint(feature);
    state[`${which}Text`] = fields[which].input.value;
    state[`${which}Point`] = `${lat.toFixed(6)},${lon.toFixed(6)}`;
    updateMap();
    if (!map.getBounds().contains([lon, lat])) map.easeTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 15) });
    if (state.fromText.trim() && state.toText.trim()) find();
    else setStatus(() => tPointer(which === 'from' ? 'route.pick_end' : 'route.pick_start'));
  }

  /// The point for a field; a name nobody picked a suggestion for becomes its best hit.
  async function resolve(which, mine) {
    const point = pointOf(which);
    if (point) return point;
    const text = state[`${which}Text`];
    const [hit] = await fields[which].finder.lookup(text);
    if (!hit || destroyed || mine !== requestSeq || state[`${which}Text`] !== text) return null;
    const [lat, lon] = placePoint(hit);
    state[`${which}Text`] = placeLabel(hit);
    state[`${which}Point`] = `${lat.toFixed(6)},${lon.toFixed(6)}`;
    fields[which].input.value = state[`${which}Text`];
    return state[`${which}Point`];
  }

  async function find() {
    if (!state.fromText.trim() || !state.toText.trim()) {
      setStatus(() => t('route.need_points'), 'error');
      return;
    }
    const mine = ++requestSeq;
    findButton.disabled = true;
    fields.from.finder.cancel();
    fields.to.finder.cancel();
    setStatus(() => t('route.finding'));
    try {
      const from = await resolve('from', mine);
      const to = from && await resolve('to', mine);
      if (destroyed || mine !== requestSeq) return;
      if (!from || !to) {
        const text = (from ? state.toText : state.fromText).trim();
        state.result = null;
        renderResult();
        updateMap();
        setStatus(() => t('route.place_notfound', { text }), 'error');
        return;
      }
      updateMap();
      const query = routeQuery({ fromText: from, toText: to, maxDetour: state.maxDetour, level: state.level });
      const result = await api.route(query);
      if (destroyed || mine !== requestSeq) return;
      state.result = result;
      state.query = query;
      // The panel is about avoiding cameras: the least exposed alternative starts selected.
      state.selected = Math.max(0, result.routes.findIndex((r) => r.kind === 'least_exposed'));
      setStatus(result.routes.length ? '' : () => t('route.none'));
      renderResult();
      updateMap();
      if (result.routes.length) fitToRoutes();
    } catch (err) {
      if (destroyed || mine !== requestSeq) return;
      state.result = null;
      renderResult();
      updateMap();
      setStatus(() => errorText(err, 'route'), 'error');
    } finally {
      if (!destroyed && mine === requestSeq) findButton.disabled = false;
    }
  }

  function clearRoute() {
    requestSeq += 1;  // a request still running is ignored
    findButton.disabled = false;
    Object.assign(state, { fromText: '', toText: '', fromPoint: null, toPoint: null, result: null, query: '', selected: 0 });
    fromInput.value = '';
    toInput.value = '';
    for (const field of Object.values(fields)) { field.finder.cancel(); field.finder.say(''); }
    renderResult();
    updateMap();
    setStatus(() => tPointer('route.pick_start'));
  }

  function onMapClick(e) {
    if (!state.open) return;
    const text = pointText(e.lngLat);
    if (!state.fromText.trim() || (state.fromText.trim() && state.toText.trim())) {
      requestSeq += 1;
      Object.assign(state, { fromText: text, toText: '', fromPoint: null, toPoint: null, result: null, query: '', selected: 0 });
      findButton.disabled = false;
      fromInput.value = text;
      toInput.value = '';
      renderResult();
      updateMap();
      setStatus(() => tPointer('route.pick_end'));
    } else {
      state.toText = text;
      state.toPoint = null;
      toInput.value = text;
      updateMap();
      find();
    }
  }

  // The device's position as the start. It goes into the route request and nowhere else.
  function locate() {
    if (!navigator.geolocation) { setStatus(() => t('route.locate.unavailable'), 'error'); return; }
    if (!window.isSecureContext) { setStatus(() => t('route.locate.insecure'), 'error'); return; }
    locateButton.disabled = true;
    setStatus(() => t('route.locate.finding'));
    navigator.geolocation.getCurrentPosition((position) => {
      locateButton.disabled = false;
      if (destroyed) return;
      const { latitude: lat, longitude: lng } = position.coords;
      requestSeq += 1;
      Object.assign(state, { fromText: pointText({ lat, lng }), fromPoint: null, result: null, query: '', selected: 0 });
      fromInput.value = state.fromText;
      fields.from.finder.cancel();
      fields.from.finder.say('');
      renderResult();
      updateMap();
      if (!map.getBounds().contains([lng, lat])) map.easeTo({ center: [lng, lat], zoom: Math.max(map.getZoom(), 15) });
      if (state.toText.trim()) find(); else setStatus(() => tPointer('route.pick_end'));
    }, (err) => {
      locateButton.disabled = false;
      if (destroyed) return;
      const key = { 1: 'route.locate.denied', 3: 'route.locate.timeout' }[err.code] || 'route.locate.unavailable';
      setStatus(() => t(key), 'error');
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  function addLayers() {
    if (destroyed || map.getSource('route')) return;
    map.addSource('route', { type: 'geojson', data: empty });
    map.addSource('route-cameras', { type: 'geojson', data: empty });
    // Under the cameras, so camera symbols stay visible; the rings go on top.
    const below = map.getLayer('camera-clusters') ? 'camera-clusters' : undefined;
    for (const layer of routeLayers) map.addLayer(layer, below);
    map.addLayer(ringLayer);
    updateMap();
  }

  map.on('click', onMapClick);
  if (map.isStyleLoaded()) addLayers(); else map.on('load', addLayers);
  renderResult();
  if (state.status) showMessage(status, state.status(), state.statusKind);
  if (state.open) map.getCanvas().style.cursor = 'crosshair';
  updateMap();

  return {
    active: () => state.open,
    destroy() {
      destroyed = true;
      for (const field of Object.values(fields)) field.finder.cancel();
      map.off('click', onMapClick);
      for (const marker of Object.values(markers)) if (marker) marker.remove();
    },
  };
}
