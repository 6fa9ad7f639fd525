// Moderation: log in (POST /api/v1/session; the CSRF token goes into X-CSRF-Token), the queue of
// pending reports with photos, position (also in words from GET /api/v1/reverse: "near Terazije
// 3"), likely duplicates and similar photos; accept, merge or reject with a reason; keys j/k
// (next/previous), a (accept), m (merge), r (reject). Admins also see the audit log.
import maplibregl from 'maplibre-gl';
import { api, setCsrfToken } from './api.js';
import { h, clear, statusLine, showMessage, formatDate } from './dom.js';
import { t, tOr, errorText, mapLocale } from './i18n.js';
import { mapStyle } from './mapstyle.js';
import { orderedTags, tagLabel, tagValue } from './tags.js';
import { nearLine } from './place_search.js';

let session = null;

export function render(main) {
  const page = h('div', { class: 'page moderation' }, h('h1', {}, t('mod.title')));
  main.append(page);
  let cleanup = () => {};
  const start = (s) => { session = s; setCsrfToken(s.csrf_token); cleanup = renderQueue(page); };
  if (session) start(session);
  else api.session().then(start).catch(() => renderLogin(page, start));
  return () => cleanup();
}

function renderLogin(page, onLogin) {
  const status = statusLine();
  page.append(h('form', { class: 'login', id: 'login-form', onsubmit: async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    try {
      const s = await api.login(f.username.value, f.password.value);
      e.target.remove();
      onLogin(s);
    } catch (err) {
      showMessage(status, errorText(err, 'login'), 'error');
    }
  } },
  h('h2', {}, t('mod.login')),
  h('label', { class: 'field' }, h('span', {}, t('mod.username')), h('input', { name: 'username', id: 'username', autocomplete: 'username', required: true })),
  h('label', { class: 'field' }, h('span', {}, t('mod.password')),
    h('input', { name: 'password', id: 'password', type: 'password', autocomplete: 'current-password', required: true })),
  h('button', { type: 'submit', class: 'primary' }, t('mod.login')), status));
}

function renderQueue(page) {
  const status = statusLine();
  const list = h('ol', { class: 'queue', id: 'queue', 'aria-label': t('mod.queue') });
  const detail = h('section', { class: 'report-detail', id: 'report-detail', 'aria-live': 'polite' });
  page.append(
    h('p', {}, t('mod.loggedin', { user: session.username, role: tOr('actor.' + session.role, session.role) }), ' ',
      h('button', { type: 'button', onclick: async () => {
        try { await api.logout(); } catch { /* gone already */ }
        session = null; setCsrfToken(null); clear(page.parentNode); render(page.parentNode);
      } }, t('mod.logout'))),
    h('p', { class: 'hint' }, t('mod.shortcuts')), status,
    h('div', { class: 'mod-layout' }, h('nav', { 'aria-label': t('mod.queue') }, h('h2', {}, t('mod.queue')), list), detail));
  if (session.role === 'admin') page.append(auditSection());

  let reports = [];
  let index = 0;
  let map = null;
  const reasonInput = () => detail.querySelector('#reason');
  const mergeInput = () => detail.querySelector('#merge-target');

  async function load() {
    try {
      reports = (await api.reports('pending', 100)).reports;
    } catch (err) {
      showMessage(status, errorText(err), 'error');
      reports = [];
    }
    index = Math.min(index, Math.max(0, reports.length - 1));
    drawList();
    select(index);
  }
  function drawList() {
    clear(list);
    if (!reports.length) list.append(h('li', {}, t('mod.empty')));
    reports.forEach((r, i) => list.append(h('li', {}, h('button', { type: 'button', 'aria-current': i === index ? 'true' : null,
      onclick: () => select(i) }, `#${r.id} · ${tOr('kind.' + (r.tags['camera:type'] || r.tags['surveillance:type'] || 'unknown'), '?')} · ${formatDate(r.created_at)}`))));
  }
  function select(i) {
    index = i;
    [...list.querySelectorAll('button')].forEach((b, j) => b.setAttribute('aria-current', j === i ? 'true' : 'false'));
    if (map) { map.remove(); map = null; }
    clear(detail);
    const r = reports[i];
    if (!r) return;
    const mapEl = h('div', { class: 'mod-map', id: 'mod-map' });
    const firstDup = r.likely_duplicates?.[0]?.camera_id;
    detail.append(h('div', {},
      h('h2', {}, t('mod.report', { id: r.id })),
      h('p', {}, `${t('mod.created')}: ${formatDate(r.created_at)} · `, nearLine(r.location.lat, r.location.lon, { id: 'report-near' }),
        ` ${r.location.lat}, ${r.location.lon}`, r.directions_deg?.length ? ` · ${r.directions_deg.join(', ')}°` : ''),
      (r.photos || []).length ? h('div', { class: 'photos' }, r.photos.map((p) => h('a', { href: p.url, target: '_blank' },
        h('img', { src: p.thumbnail_url || p.url, alt: t('camera.photos') })))) : null,
      mapEl,
      r.note ? h('p', {}, h('strong', {}, t('mod.note') + ': '), r.note) : null,
      r.flags?.length ? h('ul', { class: 'flags', id: 'report-flags' }, r.flags.map((f) => h('li', {}, tOr('mod.flag.' + f, f)))) : null,
      h('h3', {}, t('mod.tags')),
      h('dl', { class: 'tags' }, orderedTags(r.tags).map((k) => [h('dt', {}, tagLabel(k)), h('dd', {}, tagValue(k, r.tags[k]))])),
      h('h3', {}, t('mod.duplicates')),
      r.likely_duplicates?.length ? h('ul', {}, r.likely_duplicates.map((d) => h('li', {},
        h('a', { href: `/camera/${d.camera_id}`, target: '_blank' },
          t('mod.duplicate', { id: d.camera_id, distance: d.distance_m, score: d.score }))))) : h('p', {}, '—'),
      r.similar_photos?.length ? [h('h3', {}, t('mod.similar')), h('ul', {}, r.similar_photos.map((s) => h('li', {},
        h('a', { href: s.url, target: '_blank' }, t('mod.similar.item', { id: s.report_id, distance: s.distance })))))] : null,
      h('div', { class: 'decide' },
        h('button', { type: 'button', class: 'primary', id: 'accept', onclick: () => decide('accept') }, t('mod.accept')),
        h('label', { class: 'field' }, h('span', {}, t('mod.merge.target')),
          h('input', { id: 'merge-target', type: 'number', min: 1, value: firstDup ?? '' })),
        h('button', { type: 'button', id: 'merge', onclick: () => decide('merge') }, t('mod.merge')),
        h('label', { class: 'field' }, h('span', {}, t('mod.reason')), h('input', { id: 'reason', type: 'text', maxlength: 1000 })),
        h('button', { type: 'button', id: 'reject', onclick: () => decide('reject') }, t('mod.reject')))));
    map = new maplibregl.Map({ container: mapEl, style: mapStyle(), center: [r.location.lon, r.location.lat], zoom: 18,
      locale: mapLocale() });
    new maplibregl.Marker({ color: '#d62728' }).setLngLat([r.location.lon, r.location.lat]).addTo(map);
  }
  async function decide(action) {
    const r = reports[index];
    if (!r) return;
    const body = { action };
    if (action === 'reject') {
      const reason = reasonInput().value.trim();
      if (!reason) { showMessage(status, t('mod.reason.required'), 'error'); reasonInput().focus(); return; }
      body.reason = reason;
    }
    if (action === 'merge') {
      const target = Number(mergeInput().value);
      if (!target) { showMessage(status, t('mod.merge.required'), 'error'); mergeInput().focus(); return; }
      body.camera_id = target;
    }
    try {
      await api.decide(r.id, body);
      showMessage(status, t('mod.decided', { id: r.id, action: tOr('status.' + { accept: 'accepted', merge: 'merged', reject: 'rejected' }[action], action) }));
      await load();
    } catch (err) {
      showMessage(status, errorText(err, 'moderation'), 'error');
    }
  }
  function onKey(e) {
    if (e.target.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
    const keys = { j: () => select(Math.min(index + 1, reports.length - 1)), k: () => select(Math.max(index - 1, 0)),
      a: () => decide('accept'), m: () => decide('merge'), r: () => decide('reject') };
    if (keys[e.key] && reports.length) { e.preventDefault(); keys[e.key](); }
  }
  document.addEventListener('keydown', onKey);
  load();
  return () => { document.removeEventListener('keydown', onKey); if (map) map.remove(); };
}

function auditSection() {
  const body = h('tbody');
  const section = h('section', { class: 'audit', id: 'audit' }, h('h2', {}, t('mod.audit')),
    h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {},
      ['mod.audit.at', 'mod.audit.actor', 'mod.audit.action', 'mod.audit.subject', 'mod.audit.reason'].map((k) => h('th', { scope: 'col' }, t(k))))), body)));
  api.audit(100).then((a) => a.events.forEach((e) => body.append(h('tr', {},
    h('td', {}, formatDate(e.at)), h('td', {}, e.actor), h('td', {}, tOr('audit.' + e.action, e.action)), h('td', {}, e.subject), h('td', {}, e.reason)))))
    .catch((err) => section.append(h('p', { class: 'error' }, errorText(err))));
  return section;
}
