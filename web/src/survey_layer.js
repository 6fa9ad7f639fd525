// The map's survey layer ("Surveyed areas", a box in the legend): the tasks of every campaign in
// view from GET /api/v1/surveys?bbox=, asked for again 300 ms after the map stops moving and only
// from zoom 13 on; an intersection is drawn as the circle of its 50 m radius, a cell as its
// square, coloured by state (surveyColours in mapstyle.js). While it is on, under its legend: "In
// view: X % of streets watched, Y % surveyed" from GET /api/v1/coverage for views up to 25 km²
// (asked only then: the figures cost the server the viewsheds of the view).
// On or off survives a language switch and a visit to another page.
import { api } from './api.js';
import { h, clear, showMessage } from './dom.js';
import { t, errorText, language } from './i18n.js';
import { surveyColours, surveyOpacity, surveyStates, surveyAreas, surveyLayers } from './mapstyle.js';

let on = false;
const minZoom = 13;
const maxCoverageKm2 = 25;

/// Turns the layer on or off for the next time the map is drawn.
export function setSurveysLayer(value) { on = value; }

const viewBox = (map) => {
  const b = map.getBounds();
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
};
/// The area of [W, S, E, N] in km².
export function areaKm2([w, s, e, n]) {
  const km = 111.195;
  return (e - w) * km * Math.cos((((s + n) / 2) * Math.PI) / 180) * (n - s) * km;
}
const percent = (share) => new Intl.NumberFormat(language(), { maximumFractionDigits: share < 0.1 && share > 0 ? 1 : 0 })
  .format(100 * share);

export function mountSurveyLayer(map) {
  const box = h('input', { type: 'checkbox', id: 'layer-surveys', checked: on,
    onchange: () => { on = box.checked; refresh(); loadCoverage(); } });
  const legend = h('div', { id: 'surveys-legend', class: 'surveys-legend', 'aria-live': 'polite' });
  const coverage = h('p', { id: 'coverage-line', class: 'coverage-line', 'aria-live': 'polite' });
  const element = h('div', { class: 'layer-toggle' },
    h('label', { class: 'check' }, box, h('span', {}, t('map.surveys.toggle'))), legend, coverage);
  let removed = false;
  let timer = null;
  let controller = null;
  let coverageController = null;

  function removeLayers() {
    for (const layer of surveyLayers('surveys', 'surveys')) if (map.getLayer(layer.id)) map.removeLayer(layer.id);
    if (map.getSource('surveys')) map.removeSource('surveys');
  }

  function drawLegend() {
    clear(legend);
    delete legend.dataset.kind;
    legend.append(h('ul', { class: 'survey-states', 'aria-label': t('map.surveys.toggle') }, surveyStates.map((s) => h('li', { dataset: { state: s } },
      h('span', { class: `swatch square${s === 'not_surveyed' ? ' dashed' : ''}`, style: `background:${surveyColours[s]};opacity:${s === 'not_surveyed' ? 1 : surveyOpacity}` }),
      t('survey.state.' + s)))));
  }

  async function load() {
    controller?.abort();
    if (removed || !on) return;
    if (map.getZoom() < minZoom) {
      if (map.getSource('surveys')) map.getSource('surveys').setData({ type: 'FeatureCollection', features: [] });
      showMessage(legend, t('map.surveys.zoom'));
      return;
    }
    controller = new AbortController();
    let fc;
    try {
      fc = await api.surveys(viewBox(map).map((v) => v.toFixed(6)), { signal: controller.signal });
    } catch (err) {
      if (err.code !== 'aborted' && !removed) showMessage(legend, errorText(err), 'error');
      return;
    }
    if (removed || !on) return;
    const data = surveyAreas(fc);
    if (map.getSource('surveys')) map.getSource('surveys').setData(data);
    else {
      map.addSource('surveys', { type: 'geojson', data });
      // Under the streets (as the districts' fill), the viewsheds and the cameras.
      const below = map.getLayer('streets-casing') ? 'streets-casing' : undefined;
      for (const layer of surveyLayers('surveys', 'surveys')) map.addLayer(layer, below);
    }
    drawLegend();
    if (!fc.features.length) legend.append(h('p', { class: 'hint' }, t('map.surveys.none')));
  }

  // The coverage figures of the view and what they stand on: how much of it was surveyed.
  async function loadCoverage() {
    coverageController?.abort();
    if (removed) return;
    const bbox = viewBox(map);
    if (!on || map.getZoom() < minZoom || areaKm2(bbox) > maxCoverageKm2) { showMessage(coverage, ''); return; }
    coverageController = new AbortController();
    try {
      const c = await api.coverage(bbox.map((v) => v.toFixed(6)), { signal: coverageController.signal });
      if (removed) return;
      if (!c.street_m) { showMessage(coverage, ''); return; }
      showMessage(coverage, t('map.coverage.line', { watched: percent(c.share?.observe ?? 0), surveyed: percent(c.surveyed_share ?? 0) }));
    } catch (err) {
      if (err.code !== 'aborted' && !removed) showMessage(coverage, '');
    }
  }

  function refresh() {
    if (!on) { if (map.getStyle()) removeLayers(); clear(legend); return; }
    load();
  }
  const onMove = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { if (on) load(); loadCoverage(); }, 300);
  };
  map.on('moveend', onMove);
  if (map.isStyleLoaded()) { refresh(); loadCoverage(); } else map.once('load', () => { refresh(); loadCoverage(); });
  return { element, destroy: () => { removed = true; clearTimeout(timer); controller?.abort(); coverageController?.abort(); map.off('moveend', onMove); } };
}
