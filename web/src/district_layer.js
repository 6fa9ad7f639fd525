// The map's districts layer ("Districts: cameras per km²", a box in the legend): a choropleth of
// GET /api/v1/districts.geojson in five quantile classes (about as many districts in each,
// colours in districts.js) with its outlines, and the classes' bounds in the legend. A click on a district (not on a camera)
// opens its page. On or off survives a language switch and a visit to another page.
import { api } from './api.js';
import { h, clear, navigate, showMessage } from './dom.js';
import { t, tPointer, errorText } from './i18n.js';
import { choroplethColours, choroplethOpacity, quantileBreaks, classOf, classRanges, formatNumber } from './districts.js';

let on = false;
// The outlines and figures, asked for once per five minutes (they change with the cameras).
let cached = null;
const cacheMs = 5 * 60 * 1000;

/// Turns the layer on or off for the next time the map is drawn (the districts page's link).
export function setDistrictsLayer(value) { on = value; }

function districts() {
  if (!cached || Date.now() - cached.at > cacheMs) {
    cached = { at: Date.now(), promise: api.districtsGeojson() };
    cached.promise.catch(() => { cached = null; });
  }
  return cached.promise;
}

/// The legend's part: the box, and under it the classes' bounds while the layer is on.
/// `isBusy()` says when a click on the map means something else (route mode).
export function mountDistrictLayer(map, { isBusy = () => false } = {}) {
  const box = h('input', { type: 'checkbox', id: 'layer-districts', checked: on,
    onchange: () => { on = box.checked; apply(); } });
  const classes = h('div', { id: 'districts-legend', class: 'districts-legend', 'aria-live': 'polite' });
  const element = h('div', { class: 'layer-toggle' },
    h('label', { class: 'check' }, box, h('span', {}, t('map.districts.toggle'))), classes);
  let removed = false;
  let seq = 0;

  function removeLayers() {
    for (const id of ['district-outline', 'district-fill']) if (map.getLayer(id)) map.removeLayer(id);
    if (map.getSource('districts')) map.removeSource('districts');
  }

  async function apply() {
    const mine = ++seq;
    if (!on) { if (map.getStyle()) removeLayers(); clear(classes); return; }
    showMessage(classes, t('map.districts.loading'));
    let fc;
    try {
      fc = await districts();
    } catch (err) {
      if (!removed && mine === seq) showMessage(classes, errorText(err), 'error');
      return;
    }
    if (removed || mine !== seq || !on) return;
    const values = fc.features.map((f) => Number(f.properties.cameras_per_km2));
    const breaks = quantileBreaks(values);
    const data = { type: 'FeatureCollection', features: fc.features.map((f) => ({
      ...f, properties: { ...f.properties, district_id: f.id ?? f.properties.id, class: classOf(Number(f.properties.cameras_per_km2), breaks) },
    })) };
    if (map.getSource('districts')) map.getSource('districts').setData(data);
    else {
      map.addSource('districts', { type: 'geojson', data });
      // The fill under the streets, the outline under the street names: streets, names,
      // viewsheds and cameras stay readable on top.
      const below = (id) => (map.getLayer(id) ? id : undefined);
      map.addLayer({ id: 'district-fill', type: 'fill', source: 'districts',
        paint: { 'fill-color': ['match', ['get', 'class'], ...choroplethColours.flatMap((c, i) => [i, c]), choroplethColours[0]],
          'fill-opacity': choroplethOpacity } }, below('streets-casing'));
      map.addLayer({ id: 'district-outline', type: 'line', source: 'districts',
        paint: { 'line-color': '#2d004b', 'line-width': 1.5 } }, below('street-names'));
    }
    clear(classes);
    delete classes.dataset.kind;
    if (!fc.features.length) { classes.append(h('p', {}, t('map.districts.none'))); return; }
    const ranges = classRanges(values, breaks);
    classes.append(
      h('ul', { class: 'district-classes', 'aria-label': t('map.districts.toggle') }, ranges.map((r) => h('li', { dataset: { class: r.cls } },
        h('span', { class: 'swatch square', style: `background:${choroplethColours[r.cls]};opacity:${choroplethOpacity}` }),
        r.from === r.to ? formatNumber(r.from, 1) : `${formatNumber(r.from, 1)} – ${formatNumber(r.to, 1)}`))),
      h('p', { class: 'hint' }, tPointer('map.districts.method')));
  }

  map.on('click', 'district-fill', (e) => {
    if (isBusy()) return;
    if (map.queryRenderedFeatures(e.point, { layers: ['cameras', 'camera-clusters'].filter((l) => map.getLayer(l)) }).length) return;
    const id = e.features[0]?.properties?.district_id;
    if (id !== undefined) setTimeout(() => navigate(`/district/${id}`));
  });
  map.on('mouseenter', 'district-fill', () => { if (!isBusy()) map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'district-fill', () => { if (!isBusy()) map.getCanvas().style.cursor = ''; });
  if (map.isStyleLoaded()) apply(); else map.once('load', apply);
  return { element, destroy: () => { removed = true; } };
}
