// One camera's page (/camera/{id}): tags in plain words, photos, status, confirmations, first
// seen, last verified and its history, from GET /api/v1/cameras/{id}; where it is in words
// ("near Terazije 3") from GET /api/v1/reverse; the <iframe> snippet that embeds the map around it.
import { api } from './api.js';
import { h, statusLine, showMessage, formatDate } from './dom.js';
import { t, tOr, errorText, language } from './i18n.js';
import { orderedTags, tagLabel, tagValue } from './tags.js';
import { nearLine } from './place_search.js';
import { embedSection } from './embed_snippet.js';

// Actors whose history detail is a person's own words (a moderator's reason); the others' details
// are the server's English ("node/42 v3", "added tags: ...").
const humanActors = ['moderator', 'anonymous'];

/// One history entry: "2026-01-02 10:00 UTC imported (data import) — node/42 v3 #7", in words.
function historyItem(e) {
  let detail = e.detail || '';
  if (language() !== 'en') detail = humanActors.includes(e.actor) ? detail.replace(/(^|;\s*)added tags: .*$/, '') : '';
  return h('li', {}, h('time', { datetime: e.at }, formatDate(e.at)), ' ',
    h('strong', {}, tOr('history.' + e.action, e.action)), e.actor ? ` (${tOr('actor.' + e.actor, e.actor)})` : '',
    detail ? ` — ${detail}` : '', e.report_id ? ` #${e.report_id}` : '');
}

/// What names a source after its kind: the list's name, the OSM object in words, the report's number.
function sourceName(s) {
  if (s.kind === 'report') return s.report_id ? ` #${s.report_id}` : '';
  if (s.kind === 'osm') {
    const [type, id] = (s.name || '').split('/');
    return id ? ` — ${tOr('osm.' + type, type)} ${id}` : '';
  }
  return s.name ? ` — ${s.name}` : '';
}

export function render(main, params) {
  const status = statusLine();
  const page = h('article', { class: 'page camera-page' }, h('p', {}, h('a', { href: '/', 'data-link': true }, '← ' + t('camera.back'))),
    h('h1', {}, t('camera.title', { id: params.id })), status);
  main.append(page);
  showMessage(status, t('common.loading'));
  api.camera(params.id).then((camera) => {
    showMessage(status, '');
    const p = camera.properties;
    const [lon, lat] = camera.geometry.coordinates;
    const row = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
    const photos = (camera.properties.photos || []);
    page.append(h('div', {},
      h('dl', { class: 'facts' },
        row(t('camera.kind'), tOr('kind.' + p.kind, p.kind)),
        row(t('camera.status'), [h('span', { class: 'badge status-' + p.status }, tOr('status.' + p.status, p.status)),
          // Where it came from, when no moderator has checked it yet.
          p.osm && !p.last_verified ? h('span', { class: 'provenance' }, ' · ' + t('camera.imported_osm')) : null]),
        row(t('camera.confirmations'), String(p.confirmations)),
        row(t('camera.first_seen'), p.first_seen ? formatDate(p.first_seen) : t('camera.never')),
        row(t('camera.last_verified'), p.last_verified ? formatDate(p.last_verified) : t('camera.not_yet')),
        row(t('camera.position'), [nearLine(lat, lon, { id: 'camera-near' }), ' ',
          h('a', { href: `/#18/${lat}/${lon}`, 'data-link': true }, `${lat}, ${lon}`)]),
        p.directions_deg?.length ? row(t('camera.directions'), p.directions_deg.map((d) => `${d}°`).join(', ')) : null,
        p.osm ? row(t('camera.osm'), h('a', { href: `https://www.openstreetmap.org/${p.osm.type}/${p.osm.id}`, rel: 'noreferrer' },
          t('camera.osm.object', { type: tOr('osm.' + p.osm.type, p.osm.type), id: p.osm.id, version: p.osm.version }))) : null,
        (p.sources || []).length ? row(t('camera.sources'), h('ul', { id: 'camera-sources', class: 'sources' },
          p.sources.map((s) => h('li', { dataset: { kind: s.kind } }, h('strong', {}, tOr('source.kind.' + s.kind, s.kind)),
            sourceName(s),
            s.since ? ` (${t('camera.source.since', { date: formatDate(s.since) })})` : '')))) : null,
        row(t('camera.permalink'), h('a', { href: `/camera/${p.id}`, 'data-link': true }, `${location.origin}/camera/${p.id}`))),
      h('h2', {}, t('camera.details')),
      h('dl', { class: 'tags' }, orderedTags(p.tags).map((k) => row(tagLabel(k), tagValue(k, p.tags[k])))),
      h('h2', {}, t('camera.photos')),
      photos.length ? h('div', { class: 'photos' }, photos.map((ph) => h('a', { href: ph.url },
        h('img', { src: ph.thumbnail_url || ph.url, alt: t('camera.photos'), loading: 'lazy' }))))
        : h('p', {}, t('camera.nophotos')),
      h('h2', {}, t('camera.history')),
      (p.history || []).length
        ? h('ol', { class: 'history' }, p.history.map(historyItem))
        : h('p', {}, t('camera.nohistory')),
      embedSection('camera-embed', { zoom: 17, lat, lon }, t('embed.title.camera', { id: p.id }))));
  }).catch((err) => showMessage(status, err.status === 404 ? t('camera.notfound') : errorText(err), 'error'));
}
