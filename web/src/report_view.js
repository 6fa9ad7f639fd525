// Report a camera, phone first: photos -> position and direction suggested from the photo's
// metadata (POST /api/v1/photos/inspect) -> pin and direction handle on a map -> type, mount,
// operator presets -> nearby cameras ("is it this one?") -> submit -> the stored photos and the
// private withdraw link. The form survives a language switch (state lives in this module).
// Opened from a campaign's task ("Report a camera here", startFieldReport) it starts at the task
// and leads back to it; without a connection the report and its photos wait in the offline queue
// (field_store.js) and are sent as they are when the connection is back.
import maplibregl from 'maplibre-gl';
import { api } from './api.js';
import { h, statusLine, showMessage, clear, navigate } from './dom.js';
import { field, queueReport } from './field_store.js';
import { t, tOr, errorText, mapLocale } from './i18n.js';
import { mapStyle } from './mapstyle.js';

export const presets = [
  { id: 'huawei-ipc6625-z30', label: 'Huawei IPC6625-Z30',
    tags: { manufacturer: 'Huawei', model: 'IPC6625-Z30', 'camera:type': 'dome' } },
  { id: 'huawei-ipc6225-vrz-es', label: 'Huawei IPC6225-VRZ-ES',
    tags: { manufacturer: 'Huawei', model: 'IPC6225-VRZ-ES', 'camera:type': 'fixed' } },
];
const types = ['unknown', 'fixed', 'dome', 'panning', 'ALPR'];
const mounts = ['unknown', 'wall', 'pole', 'ceiling', 'street_lamp', 'traffic_signals'];
const operators = ['MUP Srbije', 'Polizei', 'Stadt', 'Deutsche Bahn', 'MVG'];
// The server's limits (docs/api/openapi.json, POST /api/v1/reports): 4 photos of at most 20 MB
// (20 MiB) each, JPEG, PNG, WebP or HEIC/HEIF. Checked here too, so a file the server would
// refuse is never added.
export const maxPhotos = 4;
export const maxPhotoBytes = 20 * 1024 * 1024;
const heifBrands = ['heic', 'heix', 'mif1', 'msf1', 'hevc'];

/// The photo type from a file's first bytes (its name and MIME type may say anything), or null.
export function sniffPhotoType(bytes) {
  const ascii = (from, to) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return 'png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 12 && ascii(4, 8) === 'ftyp') {
    // The major brand, then the compatible brands within the first 32 bytes.
    const size = Math.min(bytes.length, 32, new DataView(bytes.buffer, bytes.byteOffset).getUint32(0) || 32);
    for (let at = 8; at + 4 <= size; at += 4) if (at !== 12 && heifBrands.includes(ascii(at, at + 4))) return 'heic';
  }
  return null;
}

/// Why `file` cannot be a report photo ({key, vars} for t()), or null.
async function photoProblem(file) {
  if (file.size > maxPhotoBytes) return { key: 'report.photos.toolarge', vars: { name: file.name, mb: maxPhotoBytes / (1024 * 1024) } };
  const head = new Uint8Array(await file.slice(0, 32).arrayBuffer());
  if (!sniffPhotoType(head)) return { key: 'report.photos.nottype', vars: { name: file.name } };
  return null;
}

function freshState() {
  return { photos: [], photoProblems: [], lat: null, lon: null, direction: null, accuracy: null, type: 'unknown', mount: 'unknown',
    operator: '', preset: '', note: '', confirming: null };
}
let state = freshState();
let result = null;  // the 201 answer, shown until "report another"
let queued = false;  // the report waits in the offline queue: shown until "report another"
// The campaign task the report is made at ({campaign, task}), or null.
let fieldTask = null;

/// A report at a campaign's task: a fresh form with the pin at [lat, lon]; once it is sent (or
/// queued) its number (or queue key) is kept for that task's answer, and the page leads back.
export function startFieldReport({ lat, lon, campaign, task }) {
  result = null;
  queued = false;
  state = freshState();
  state.lat = lat;
  state.lon = lon;
  fieldTask = { campaign, task };
}

function backToCampaign() {
  if (!fieldTask) return null;
  const { campaign } = fieldTask;
  return h('p', {}, h('a', { href: `/campaign/${campaign}`, id: 'back-to-campaign', class: 'button', onclick: (e) => {
    e.preventDefault();
    result = null; queued = false; state = freshState(); fieldTask = null;
    navigate(`/campaign/${campaign}`);
  } }, t('report.field.back')));
}

const metresPerDegLat = 111195;
function offset(lat, lon, bearingDeg, metres) {
  const r = (bearingDeg * Math.PI) / 180;
  return [lon + (Math.sin(r) * metres) / (metresPerDegLat * Math.cos((lat * Math.PI) / 180)),
    lat + (Math.cos(r) * metres) / metresPerDegLat];
}
function bearing(lat1, lon1, lat2, lon2) {
  const dx = (lon2 - lon1) * Math.cos((lat1 * Math.PI) / 180);
  const dy = lat2 - lat1;
  return ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
}
function distanceM(lat1, lon1, lat2, lon2) {
  const dx = (lon2 - lon1) * metresPerDegLat * Math.cos((lat1 * Math.PI) / 180);
  return Math.hypot(dx, (lat2 - lat1) * metresPerDegLat);
}

export function reportTags(s) {
  const tags = { man_made: 'surveillance', 'surveillance:type': s.type === 'ALPR' ? 'ALPR' : 'camera' };
  if (s.type !== 'unknown' && s.type !== 'ALPR') tags['camera:type'] = s.type;
  if (s.mount !== 'unknown') tags['camera:mount'] = s.mount;
  if (s.operator.trim()) tags.operator = s.operator.trim();
  const preset = presets.find((p) => p.id === s.preset);
  if (preset) Object.assign(tags, preset.tags);
  return tags;
}

export function render(main) {
  const withdraw = /^#withdraw=(\d+):([\w-]+)$/.exec(location.hash);
  if (withdraw) return renderWithdraw(main, withdraw[1], withdraw[2]);
  if (result) return renderDone(main);
  if (queued) return renderQueued(main);

  const photoStatus = statusLine();
  photoStatus.id = 'photo-status';
  const photoError = h('p', { id: 'report-photos-error', class: 'status', role: 'alert', dataset: { kind: 'error' } });
  const submitStatus = statusLine();
  const dupList = h('div', { class: 'duplicates', id: 'duplicates' });
  const thumbs = h('ul', { class: 'thumbs' });
  const latInput = h('input', { id: 'report-lat', type: 'number', step: 'any', min: -90, max: 90, inputmode: 'decimal' });
  const lonInput = h('input', { id: 'report-lon', type: 'number', step: 'any', min: -180, max: 180, inputmode: 'decimal' });
  const dirInput = h('input', { id: 'report-direction', type: 'number', step: '1', min: 0, max: 359, inputmode: 'numeric',
    placeholder: t('report.direction.none') });
  const mapEl = h('div', { id: 'report-map', class: 'report-map', role: 'application',
    'aria-label': `${t('report.place.help')} ${t('report.place.keys')}` });
  const submitButton = h('button', { type: 'submit', class: 'primary', id: 'report-submit' }, t('report.submit'));

  const form = h('form', { class: 'page report', id: 'report-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(); } },
    h('h1', {}, t('report.title')), h('p', {}, t('report.intro')),
    fieldTask ? [h('p', { class: 'hint', id: 'report-field' }, t('report.field.note')), backToCampaign()] : null,
    h('section', {}, h('h2', {}, t('report.step.photos')),
      h('label', { class: 'field' }, h('span', {}, t('report.photos')),
        h('input', { id: 'report-photos', type: 'file', accept: 'image/*', multiple: true,
          'aria-describedby': 'report-photos-error', onchange: (e) => addPhotos(e.target) })),
      photoError, thumbs, photoStatus),
    h('section', {}, h('h2', {}, t('report.step.place')), h('p', {}, t('report.place.help')),
      h('p', { class: 'keys-hint' }, t('report.place.keys')), mapEl,
      h('div', { class: 'row' },
        h('label', { class: 'field' }, h('span', {}, t('report.lat')), latInput),
        h('label', { class: 'field' }, h('span', {}, t('report.lon')), lonInput),
        h('label', { class: 'field' }, h('span', {}, t('report.direction')), dirInput)),
      h('button', { type: 'button', onclick: locate }, t('report.locate'))),
    h('section', {}, h('h2', {}, t('report.step.details')),
      h('div', { class: 'row' },
        h('label', { class: 'field' }, h('span', {}, t('report.type')),
          h('select', { id: 'report-type', onchange: (e) => { state.type = e.target.value; } },
            types.map((v) => h('option', { value: v, selected: state.type === v }, v === 'unknown' ? t('type.unknown') : t('kind.' + v))))),
        h('label', { class: 'field' }, h('span', {}, t('report.mount')),
          h('select', { id: 'report-mount', onchange: (e) => { state.mount = e.target.value; } },
            mounts.map((v) => h('option', { value: v, selected: state.mount === v }, t('mount.' + v))))),
        h('label', { class: 'field' }, h('span', {}, t('report.preset')),
          h('select', { id: 'report-preset', onchange: (e) => choosePreset(e.target.value) },
            h('option', { value: '' }, t('report.preset.none')),
            presets.map((p) => h('option', { value: p.id, selected: state.preset === p.id }, p.label)))),
        h('label', { class: 'field' }, h('span', {}, t('report.operator')),
          h('input', { id: 'report-operator', type: 'text', list: 'operator-list', value: state.operator,
            oninput: (e) => { state.operator = e.target.value; } }),
          h('datalist', { id: 'operator-list' }, operators.map((o) => h('option', { value: o }))))),
      h('label', { class: 'field' }, h('span', {}, t('report.note')),
        h('textarea', { id: 'report-note', maxlength: 2000, rows: 2, placeholder: t('report.note.placeholder'),
          oninput: (e) => { state.note = e.target.value; } }, state.note))),
    h('section', {}, h('h2', {}, t('report.step.duplicates')), h('p', {}, t('report.duplicates.help')), dupList),
    submitButton, submitStatus);
  main.append(form);

  // The map: a draggable pin on the camera and a handle that sets the direction.
  const map = new maplibregl.Map({ container: mapEl, style: mapStyle(), center: [11.5755, 48.1374], zoom: 17,
    attributionControl: { compact: true }, locale: mapLocale() });
  window.sightlineReportMap = map;
  const pinEl = h('div', { class: 'pin', title: t('report.lat') });
  const handleEl = h('div', { class: 'direction-handle', title: t('report.direction') });
  const pin = new maplibregl.Marker({ element: pinEl, draggable: true });
  const handle = new maplibregl.Marker({ element: handleEl, draggable: true });
  map.on('load', () => {
    map.addSource('direction', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'direction-line', type: 'line', source: 'direction', paint: { 'line-color': '#1f5fbf', 'line-width': 3 } });
    placeAll(true);
  });
  map.on('click', (e) => { if (state.lat === null) setPosition(e.lngLat.lat, e.lngLat.lng); });
  // Without a pointer: move the map with the arrow keys, Enter or Space puts the pin at its centre.
  map.getCanvas().addEventListener('keydown', (e) => {
    if ((e.key !== 'Enter' && e.key !== ' ') || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const c = map.getCenter().wrap();
    setPosition(c.lat, c.lng);
  });
  pin.on('drag', () => { const p = pin.getLngLat(); state.lat = p.lat; state.lon = p.lng; state.confirming = null; placeAll(false, true); });
  pin.on('dragend', () => findDuplicates());
  handle.on('drag', () => {
    const p = handle.getLngLat();
    state.direction = Math.round(bearing(state.lat, state.lon, p.lat, p.lng)) % 360;
    placeAll(false, false);
  });
  handle.on('dragend', () => placeAll(false, true));

  function handleDistance() {
    // About 60 px from the pin at any zoom.
    return (60 * 156543 * Math.cos((state.lat * Math.PI) / 180)) / 2 ** map.getZoom();
  }
  function placeAll(center, moveHandle = true) {
    latInput.value = state.lat ?? '';
    lonInput.value = state.lon ?? '';
    dirInput.value = state.direction ?? '';
    if (state.lat === null) { pin.remove(); handle.remove(); return; }
    pin.setLngLat([state.lon, state.lat]).addTo(map);
    const dir = state.direction ?? 0;
    const tip = offset(state.lat, state.lon, dir, handleDistance());
    if (moveHandle) handle.setLngLat(tip);
    handle.addTo(map);
    handleEl.classList.toggle('unset', state.direction === null);
    const line = map.getSource('direction');
    if (line) {
      line.setData(state.direction === null ? { type: 'FeatureCollection', features: [] }
        : { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[state.lon, state.lat], moveHandle ? tip : handle.getLngLat().toArray()] } });
    }
    if (center) map.jumpTo({ center: [state.lon, state.lat] });
  }
  function setPosition(lat, lon, center = false) {
    state.lat = Number(lat); state.lon = Number(lon); state.confirming = null;
    placeAll(center); findDuplicates();
  }
  latInput.addEventListener('change', () => { if (latInput.value && lonInput.value) setPosition(latInput.value, lonInput.value, true); });
  lonInput.addEventListener('change', () => { if (latInput.value && lonInput.value) setPosition(latInput.value, lonInput.value, true); });
  dirInput.addEventListener('change', () => {
    state.direction = dirInput.value === '' ? null : ((Math.round(Number(dirInput.value)) % 360) + 360) % 360;
    placeAll(false);
  });

  function locate() {
    if (!navigator.geolocation) { showMessage(photoStatus, t('report.locate.failed'), 'error'); return; }
    navigator.geolocation.getCurrentPosition(
      (p) => { state.accuracy = p.coords.accuracy; setPosition(p.coords.latitude, p.coords.longitude, true); },
      () => showMessage(photoStatus, t('report.locate.failed'), 'error'),
      { enableHighAccuracy: true, timeout: 15000 });
  }

  function drawThumbs() {
    clear(thumbs);
    state.photos.forEach((file, i) => {
      if (!file._url) file._url = URL.createObjectURL(file);
      thumbs.append(h('li', {}, h('img', { src: file._url, alt: file.name }),
        h('button', { type: 'button', onclick: () => { URL.revokeObjectURL(file._url); state.photos.splice(i, 1); drawThumbs(); } },
          t('report.remove'))));
    });
  }
  function drawPhotoProblems() {
    photoError.textContent = state.photoProblems.map((p) => t(p.key, p.vars)).join(' ');
  }
  // Each file is checked before it is added: a refused one never shows as a thumbnail and is
  // never sent; the reasons stay beside the picker until the next pick.
  async function addPhotos(input) {
    const files = [...input.files];
    input.value = '';
    const problems = [];
    const added = [];
    for (const file of files) {
      const problem = await photoProblem(file);
      if (problem) problems.push(problem);
      else if (state.photos.length + added.length < maxPhotos) added.push(file);
      else if (!problems.some((p) => p.key === 'report.photos.toomany')) problems.push({ key: 'report.photos.toomany', vars: {} });
    }
    state.photoProblems = problems;
    drawPhotoProblems();
    state.photos.push(...added);
    drawThumbs();
    if (!added.length) return;
    showMessage(photoStatus, t('report.photos.inspecting'));
    delete photoStatus.dataset.done;
    try {
      const s = await api.inspectPhoto(added[0]);
      const position = s.camera_position || s.photographer;
      if (position) {
        if (s.accuracy_m != null) state.accuracy = s.accuracy_m;
        if (s.camera_direction_deg != null) state.direction = Math.round(s.camera_direction_deg) % 360;
        setPosition(position.lat, position.lon, true);
        showMessage(photoStatus, t('report.photos.prefilled'));
      } else {
        showMessage(photoStatus, t('report.photos.nohint'));
      }
    } catch (err) {
      // 415/422: this file is the problem, not the server. Otherwise the photo pipeline may be
      // off. Either way the report can still be placed by hand.
      const unreadable = err.status === 415 || err.status === 422;
      showMessage(photoStatus, unreadable ? t('report.photos.unreadable', { name: added[0].name })
        : t('report.photos.unavailable', { message: errorText(err, 'photo') }), 'error');
    }
    photoStatus.dataset.done = '1';
  }
  function choosePreset(id) {
    state.preset = id;
    const preset = presets.find((p) => p.id === id);
    if (preset?.tags['camera:type']) {
      state.type = preset.tags['camera:type'];
      form.querySelector('#report-type').value = state.type;
    }
  }

  let dupTimer = null;
  function findDuplicates() {
    clearTimeout(dupTimer);
    dupTimer = setTimeout(async () => {
      if (state.lat === null) return;
      const d = 0.0004;
      clear(dupList);
      try {
        const fc = await api.cameras([state.lon - d / Math.cos((state.lat * Math.PI) / 180), state.lat - d,
          state.lon + d / Math.cos((state.lat * Math.PI) / 180), state.lat + d].map((v) => v.toFixed(7)), 50);
        const near = fc.features.map((f) => ({ f, m: distanceM(state.lat, state.lon, f.geometry.coordinates[1], f.geometry.coordinates[0]) }))
          .filter((x) => x.m <= 30).sort((a, b) => a.m - b.m).slice(0, 5);
        drawDuplicates(near);
      } catch (err) {
        dupList.append(h('p', { class: 'error' }, errorText(err)));
      }
    }, 250);
  }
  function drawDuplicates(near) {
    clear(dupList);
    if (state.confirming) {
      dupList.append(h('p', { class: 'confirming' }, t('report.duplicates.confirming', { id: state.confirming })),
        h('button', { type: 'button', onclick: () => { state.confirming = null; findDuplicates(); } }, t('report.duplicates.undo')));
      return;
    }
    if (!near.length) { dupList.append(h('p', {}, t('report.duplicates.none'))); return; }
    dupList.append(h('ul', {}, near.map(({ f, m }) => h('li', {},
      h('a', { href: `/camera/${f.properties.id}`, target: '_blank' }, t('camera.title', { id: f.properties.id })),
      ` — ${tOr('kind.' + f.properties.kind, f.properties.kind)}, ${Math.round(m)} m `,
      h('button', { type: 'button', class: 'this-one', onclick: () => {
        // A confirmation: the report moves onto the known camera, so the moderator's likely
        // duplicate is exactly that camera, and the note says so.
        state.confirming = f.properties.id;
        [state.lon, state.lat] = f.geometry.coordinates;
        placeAll(true); drawDuplicates([]);
      } }, t('report.duplicates.this'))))));
  }

  async function submit(withoutPhotos = false) {
    if (state.lat === null) { showMessage(submitStatus, t('report.needpin'), 'error'); return; }
    const report = { location: { lat: Number(state.lat.toFixed(7)), lon: Number(state.lon.toFixed(7)) }, tags: reportTags(state) };
    if (state.accuracy != null) report.accuracy_m = Math.min(10000, Math.round(state.accuracy));
    if (state.direction !== null) report.directions_deg = [state.direction];
    const note = [state.confirming ? `Same camera as #${state.confirming}.` : '', state.note.trim()].filter(Boolean).join(' ');
    if (note) report.note = note.slice(0, 2000);
    submitButton.disabled = true;
    showMessage(submitStatus, t('report.sending'));
    const photos = withoutPhotos ? [] : state.photos;
    const keep = async () => {
      const key = await queueReport(report, photos, fieldTask);
      if (fieldTask) field.addReport({ key });
      queued = true;
      state.photos.forEach((f) => f._url && URL.revokeObjectURL(f._url));
      map.remove();
      clear(main);
      renderQueued(main);
    };
    // Without a connection the report waits in the queue, photos and all.
    if (!navigator.onLine) { await keep(); return; }
    try {
      result = await api.submitReport(report, photos);
      if (fieldTask) field.addReport({ id: result.id });
      state.photos.forEach((f) => f._url && URL.revokeObjectURL(f._url));
      map.remove();
      clear(main);
      renderDone(main);
    } catch (err) {
      if (err.code === 'network') { await keep(); return; }
      submitButton.disabled = false;
      showMessage(submitStatus, errorText(err, 'report'), 'error');
      if (state.photos.length && !withoutPhotos && (err.status >= 500 || err.status === 415 || err.status === 422 || err.status === 413)) {
        submitStatus.append(' ', h('button', { type: 'button', id: 'submit-without-photos', onclick: () => submit(true) },
          t('report.submit.nophotos')));
      }
    }
  }
  if (state.lat !== null) findDuplicates();
  drawThumbs();
  drawPhotoProblems();
  return () => { try { map.remove(); } catch { /* already removed */ } };
}

function renderDone(main) {
  const r = result;
  const link = `${location.origin}/report#withdraw=${r.id}:${r.withdraw_token}`;
  main.append(h('article', { class: 'page report-done', id: 'report-done' },
    h('h1', {}, t('report.done.title')), h('p', {}, t('report.done.text', { id: r.id })),
    (r.photos || []).length ? [h('p', {}, t('report.done.photos')), h('ul', { class: 'stored-photos' }, r.photos.map((p) =>
      h('li', {}, h('img', { src: p.preview_url || p.url, alt: t('camera.photos'), class: 'stored-photo', dataset: { sha256: p.sha256 } }),
        h('small', {}, t('report.done.faces', { count: p.faces_blurred ?? 0 }),
          p.metadata_removed?.length ? ' · ' + t('report.done.metadata', { list: p.metadata_removed.join(', ') }) : ''))))] : null,
    h('p', {}, t('report.done.withdraw')),
    h('p', {}, h('a', { href: link, id: 'withdraw-link', class: 'secret' }, link)),
    backToCampaign(),
    h('button', { type: 'button', id: 'report-another', onclick: () => { result = null; state = freshState(); clear(main); render(main); } },
      t('report.done.another'))));
}

function renderQueued(main) {
  main.append(h('article', { class: 'page report-done', id: 'report-queued' },
    h('h1', { tabindex: '-1' }, t('report.queued.title')), h('p', {}, t('report.queued.text')),
    backToCampaign(),
    h('button', { type: 'button', id: 'report-another', onclick: () => { queued = false; state = freshState(); clear(main); render(main); } },
      t('report.done.another'))));
}

function renderWithdraw(main, id, token) {
  const status = statusLine();
  main.append(h('article', { class: 'page' }, h('h1', {}, t('report.done.withdraw.button')), h('p', {}, `#${id}`),
    h('button', { type: 'button', id: 'withdraw', onclick: async (e) => {
      e.target.disabled = true;
      try {
        await api.withdraw(id, token);
        showMessage(status, t('report.done.withdrawn'));
      } catch (err) {
        e.target.disabled = false;
        showMessage(status, errorText(err, 'withdraw'), 'error');
      }
    } }, t('report.done.withdraw.button')), status));
}
