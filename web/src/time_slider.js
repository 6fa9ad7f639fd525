// The map's time slider (issue 18): the cameras that were on the map at the end of a chosen day.
// At its right end ("today") the map draws the live camera tiles; on an earlier day the tile
// layers of cameras (and their clusters, cones and viewsheds, which are today's) are hidden and
// the source `cameras-past` holds GET /api/v1/cameras?bbox=<view>&active_at=<day>, asked again
// 300 ms after the map stops moving. The range runs from the day of the first camera or report
// (GET /api/v1/stats/history) to today. It is an <input type=range> with a label that shows the
// day: arrow keys move a day, Home and End go to the first day and today.
import { api } from './api.js';
import { h, showMessage } from './dom.js';
import { t, tCount, language, errorText } from './i18n.js';
import { kindColourExpression, statusColourExpression } from './mapstyle.js';

const dayMs = 86400000;
const debounceMs = 300;
const pastLimit = 10000;  // the API's largest limit
// The layers that show today's cameras (tiles); hidden while a past day is shown.
const liveLayers = ['cameras', 'camera-clusters', 'camera-cluster-count', 'camera-fov', 'viewsheds'];
// The chosen day ('YYYY-MM-DD'), or null for today; kept across a language switch.
let chosenDay = null;

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const utcMidnight = (ms) => Math.floor(ms / dayMs) * dayMs;
const dayText = (ms) => new Intl.DateTimeFormat(language(), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
  .format(new Date(ms));
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/// Adds the slider to `map` (a control at the top left). `filter()` is the map's camera filter
/// expression (kind, status, operator), applied to the past cameras too; `onPick(id)` opens a
/// camera (not called while `blocked()`, e.g. in route mode). Returns {refilter(), destroy()}.
export function timeSlider(map, { filter, onPick, blocked = () => false }) {
  const input = h('input', { type: 'range', id: 'time-slider', min: 0, max: 0, step: 1, value: 0 });
  const shown = h('output', { id: 'time-day', for: 'time-slider' });
  const status = h('p', { id: 'time-status', class: 'time-status', role: 'status', 'aria-live': 'polite' });
  const back = h('button', { type: 'button', id: 'time-back', class: 'link-button', onclick: () => { input.value = input.max; changed(true); } },
    t('time.back'));
  const box = h('div', { id: 'time-control', class: 'maplibregl-ctrl time-control', hidden: true, dataset: { day: 'now' } },
    h('label', { for: 'time-slider', class: 'time-label' }, t('time.label'), ' ', shown), input,
    h('div', { class: 'time-row' }, status, back));
  map.addControl({ onAdd: () => box, onRemove: () => box.remove() }, 'top-left');

  let first = 0;  // ms of the first day (UTC midnight)
  let removed = false;
  let timer = null;
  let seq = 0;

  const today = () => utcMidnight(Date.now());
  const dayAt = (value) => first + Number(value) * dayMs;
  const isNow = () => Number(input.value) >= Number(input.max);

  function label() {
    const text = isNow() ? t('time.now') : dayText(dayAt(input.value));
    shown.textContent = text;
    input.setAttribute('aria-valuetext', text);
    back.hidden = isNow();
    box.dataset.day = isNow() ? 'now' : isoDay(dayAt(input.value));
  }

  function setLive(visible) {
    for (const id of liveLayers) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    if (map.getLayer('cameras-past')) map.setLayoutProperty('cameras-past', 'visibility', visible ? 'none' : 'visible');
  }

  function ensurePastLayer() {
    if (map.getSource('cameras-past')) return;
    map.addSource('cameras-past', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'cameras-past', type: 'circle', source: 'cameras-past', filter: filter(),
      paint: { 'circle-color': kindColourExpression(), 'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 4, 18, 8],
        'circle-stroke-color': statusColourExpression(), 'circle-stroke-width': 2.5 } });
    map.on('click', 'cameras-past', (e) => {
      const id = e.features[0]?.properties?.id;
      if (id && !blocked()) setTimeout(() => onPick(id));
    });
    map.on('mouseenter', 'cameras-past', () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', 'cameras-past', () => { map.getCanvas().style.cursor = ''; });
  }

  // The cameras of the chosen day in the view, as the tiles would carry them (type = kind).
  async function loadPast() {
    const mine = ++seq;
    const day = isoDay(dayAt(input.value));
    const b = map.getBounds();
    const bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
      .map((v) => v.toFixed(6));
    box.dataset.state = 'loading';
    try {
      const fc = await api.camerasActiveAt(bbox, day, pastLimit);
      if (removed || mine !== seq) return;
      const features = fc.features.map((f) => ({ ...f, properties: { ...f.properties, type: f.properties.kind } }));
      map.getSource('cameras-past')?.setData({ type: 'FeatureCollection', features });
      showMessage(status, fc.truncated ? t('time.many', { count: pastLimit.toLocaleString(language()) })
        : tCount('time.count', features.length));
      box.dataset.count = String(features.length);
      box.dataset.state = 'ready';
    } catch (err) {
      if (removed || mine !== seq) return;
      map.getSource('cameras-past')?.setData({ type: 'FeatureCollection', features: [] });
      showMessage(status, err.code === 'too_large' ? t('time.too_wide') : errorText(err), 'error');
      box.dataset.count = '0';
      box.dataset.state = 'error';
    }
  }

  // A new position: the label at once, the cameras once the slider rests.
  function changed(immediately = false) {
    label();
    clearTimeout(timer);
    chosenDay = isNow() ? null : isoDay(dayAt(input.value));
    if (isNow()) {
      ++seq;
      setLive(true);
      showMessage(status, '');
      delete box.dataset.count;
      box.dataset.state = 'ready';
      return;
    }
    ensurePastLayer();
    setLive(false);
    if (immediately) loadPast();
    else timer = setTimeout(loadPast, debounceMs);
  }
  input.addEventListener('input', () => changed());
  input.addEventListener('change', () => changed(true));
  const onMove = () => {
    if (removed || isNow()) return;
    clearTimeout(timer);
    timer = setTimeout(loadPast, debounceMs);
  };
  map.on('moveend', onMove);

  // The range: from the first camera or report to today. Nothing yet: no slider.
  const ready = new Promise((resolve) => { if (map.isStyleLoaded()) resolve(); else map.once('load', resolve); });
  Promise.all([api.history('year'), ready]).then(([history]) => {
    if (removed || !history.first_event) return;
    first = utcMidnight(Date.parse(history.first_event));
    const days = Math.max(0, Math.round((today() - first) / dayMs));
    input.max = String(days);
    const wanted = chosenDay ? Math.round((Date.parse(chosenDay) - first) / dayMs) : days;
    input.value = String(clamp(wanted, 0, days));
    box.hidden = false;
    changed(true);
  }).catch(() => { /* no range, no slider: the map works as before */ });

  return {
    refilter: () => { if (!removed && map.getLayer('cameras-past')) map.setFilter('cameras-past', filter()); },
    destroy: () => { removed = true; clearTimeout(timer); map.off('moveend', onMove); },
  };
}
