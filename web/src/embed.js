// The embeddable map (/embed, its own small page: embed.html): the cameras and the basemap for an
// iframe on another site, with no header, navigation or panel; zoom buttons, the attribution
// (OpenStreetMap and Sightline, opening in a new tab) and a small popup per camera with a link to
// its page on this site. Its address holds the view and the map's filters:
//   /embed#ZOOM/LAT/LON?type=fixed&status=verified&operator=police&lang=sr-Latn&district=3
// (district: that district's outline, from /api/v1/districts/{id}).
// Everything comes from this server; no cookie is sent (credentials: 'omit') and nothing is
// stored. window.sightlineMap is the map (the browser tests query its rendered features).
import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import './embed.css';
import { t, tOr, language, useLanguage, mapLocale } from './i18n.js';
import { mapStyle, defaultView } from './mapstyle.js';
import { h } from './dom.js';
import { cameraFilter, passesFilters, parseEmbedAddress } from './camera_filters.js';

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function start() {
  const address = parseEmbedAddress(location.search, location.hash);
  if (address.lang) useLanguage(address.lang);
  const filters = address.filters;
  const view = address.view || parseEmbedAddress('', defaultView).view;
  document.title = t('embed.page_title');

  const style = mapStyle();
  // MapLibre writes attributions as HTML: the app's own sentence, escaped, as a link.
  style.sources.sightline.attribution = `<a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">${escapeHtml(t('attribution'))}</a>`;
  const mapEl = h('div', { id: 'map', class: 'embed-map', role: 'region', 'aria-label': t('map.label') });
  document.body.append(mapEl);
  const map = new maplibregl.Map({
    container: mapEl, style, center: [view.lon, view.lat], zoom: view.zoom, maxZoom: 20, locale: mapLocale(),
    attributionControl: { compact: false, customAttribution: `<a class="sightline-link" href="/" target="_blank" rel="noopener">Sightline</a>` },
    // No cookie goes with the tiles (the page is someone else's).
    transformRequest: (url) => ({ url, credentials: 'omit' }),
  });
  window.sightlineMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');

  // The Sightline link opens this view on the site.
  const linkHere = () => {
    const link = mapEl.querySelector('.sightline-link');
    if (!link) return;
    const c = map.getCenter().wrap();
    link.href = `${location.origin}/#${map.getZoom().toFixed(2)}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}`;
  };
  map.on('load', linkHere);
  map.on('moveend', linkHere);

  // The tiles carry no operator: the ids of the cameras in view that match it, from the API.
  let operatorIds = null;
  async function applyFilters() {
    if (filters.operator) {
      const b = map.getBounds();
      const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(',');
      try {
        const response = await fetch(`/api/v1/cameras?bbox=${bbox}&limit=10000`, { credentials: 'omit' });
        const fc = response.ok ? await response.json() : { features: [] };
        operatorIds = fc.features.filter((f) => passesFilters(filters, f.properties)).map((f) => f.properties.id);
      } catch {
        operatorIds = [];
      }
    }
    if (map.getLayer('cameras')) map.setFilter('cameras', cameraFilter(filters, operatorIds));
  }
  map.on('load', applyFilters);

  // A district's outline, under the cameras.
  async function showDistrict(id) {
    if (map.getLayer('district-outline')) map.removeLayer('district-outline');
    if (map.getSource('district')) map.removeSource('district');
    if (id === null) return;
    try {
      const response = await fetch(`/api/v1/districts/${id}`, { credentials: 'omit' });
      if (!response.ok) return;
      const d = await response.json();
      if (!d.geometry || map.getSource('district')) return;
      map.addSource('district', { type: 'geojson', data: { type: 'Feature', properties: {}, geometry: d.geometry } });
      map.addLayer({ id: 'district-outline', type: 'line', source: 'district',
        paint: { 'line-color': '#2d004b', 'line-width': 2.5 } }, 'street-names');
    } catch { /* no outline: the map is still the map */ }
  }
  map.on('load', () => showDistrict(address.district));
  map.on('moveend', () => { if (filters.operator) applyFilters(); });

  let popup = null;
  map.on('click', 'cameras', (e) => {
    const f = e.features[0];
    if (!f) return;
    const p = f.properties;
    const content = h('div', { class: 'embed-popup' },
      h('strong', {}, t('camera.title', { id: p.id })),
      h('span', {}, tOr('kind.' + p.type, p.type || t('kind.other'))),
      p.status ? h('span', {}, tOr('status.' + p.status, p.status)) : null,
      h('a', { href: `${location.origin}/camera/${p.id}`, target: '_blank', rel: 'noopener', class: 'embed-camera-link' }, t('embed.open_camera')));
    popup?.remove();
    popup = new maplibregl.Popup({ maxWidth: '240px', focusAfterOpen: true })
      .setLngLat(f.geometry.coordinates).setDOMContent(content).addTo(map);
  });
  map.on('click', 'camera-clusters', (e) => map.easeTo({ center: e.lngLat, zoom: map.getZoom() + 2 }));
  for (const layer of ['cameras', 'camera-clusters']) {
    map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
  }
  // A new position typed into the frame's address (a page that changes the iframe's src hash).
  window.addEventListener('hashchange', () => {
    const next = parseEmbedAddress(location.search, location.hash);
    if (next.view) map.jumpTo({ center: [next.view.lon, next.view.lat], zoom: next.view.zoom });
    Object.assign(filters, next.filters);
    applyFilters();
    showDistrict(next.district);
  });
  document.documentElement.lang = language();
}

// MapLibre draws labels with the page's font: load DejaVu first so the first tiles use it.
document.fonts.load('16px "DejaVu Sans"').catch(() => {}).finally(start);
