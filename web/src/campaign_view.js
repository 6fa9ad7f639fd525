// /campaign/{id}: a campaign's field view, made for a phone in the street. "Find me a corner" asks
// the browser for the position (else takes the map's centre) and GET /api/v1/campaigns/{id}/next
// for the nearest free task (held 30 minutes), shown on the map with its 50 m circle (or its
// cell) and its distance; the volunteer answers "No camera here", "N cameras here" or reports a
// camera there first (the report's number goes into the answer). Each answer carries a random
// answer_id, so that a delivery repeated from the offline queue counts once; then the next task.
// "Save this area for offline use" keeps the area (campaign_offline.js): without a connection
// the nearest task not yet surveyed comes from the saved tasks, and answers and reports wait in
// the queue (field_store.js) until the connection is back. Moderators also see the disputed
// tasks and settle them.
import maplibregl from 'maplibre-gl';
import { api } from './api.js';
import { h, clear, statusLine, showMessage, navigate } from './dom.js';
import { t, tCount, errorText, mapLocale, language } from './i18n.js';
import { mapStyle, circlePolygon, surveyAreas, surveyLayers } from './mapstyle.js';
import { areas, queueAnswer, queueCounts, drain, startQueue, field, sentReports } from './field_store.js';
import { saveArea, offlineSupported, registerWorker, nearestSavedTask, distanceM, isOffline, maxTiles } from './campaign_offline.js';
import { progress, moderatorSession } from './campaigns_view.js';
import { startFieldReport } from './report_view.js';

const number = (n, digits = 0) => new Intl.NumberFormat(language(), { maximumFractionDigits: digits }).format(n);
/// "420 kB" or "3.2 MB" (1024-based, as browsers report storage).
const size = (bytes) => (bytes < 1024 * 1024 ? t('safe.size.kb', { value: number(Math.max(1, Math.round(bytes / 1024))) })
  : t('safe.size.mb', { value: number(bytes / (1024 * 1024), 1) }));

function randomId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/// The task's ground: the circle of an intersection, the square of a cell.
function taskArea(task) {
  if (task.unit === 'cell' && task.bbox && task.bbox[0] !== task.bbox[2]) {
    const [w, s, e, n] = task.bbox;
    return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
  }
  return circlePolygon(task.lon, task.lat, 50);
}

export function render(main, { id }) {
  const campaignId = Number(id);
  let campaign = null;
  let removed = false;
  let position = null;  // {lat, lon, fromMap}
  let current = field.get();
  if (current?.campaign !== campaignId) current = null;

  const title = h('h1', { id: 'campaign-title' }, t('campaign.title'));
  const progressWrap = h('div', { id: 'campaign-progress' });
  const connection = h('p', { id: 'field-connection', class: 'status', role: 'status' });
  const queueLine = h('p', { id: 'field-queue', class: 'status', role: 'status', 'aria-live': 'polite' });
  const sendNow = h('button', { type: 'button', id: 'field-send', hidden: true, onclick: () => sendQueue() }, t('field.queue.send'));
  const findButton = h('button', { type: 'button', class: 'primary', id: 'find-task', onclick: () => findTask() }, t('campaign.find.intersection'));
  const taskStatus = statusLine();
  taskStatus.id = 'task-status';
  const mapEl = h('div', { id: 'campaign-map', class: 'campaign-map', role: 'region', 'aria-label': t('campaign.map') });
  const taskHeading = h('h2', { id: 'task-heading', tabindex: '-1' });
  const taskReports = h('p', { id: 'task-reports', class: 'hint' });
  const countInput = h('input', { id: 'camera-count', type: 'number', min: 1, max: 99, value: 1, inputmode: 'numeric',
    'aria-label': t('campaign.answer.count.label'), oninput: () => updateCountButton() });
  const countButton = h('button', { type: 'button', id: 'answer-count', onclick: () => answer(Math.max(1, Number(countInput.value) || 1)) });
  const step = (d) => { countInput.value = Math.min(99, Math.max(1, (Number(countInput.value) || 1) + d)); updateCountButton(); };
  const taskSection = h('section', { id: 'task', class: 'task', hidden: true },
    taskHeading,
    h('div', { class: 'answer-buttons' },
      h('button', { type: 'button', id: 'answer-none', class: 'primary', onclick: () => answer(0) }, t('campaign.answer.none')),
      h('div', { class: 'stepper' },
        h('button', { type: 'button', id: 'count-minus', 'aria-label': t('campaign.answer.fewer'), onclick: () => step(-1) }, '−'),
        countInput,
        h('button', { type: 'button', id: 'count-plus', 'aria-label': t('campaign.answer.more'), onclick: () => step(1) }, '+'),
        countButton),
      h('button', { type: 'button', id: 'report-here', onclick: () => reportHere() }, t('campaign.report'))),
    taskReports);
  const saveButton = h('button', { type: 'button', id: 'save-offline', onclick: () => save() }, t('field.save'));
  const saveProgress = h('progress', { id: 'save-progress', max: 1, value: 0, hidden: true, 'aria-label': t('field.save') });
  const saveStatus = h('p', { id: 'save-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const sentList = h('ul', { id: 'sent-reports', class: 'sent-reports' });
  const disputed = h('section', { id: 'disputed', hidden: true });

  main.append(h('div', { class: 'page campaign-page' },
    h('p', {}, h('a', { href: '/campaigns', 'data-link': true }, t('campaign.back'))),
    title, progressWrap, connection, queueLine, sendNow,
    findButton, taskStatus, mapEl, taskSection,
    h('section', { class: 'offline', id: 'offline' }, h('h2', {}, t('field.offline.title')), h('p', {}, t('field.offline.intro')),
      saveButton, saveProgress, saveStatus, sentList),
    disputed));

  const map = new maplibregl.Map({ container: mapEl, style: mapStyle(), center: [0, 0], zoom: 15,
    attributionControl: { compact: true }, locale: mapLocale() });
  window.sightlineCampaignMap = map;
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  const marker = new maplibregl.Marker({ color: '#1f3b63' });
  marker.getElement().setAttribute('role', 'img');
  const mapReady = new Promise((resolve) => map.once('load', resolve));
  mapReady.then(() => {
    if (removed) return;
    map.addSource('campaign-tasks', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    for (const layer of surveyLayers('campaign-tasks', 'campaign-tasks')) map.addLayer(layer, 'streets-casing');
    map.addSource('task', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'task-fill', type: 'fill', source: 'task', paint: { 'fill-color': '#1f3b63', 'fill-opacity': 0.15 } });
    map.addLayer({ id: 'task-line', type: 'line', source: 'task', paint: { 'line-color': '#1f3b63', 'line-width': 3 } });
    if (current?.task) showTask(current.task, false);
  });

  // The campaign's other tasks, from the saved area, so that a volunteer sees what is left.
  async function drawSavedTasks() {
    const area = await areas.get(campaignId).catch(() => null);
    await mapReady;
    if (!area || removed) return;
    const answered = new Set(area.answered || []);
    const tasks = area.tasks.map((f) => (answered.has(Number(f.properties.task)) && f.properties.state === 'not_surveyed'
      ? { ...f, properties: { ...f.properties, state: 'surveyed_none' } } : f));
    map.getSource('campaign-tasks')?.setData(surveyAreas({ features: tasks }));
  }

  function drawCampaign(c) {
    campaign = c;
    title.textContent = c.name;
    document.title = `${c.name} · Sightline`;
    findButton.textContent = t('campaign.find.' + c.unit);
    clear(progressWrap).append(progress(c));
    if (!current?.task) map.fitBounds([[c.bbox[0], c.bbox[1]], [c.bbox[2], c.bbox[3]]], { padding: 20, duration: 0 });
  }

  async function loadCampaign() {
    try {
      drawCampaign(await api.campaign(campaignId));
    } catch (err) {
      const area = await areas.get(campaignId).catch(() => null);
      if (removed) return;
      if (area && isOffline(err)) {
        drawCampaign({ id: campaignId, name: area.name, bbox: area.bbox, unit: area.unit, tasks: area.tasks.length,
          done: area.tasks.filter((f) => f.properties.state !== 'not_surveyed').length, answers: 0, cameras_found: 0, disputed: 0 });
      } else {
        showMessage(taskStatus, errorText(err), 'error');
      }
    }
  }

  async function updateQueue() {
    let counts = { answers: 0, reports: 0 };
    try { counts = await queueCounts(); } catch { /* no IndexedDB: nothing can wait */ }
    if (removed) return;
    const parts = [];
    if (counts.answers) parts.push(tCount('field.queue.answers', counts.answers));
    if (counts.reports) parts.push(tCount('field.queue.reports', counts.reports));
    queueLine.textContent = parts.join(' ');
    queueLine.dataset.answers = counts.answers;
    queueLine.dataset.reports = counts.reports;
    sendNow.hidden = !(counts.answers + counts.reports) || !navigator.onLine;
    connection.textContent = navigator.onLine ? '' : t('field.offline.now');
    clear(sentList);
    sentList.append(...sentReports().slice(0, 5).map((r) => h('li', {}, t('field.sent', { id: r.id }), ' ',
      h('a', { href: `/report#withdraw=${r.id}:${r.withdraw_token}`, class: 'secret' }, t('field.sent.withdraw')))));
  }

  async function sendQueue() {
    const result = await drain().catch(() => null);
    if (result?.dropped) showMessage(taskStatus, tCount('field.queue.dropped', result.dropped), 'error');
    await updateQueue();
    if (result?.sent) { loadCampaign(); if (!removed) loadDisputed(); }
  }

  function locate() {
    return new Promise((resolve) => {
      const fromMap = (reason) => {
        const c = map.getCenter().wrap();
        resolve({ lat: c.lat, lon: c.lng, fromMap: true, reason });
      };
      if (!navigator.geolocation) { fromMap('unavailable'); return; }
      navigator.geolocation.getCurrentPosition(
        (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, fromMap: false }),
        (e) => fromMap(e.code === 1 ? 'denied' : 'unavailable'),
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }

  /// `said`: what to say before the task (the answer just given was recorded or queued).
  async function findTask(said = '') {
    findButton.disabled = true;
    showMessage(taskStatus, t('campaign.finding'));
    position = await locate();
    let task = null;
    let offline = !navigator.onLine;
    try {
      if (!offline) task = (await api.nextTask(campaignId, position.lat, position.lon)).task;
    } catch (err) {
      if (!isOffline(err)) { findButton.disabled = false; showMessage(taskStatus, errorText(err), 'error'); return; }
      offline = true;
    }
    if (offline) {
      const area = await areas.get(campaignId).catch(() => null);
      if (!area) { findButton.disabled = false; showMessage(taskStatus, t('field.offline.notsaved'), 'error'); return; }
      task = nearestSavedTask(area, position.lat, position.lon);
    }
    findButton.disabled = false;
    if (removed) return;
    if (!task) {
      showMessage(taskStatus, [said, t('campaign.none')].filter(Boolean).join(' '));
      taskSection.hidden = true;
      return;
    }
    const where = position.fromMap ? t('campaign.position.map.' + position.reason) : '';
    showMessage(taskStatus, [said, where, offline ? t('field.offline.task') : ''].filter(Boolean).join(' '));
    current = { campaign: campaignId, task, reportIds: [], reportKeys: [], from: position };
    field.set(current);
    showTask(task, true);
  }

  function showTask(task, focus) {
    taskSection.hidden = false;
    taskSection.dataset.task = task.id;
    const from = current?.from;
    const metres = from ? distanceM(from.lat, from.lon, task.lat, task.lon) : null;
    const kind = t('campaign.task.' + (task.unit || 'intersection'));
    taskHeading.textContent = metres === null ? kind : t('campaign.task.away', { kind, metres: number(Math.round(metres)) });
    marker.setLngLat([task.lon, task.lat]).addTo(map);
    marker.getElement().setAttribute('aria-label', kind);
    map.getSource('task')?.setData({ type: 'Feature', properties: {}, geometry: taskArea(task) });
    map.fitBounds([[task.lon - 0.0015, task.lat - 0.001], [task.lon + 0.0015, task.lat + 0.001]], { duration: 0, maxZoom: 17 });
    const ids = current?.reportIds || [];
    const waiting = current?.reportKeys?.length || 0;
    taskReports.textContent = [ids.length ? t('campaign.reports.linked', { ids: ids.map((i) => `#${i}`).join(', ') }) : '',
      waiting ? tCount('campaign.reports.waiting', waiting) : ''].filter(Boolean).join(' ');
    updateCountButton();
    if (focus) taskHeading.focus({ preventScroll: true });
  }

  function updateCountButton() {
    countButton.textContent = tCount('campaign.answer.count', Math.max(1, Number(countInput.value) || 1));
  }

  async function answer(cameras) {
    if (!current?.task) return;
    const task = current.task;
    const body = { cameras, answer_id: randomId() };
    if (current.reportIds?.length) body.report_ids = current.reportIds;
    const reportKeys = current.reportKeys || [];
    for (const b of taskSection.querySelectorAll('button')) b.disabled = true;
    let recorded = false;
    // An answer that names a report still waiting in the queue waits behind it.
    if (navigator.onLine && !reportKeys.length) {
      try {
        await api.answerTask(campaignId, task.id, body);
        recorded = true;
      } catch (err) {
        if (!isOffline(err)) {
          for (const b of taskSection.querySelectorAll('button')) b.disabled = false;
          showMessage(taskStatus, errorText(err, 'answer'), 'error');
          return;
        }
      }
    }
    if (!recorded) await queueAnswer(campaignId, task.id, body, reportKeys);
    await areas.markAnswered(campaignId, task.id).catch(() => {});
    for (const b of taskSection.querySelectorAll('button')) b.disabled = false;
    current = null;
    field.set(null);
    countInput.value = 1;
    marker.remove();
    map.getSource('task')?.setData({ type: 'FeatureCollection', features: [] });
    taskSection.hidden = true;
    await updateQueue();
    drawSavedTasks();
    if (recorded) loadCampaign();
    else if (navigator.onLine) sendQueue();
    await findTask(recorded ? t('campaign.answered') : t('field.answer.queued'));
  }

  function reportHere() {
    if (!current?.task) return;
    startFieldReport({ lat: current.task.lat, lon: current.task.lon, campaign: campaignId, task: current.task.id });
    navigate('/report');
  }

  async function save() {
    if (!campaign) return;
    if (!offlineSupported()) { showMessage(saveStatus, t('field.save.unsupported'), 'error'); return; }
    saveButton.disabled = true;
    saveProgress.hidden = false;
    saveProgress.value = 0;
    showMessage(saveStatus, t('field.save.starting'));
    try {
      const result = await saveArea(campaign, ({ done, total, bytes }) => {
        saveProgress.max = total;
        saveProgress.value = done;
        showMessage(saveStatus, t('field.save.progress', { done: number(done), total: number(total), size: size(bytes) }));
      });
      showMessage(saveStatus, t('field.save.done', { tiles: number(result.tiles), tasks: number(result.tasks), size: size(result.bytes) }));
      saveStatus.dataset.done = '1';
      drawSavedTasks();
    } catch (err) {
      showMessage(saveStatus, err.code === 'too_many_tiles' ? t('field.save.toomany', { count: number(err.count), max: number(maxTiles) })
        : errorText(err), 'error');
    } finally {
      saveButton.disabled = false;
      saveProgress.hidden = true;
    }
  }

  async function showSaved() {
    const area = await areas.get(campaignId).catch(() => null);
    if (!area || removed || saveStatus.textContent) return;
    showMessage(saveStatus, t('field.save.saved', { date: new Intl.DateTimeFormat(language(), { dateStyle: 'medium', timeStyle: 'short' }).format(area.savedAt),
      tiles: number(area.tiles), size: size(area.bytes) }));
    saveStatus.dataset.done = '1';
  }

  // Moderators: the tasks whose answers did not agree, each settled with a number of cameras.
  async function loadDisputed() {
    const session = await moderatorSession();
    if (!session || removed) return;
    let tasks = [];
    try { tasks = (await api.campaignTasks(campaignId, 'disputed')).tasks; } catch { return; }
    clear(disputed);
    disputed.hidden = false;
    const status = statusLine();
    disputed.append(h('h2', {}, t('campaign.disputed.title')),
      tasks.length ? h('ul', { class: 'disputed-list' }, tasks.map((task) => {
        const input = h('input', { type: 'number', min: 0, max: 1000, value: 0, id: `resolve-count-${task.id}`, inputmode: 'numeric',
          'aria-label': t('campaign.disputed.count', { id: task.id }) });
        return h('li', { dataset: { task: task.id } },
          h('p', {}, t('campaign.disputed.task', { id: task.id, answers: task.answers }), ' ',
            h('a', { href: `/#18/${task.lat}/${task.lon}`, 'data-link': true }, t('campaign.disputed.map'))),
          h('div', { class: 'stepper' }, input, h('button', { type: 'button', id: `resolve-${task.id}`, onclick: async () => {
            try {
              await api.resolveTask(campaignId, task.id, { cameras: Number(input.value) });
              loadDisputed();
              loadCampaign();
            } catch (err) { showMessage(status, errorText(err, 'moderation'), 'error'); }
          } }, t('campaign.disputed.resolve'))));
      })) : h('p', {}, t('campaign.disputed.none')), status);
  }

  const onQueue = () => updateQueue();
  const onOnline = () => { updateQueue(); };
  window.addEventListener('sightline:queue', onQueue);
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOnline);
  startQueue();
  // A volunteer who saved an area gets the worker back on every visit (an update, if any).
  areas.get(campaignId).then((a) => { if (a) registerWorker().catch(() => {}); }).catch(() => {});
  loadCampaign();
  updateQueue();
  drawSavedTasks();
  showSaved();
  loadDisputed();
  if (current?.task) { updateCountButton(); }
  return () => {
    removed = true;
    window.removeEventListener('sightline:queue', onQueue);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOnline);
    marker.remove();
    map.remove();
    if (window.sightlineCampaignMap === map) window.sightlineCampaignMap = null;
  };
}
