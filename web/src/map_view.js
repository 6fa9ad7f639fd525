// The public map: cameras by type and status with their field of view, clusters at low zoom,
// a time slider for the cameras of a past day (time_slider.js), filters, one search box for places
// and camera numbers (place_search.js), the districts layer and the survey layer in the legend
// (district_layer.js, survey_layer.js) and the open-data downloads. window.sightlineMap is the
// MapLibre map (the browser tests query its rendered features).
import maplibregl from 'maplibre-gl';
import { api } from './api.js';
import { h, clear, navigate, statusLine, showMessage } from './dom.js';
import { t, tOr, errorText, mapLocale } from './i18n.js';
import { mapStyle, defaultView, fovPolygon, kindColours, statusColours, levelColours, legendKinds, kindFilter, isOfKind,
  listLayerColours, listLayers } from './mapstyle.js';
import { mountRoutePanel } from './route_panel.js';
import { placeSearch, placeLabel, placePoint, zoomFor } from './place_search.js';
import { bottomSheet } from './bottom_sheet.js';
import { mountDistrictLayer } from './district_layer.js';
import { mountSurveyLayer } from './survey_layer.js';
import { timeSlider } from './time_slider.js';
import { statuses, cameraFilter as filterFor, passesFilters as passes, matchesOperator as matches } from './camera_filters.js';
// Filters survive a language switch (the view is drawn again).
const filters = { kind: '', status: '', operator: '' };
// The place last found with the search box (its marker comes back after a language switch).
let foundPlace = null;
// Whether "Cameras in view" is open (kept across a language switch).
let inViewOpen = false;
const inViewShown = 50;
const inViewAsked = 1000;
export { defaultView };
// The legend is open until the user closes it; then it stays closed.
const legendKey = 'sightline.legend';
// The official list compared with the crowd's map, if one is shown (kept across a language switch).
const listShown = { on: false, id: '' };

function select(id, labelKey, options, value, onChange) {
  return h('label', { class: 'field' }, h('span', {}, t(labelKey)),
    h('select', { id, onchange: (e) => onChange(e.target.value) },
      h('option', { value: '' }, t('map.any')),
      options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label))));
}

/// What the site is, in one line, and the ways in to its three tasks. "See" and "Plan" stay on
/// this page: they act on the map and the panel instead of loading anything.
function intro({ onSee, onWalk }) {
  const action = (fn) => (e) => { e.preventDefault(); fn(); };
  return h('section', { id: 'intro', class: 'intro', 'aria-labelledby': 'intro-what' },
    h('p', { id: 'intro-what', class: 'intro-what' }, t('intro.what')),
    h('ul', { class: 'intro-links' },
      h('li', {}, h('a', { id: 'intro-see', href: '/', onclick: action(onSee) }, t('intro.see'))),
      h('li', {}, h('a', { id: 'intro-report', href: '/report', 'data-link': true }, t('intro.report'))),
      h('li', {}, h('a', { id: 'intro-walk', href: '/', onclick: action(onWalk) }, t('intro.walk')))));
}

/// A <details>' open and ontoggle: open until the user closes it, then closed, in localStorage.
function remembered(key) {
  return { open: localStorage.getItem(key) !== 'closed',
    ontoggle: (e) => localStorage.setItem(key, e.target.open ? 'open' : 'closed') };
}

export function render(main) {
  if (!location.hash) history.replaceState(null, '', '/' + defaultView);
  const searchInput = h('input', { name: 'q', id: 'search', type: 'search', placeholder: t('map.search.placeholder') });
  const finder = placeSearch(searchInput, {
    near: () => { const c = map.getCenter().wrap(); return [c.lat, c.lng]; },  // called once the map exists
    onPick: (feature) => showPlace(feature),
  });
  const operatorStatus = statusLine();
  const mapEl = h('div', { id: 'map', class: 'map', role: 'region', 'aria-label': t('map.label') });
  const inViewList = h('ul', { id: 'cameras-in-view-list' });
  const inViewMore = h('p', { id: 'cameras-in-view-more', role: 'status' });
  const inView = h('details', { id: 'cameras-in-view', class: 'in-view', open: inViewOpen,
    ontoggle: () => { inViewOpen = inView.open; refreshInView(); } },
  h('summary', {}, t('map.inview')), inViewList, inViewMore);

  const legendLayers = h('div', { class: 'legend-layers' });
  // Official lists against the crowd (GET /api/v1/sources/{id}/comparison): a toggle in the
  // legend; hidden while there is no list.
  const listToggle = h('input', { id: 'list-compare', type: 'checkbox', checked: listShown.on,
    onchange: (e) => { listShown.on = e.target.checked; showList(); } });
  const listPick = h('select', { id: 'list-pick', onchange: (e) => { listShown.id = e.target.value; showList(); } });
  const listStatus = h('p', { id: 'list-counts', role: 'status' });
  const listNote = h('p', { id: 'list-note', class: 'note' });
  // Beside the legend, not in it: its entries are layers of a comparison, not camera types.
  const listSection = h('details', { id: 'list-section', class: 'list-compare', hidden: true, open: true },
    h('summary', {}, t('map.lists')),
    h('label', { class: 'check' }, listToggle, ' ', t('map.lists.show')),
    h('label', { class: 'field' }, h('span', {}, t('map.lists.pick')), listPick),
    h('ul', {}, listLayers.map((layer) => h('li', { dataset: { layer } },
      h('span', { class: 'swatch dot', style: `background:${listLayerColours[layer]}` }), t('map.lists.layer.' + layer)))),
    listStatus, listNote);

  const panel = h('aside', { id: 'panel', class: 'panel' },
    h('form', { class: 'search', role: 'search', onsubmit: (e) => { e.preventDefault(); search(searchInput.value); } },
      h('div', { class: 'field' }, h('label', { for: 'search' }, t('map.search')),
        h('div', { class: 'place-search' }, searchInput, finder.listbox)),
      h('button', { type: 'submit', id: 'search-button' }, t('map.search.button')),
      h('small', {}, t('map.search.note')), finder.live, finder.message),
    h('fieldset', { class: 'filters' }, h('legend', {}, t('map.filters')),
      select('filter-kind', 'map.type', legendKinds.map((k) => ({ value: k, label: t('kind.' + k) })), filters.kind,
        (v) => { filters.kind = v; applyFilters(); }),
      select('filter-status', 'map.status', statuses.map((s) => ({ value: s, label: t('status.' + s) })), filters.status,
        (v) => { filters.status = v; applyFilters(); }),
      h('label', { class: 'field' }, h('span', {}, t('map.operator')),
        h('input', { id: 'filter-operator', type: 'text', value: filters.operator, placeholder: t('map.operator.placeholder'),
          onchange: (e) => { filters.operator = e.target.value.trim(); applyFilters(); } })),
      operatorStatus),
    inView,
    h('details', { id: 'map-legend', class: 'legend', ...remembered(legendKey) }, h('summary', {}, t('map.legend')),
      h('ul', {}, legendKinds.map((k) => h('li', { dataset: { kind: k } },
        h('span', { class: 'swatch', style: `background:${kindColours[k]}` }), t('kind.' + k))),
        statuses.map((s) => h('li', {}, h('span', { class: 'swatch ring', style: `border-color:${statusColours[s]}` }), t('status.' + s))),
        Object.entries(levelColours).map(([level, colour]) => h('li', {}, h('span', { class: 'swatch', style: `background:${colour}` }), t('level.' + level)))),
      h('p', {}, t('map.viewsheds')), legendLayers),
    listSection,
    h('section', { class: 'opendata' }, h('h2', {}, t('map.opendata')),
      h('a', { class: 'button', href: '/api/v1/export/cameras.geojson', download: 'cameras.geojson' }, t('map.download.geojson')),
      h('a', { class: 'button', href: '/api/v1/export/cameras.csv', download: 'cameras.csv' }, t('map.download.csv')),
      h('a', { class: 'button', href: '/api/v1/export/cameras.kml', download: 'cameras.kml' }, t('map.download.kml')),
      h('a', { class: 'button', href: '/api/v1/export/cameras.gpkg', download: 'cameras.gpkg' }, t('map.download.gpkg')),
      h('a', { href: '/api/v1/openapi.json' }, t('map.api'))));
  main.append(h('div', { class: 'map-page' }, mapEl, panel));

  let placeMarker = null;
  const map = new maplibregl.Map({
    container: mapEl, style: mapStyle(), hash: true, attributionControl: { compact: false }, maxZoom: 20, locale: mapLocale(),
  });
  window.sightlineMap = map;
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  // In route mode a click on the map is a start or an end, never a camera or a cluster.
  const route = mountRoutePanel(panel, map);
  const districtLayer = mountDistrictLayer(map, { isBusy: () => route.active() });
  const surveyLayer = mountSurveyLayer(map);
  legendLayers.append(districtLayer.element, surveyLayer.element);
  panel.prepend(intro({
    onSee: () => { sheet.set('peek'); map.getCanvas().focus(); },
    // The route panel's own button, so its state and the button's stay one.
    onWalk: () => {
      if (!route.active()) panel.querySelector('#route-toggle').click();
      panel.querySelector('#route-from').focus();
    },
  }));
  const sheet = bottomSheet(panel);
  // New route results come into sight on a phone, where they would be below the sheet's fold.
  const routeList = panel.querySelector('#route-list');
  const results = new MutationObserver(() => { if (routeList.firstChild) sheet.reveal(routeList); });
  results.observe(routeList, { childList: true });

  map.on('click', 'cameras', (e) => {
    const id = e.features[0]?.properties?.id;
    if (route.active()) return;
    // After this click has reached every layer's handler: navigating removes the map.
    if (id) setTimeout(() => navigate(`/camera/${id}`));
  });
  // The cameras of a past day (time_slider.js), under the same filters.
  const slider = timeSlider(map, { filter: () => cameraFilter(), onPick: (id) => navigate(`/camera/${id}`), blocked: () => route.active() });

  map.on('click', 'camera-clusters', (e) => !route.active() && map.easeTo({ center: e.lngLat, zoom: map.getZoom() + 2 }));
  for (const layer of ['cameras', 'camera-clusters']) {
    map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = route.active() ? 'crosshair' : ''; });
  }

  let operatorIds = null;
  const cameraFilter = () => filterFor(filters, operatorIds);
  // The tiles carry no operator: ask the API for the cameras in view and keep the matching ids.
  async function refreshOperator() {
    if (!filters.operator) { operatorIds = null; showMessage(operatorStatus, ''); return; }
    showMessage(operatorStatus, t('map.operator.loading'));
    const b = map.getBounds();
    try {
      const fc = await api.cameras([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)), 10000);
      operatorIds = fc.features.filter((f) => matchesOperator(f.properties)).map((f) => f.properties.id);
      showMessage(operatorStatus, '');
    } catch (err) {
      operatorIds = [];
      showMessage(operatorStatus, errorText(err), 'error');
    }
  }
  let removed = false;
  async function applyFilters() {
    await refreshOperator();
    if (removed || !map.getLayer('cameras')) return;
    map.setFilter('cameras', cameraFilter());
    slider.refilter();
    updateFov();
    refreshInView();
  }
  // The map's filters, on a camera from the API (the list of cameras in view shows what the map
  // shows); the operator filter: its text in the camera's operator, manufacturer or model.
  const passesFilters = (p) => passes(filters, p);
  const matchesOperator = (p) => matches(filters, p);
  function updateFov() {
    const source = removed ? null : map.getSource('fov');
    if (!source) return;
    const features = [];
    if (map.getZoom() >= 15) {
      const seen = new Set();
      for (const f of map.queryRenderedFeatures({ layers: ['cameras'] })) {
        const p = f.properties;
        if (seen.has(p.id) || p.directions === undefined) continue;
        seen.add(p.id);
        const [lon, lat] = f.geometry.coordinates;
        features.push({ type: 'Feature', properties: { colour: kindColours[p.type] || kindColours.other },
          geometry: fovPolygon(lon, lat, Number(p.directions), p.angle) });
      }
    }
    source.setData({ type: 'FeatureCollection', features });
  }
  // "Cameras in view": links a keyboard or screen-reader user can follow, nearest the centre
  // first. Asked for only while the list is open.
  let inViewSeq = 0;
  async function refreshInView() {
    const mine = ++inViewSeq;
    if (removed || !inView.open) return;
    const b = map.getBounds();
    try {
      const fc = await api.cameras([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)), inViewAsked);
      if (removed || mine !== inViewSeq) return;
      drawInView(fc);
    } catch (err) {
      if (removed || mine !== inViewSeq) return;
      clear(inViewList);
      showMessage(inViewMore, errorText(err), 'error');
    }
  }
  function drawInView(fc) {
    const c = map.getCenter();
    const away = (f) => Math.hypot(f.geometry.coordinates[0] - c.lng, f.geometry.coordinates[1] - c.lat);
    const cameras = fc.features.filter((f) => passesFilters(f.properties)).sort((a, b) => away(a) - away(b));
    clear(inViewList);
    inViewList.append(...cameras.slice(0, inViewShown).map((f) => {
      const p = f.properties;
      const kind = p.kind || p.type;
      return h('li', {}, h('a', { href: `/camera/${p.id}`, 'data-link': true },
        t('camera.title', { id: p.id }), kind ? ` — ${tOr('kind.' + kind, kind)}` : ''));
    }));
    const rest = cameras.length - inViewShown;
    let text = '';
    if (!cameras.length) text = t('map.inview.none');
    else if (fc.truncated) text = t('map.inview.many', { count: Math.max(0, rest) });
    else if (rest > 0) text = t('map.inview.more', { count: rest });
    showMessage(inViewMore, text);
  }
  // The lists there are fill the picker; the comparison is asked for only while it is shown.
  api.sources().then((answer) => {
    const lists = answer?.sources || [];
    if (removed || !lists.length) return;
    if (!lists.some((s) => String(s.id) === listShown.id)) listShown.id = String(lists[0].id);
    listPick.append(...lists.map((s) => h('option', { value: String(s.id), selected: String(s.id) === listShown.id }, s.name)));
    listSection.hidden = false;
    if (listShown.on) showList();
  }).catch(() => {});
  let listSeq = 0;
  async function showList() {
    const mine = ++listSeq;
    const draw = (data) => {
      if (removed || !map.isStyleLoaded()) { map.once('load', () => draw(data)); return; }
      const source = map.getSource('list-comparison');
      if (source) source.setData(data);
      else {
        map.addSource('list-comparison', { type: 'geojson', data });
        map.addLayer({ id: 'list-comparison', type: 'circle', source: 'list-comparison', paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 4, 16, 8],
          'circle-color': ['match', ['get', 'layer'], ...listLayers.flatMap((l) => [l, listLayerColours[l]]), '#FFFFFF'],
          'circle-stroke-color': ['match', ['get', 'layer'], 'only_list', '#FFFFFF', '#000000'],
          'circle-stroke-width': ['match', ['get', 'layer'], 'ambiguous', 2.5, 1.5],
        } });
      }
    };
    if (!listShown.on || !listShown.id) {
      draw({ type: 'FeatureCollection', features: [] });
      showMessage(listStatus, '');
      listNote.textContent = '';
      return;
    }
    showMessage(listStatus, t('map.lists.loading'));
    try {
      const c = await api.comparison(listShown.id);
      if (removed || mine !== listSeq) return;
      draw(c.geojson);
      showMessage(listStatus, t('map.lists.counts', c.counts));
      listNote.textContent = t('map.lists.note', { metres: c.source.max_distance_m });
      // Elsewhere on the map: go to the list's area.
      const area = c.coverage && new maplibregl.LngLatBounds([c.coverage[0], c.coverage[1]], [c.coverage[2], c.coverage[3]]);
      if (area && !area.contains(map.getCenter())) map.fitBounds(area, { padding: 20, animate: false });
    } catch (err) {
      if (removed || mine !== listSeq) return;
      showMessage(listStatus, errorText(err), 'error');
    }
  }

  map.on('load', () => { if (filters.kind || filters.status || filters.operator) applyFilters(); refreshInView(); });
  map.on('moveend', () => {
    if (filters.operator) applyFilters();
    refreshInView();
    // The campaigns page's "New campaign" map starts here.
    sessionStorage.setItem('sightline.mapView', location.hash);
  });
  map.on('idle', () => {
    const key = `${map.getZoom().toFixed(2)}/${map.getCenter().toArray().join()}`;
    if (key !== map._sightlineFovKey) { map._sightlineFovKey = key; updateFov(); }
  });

  // A picked suggestion: a camera opens its page, a place is flown to and marked.
  function showPlace(feature, { fly = true } = {}) {
    const [lat, lon] = placePoint(feature);
    if (feature.properties.kind === 'camera') {
      map.jumpTo({ center: [lon, lat], zoom: 18 });
      navigate(`/camera/${feature.properties.camera_id}`);
      return;
    }
    foundPlace = feature;
    if (!placeMarker) {
      placeMarker = new maplibregl.Marker({ color: '#d62728' });
      placeMarker.getElement().classList.add('place-marker');
      placeMarker.getElement().setAttribute('role', 'img');
    }
    placeMarker.getElement().setAttribute('aria-label', placeLabel(feature));
    placeMarker.setLngLat([lon, lat]).addTo(map);
    if (fly) {
      sheet.set('peek');  // on a phone the place is shown, not the list it was picked from
      map.flyTo({ center: [lon, lat], zoom: zoomFor(feature) });
      finder.say(t('map.search.shown', { label: placeLabel(feature) }));
    }
  }
  if (foundPlace) showPlace(foundPlace, { fly: false });

  // Enter without a highlighted suggestion, or the Find button: a number alone is a camera
  // number (as before there were places to find); other text goes to the best hit.
  async function search(text) {
    const q = text.trim();
    finder.cancel();
    if (!q) { finder.say(t('map.search.empty'), 'error'); return; }
    const number = /^#?\d+$/.test(q) ? q.replace(/^#/, '') : null;
    try {
      if (number) {
        const camera = await api.camera(number);
        const [lon, lat] = camera.geometry.coordinates;
        finder.say('');
        map.jumpTo({ center: [lon, lat], zoom: 18 });
        navigate(`/camera/${number}`);
        return;
      }
      const found = await finder.lookup(q);
      if (removed) return;
      if (!found.length) { finder.say(t('search.none', { text: q }), 'error'); return; }
      searchInput.value = placeLabel(found[0]);
      showPlace(found[0]);
    } catch (err) {
      finder.say(err.status === 404 && number ? t('map.search.notfound', { id: number }) : errorText(err, 'search'), 'error');
    }
  }

  return () => {
    removed = true;
    slider.destroy();
    results.disconnect();
    finder.cancel();
    route.destroy();
    districtLayer.destroy();
    surveyLayer.destroy();
    placeMarker?.remove();
    map.remove();
    if (window.sightlineMap === map) window.sightlineMap = null;
  };
}
