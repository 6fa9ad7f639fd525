// One district's page (/district/{id}), from GET /api/v1/districts/{id}: its figures, its outline
// on a small map fitted to it, the <iframe> snippet of the embed showing it, and links to the
// printable report (/api/v1/report.pdf?district=ID) and the Atom feed of its changes
// (/feeds/district/ID.atom). window.sightlineDistrictMap is the small map (for the browser tests).
import maplibregl from 'maplibre-gl';
import { api } from './api.js';
import { h, statusLine, showMessage } from './dom.js';
import { t, errorText, language, mapLocale } from './i18n.js';
import { mapStyle } from './mapstyle.js';
import { districtName, formatNumber, formatShare, doriLevels, viewOfBbox, choroplethColours } from './districts.js';
import { embedSection } from './embed_snippet.js';
import { setDistrictsLayer } from './district_layer.js';

/// The bbox [W, S, E, N] of a MultiPolygon (when the answer has no bbox).
function bboxOf(geometry) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of geometry?.coordinates || [])
    for (const ring of polygon)
      for (const [x, y] of ring) { box[0] = Math.min(box[0], x); box[1] = Math.min(box[1], y); box[2] = Math.max(box[2], x); box[3] = Math.max(box[3], y); }
  return Number.isFinite(box[0]) ? box : null;
}

export function render(main, params) {
  const status = statusLine();
  const heading = h('h1', {}, t('district.title'));
  const page = h('article', { class: 'page district-page' },
    h('p', {}, h('a', { href: '/districts', 'data-link': true }, '← ' + t('district.back'))), heading, status);
  main.append(page);
  showMessage(status, t('districts.loading'));
  let map = null;
  let gone = false;
  api.district(params.id).then((d) => {
    if (gone) return;
    showMessage(status, '');
    const name = districtName(d);
    heading.textContent = name;
    document.title = `${name} · Sightline`;
    const bbox = d.bbox || bboxOf(d.geometry);
    const view = bbox ? viewOfBbox(bbox) : null;
    const row = (id, label, value) => [h('dt', {}, label), h('dd', { id }, value)];
    const mapEl = h('div', { id: 'district-map', class: 'district-map', role: 'region', 'aria-label': t('district.map', { name }) });
    page.append(
      h('dl', { class: 'facts', id: 'district-figures' },
        row('district-cameras', t('districts.col.cameras'), formatNumber(d.cameras, 0)),
        row('district-area', t('districts.col.area'), formatNumber(d.area_km2, 2)),
        row('district-per-km2', t('districts.col.per_km2'), formatNumber(d.cameras_per_km2, 1)),
        row('district-street-km', t('district.street_km'), formatNumber(d.street_km, 1)),
        row('district-per-street-km', t('districts.col.per_street_km'), formatNumber(d.cameras_per_street_km, 2)),
        doriLevels.map((level) => row(`district-watched-${level}`, t(`districts.col.watched.${level}`), formatShare(d.watched_share?.[level])))),
      h('p', { class: 'hint' }, t('districts.method')),
      mapEl,
      h('ul', { class: 'district-links' },
        h('li', {}, h('a', { id: 'district-report', href: `/api/v1/report.pdf?district=${encodeURIComponent(d.id)}&lang=${language()}`,
          type: 'application/pdf' }, t('district.report'))),
        h('li', {}, h('a', { id: 'district-feed', href: `/feeds/district/${encodeURIComponent(d.id)}.atom`, type: 'application/atom+xml' }, t('district.feed'))),
        view ? h('li', {}, h('a', { id: 'district-on-map', href: `/#${view.zoom}/${view.lat.toFixed(5)}/${view.lon.toFixed(5)}`, 'data-link': true,
          onclick: () => setDistrictsLayer(true) }, t('district.on_map'))) : null),
      view ? embedSection('district-embed', view, t('embed.title.district', { name }), { district: d.id }) : null);

    if (!bbox) return;
    map = new maplibregl.Map({
      container: mapEl, style: mapStyle(), bounds: [[bbox[0], bbox[1]], [bbox[2], bbox[3]]],
      fitBoundsOptions: { padding: 20 }, attributionControl: { compact: false }, maxZoom: 20, locale: mapLocale(),
    });
    window.sightlineDistrictMap = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.on('load', () => {
      if (!d.geometry) return;
      map.addSource('district', { type: 'geojson', data: { type: 'Feature', properties: {}, geometry: d.geometry } });
      map.addLayer({ id: 'district-fill', type: 'fill', source: 'district',
        paint: { 'fill-color': choroplethColours[2], 'fill-opacity': 0.2 } }, 'street-names');
      map.addLayer({ id: 'district-outline', type: 'line', source: 'district',
        paint: { 'line-color': '#2d004b', 'line-width': 2.5 } }, 'street-names');
    });
  }).catch((err) => {
    if (!gone) showMessage(status, err.status === 404 ? t('district.notfound') : errorText(err), 'error');
  });
  return () => {
    gone = true;
    map?.remove();
    if (window.sightlineDistrictMap === map) window.sightlineDistrictMap = null;
  };
}
