// /campaigns: the survey campaigns (GET /api/v1/campaigns) with their progress: places surveyed
// of all, a bar, cameras found, answers, disputed places. A logged-in moderator also gets "New
// campaign": name, unit (street corners or grid cells), answers needed, and the area shown on a
// small map (POST /api/v1/campaigns with the map's view as bbox).
import maplibregl from 'maplibre-gl';
import { api, setCsrfToken } from './api.js';
import { h, clear, statusLine, showMessage, navigate } from './dom.js';
import { t, tCount, errorText, mapLocale, language } from './i18n.js';
import { mapStyle, defaultView } from './mapstyle.js';
import { startQueue } from './field_store.js';

/// The moderator's session ({username, role, csrf_token}) or null; asked once per page.
export async function moderatorSession() {
  try {
    const s = await api.session();
    if (s.role !== 'moderator' && s.role !== 'admin') return null;
    setCsrfToken(s.csrf_token);
    return s;
  } catch { return null; }
}

const number = (n) => new Intl.NumberFormat(language()).format(n);

/// One campaign's progress: "12 of 40 places surveyed", a bar, cameras found and answers.
export function progress(c) {
  return h('div', { class: 'campaign-progress' },
    h('p', {}, tCount('campaign.progress', c.tasks, { done: number(c.done), tasks: number(c.tasks) })),
    h('progress', { max: Math.max(1, c.tasks), value: c.done, 'aria-label': t('campaign.progress.bar', { name: c.name }) }),
    h('p', { class: 'campaign-figures' },
      tCount('campaign.cameras_found', c.cameras_found), ' · ', tCount('campaign.answers', c.answers),
      c.disputed ? [' · ', tCount('campaign.disputed_count', c.disputed)] : null));
}

export function render(main) {
  const list = h('ul', { class: 'campaign-list', id: 'campaign-list' });
  const status = statusLine();
  const create = h('section', { id: 'campaign-new-section' });
  main.append(h('div', { class: 'page campaigns-page' }, h('h1', {}, t('campaigns.title')), h('p', {}, t('campaigns.intro')),
    status, list, create));
  startQueue();
  let removed = false;
  let map = null;

  async function load() {
    showMessage(status, t('campaigns.loading'));
    try {
      const { campaigns } = await api.campaigns();
      if (removed) return;
      showMessage(status, campaigns.length ? '' : t('campaigns.none'));
      clear(list);
      list.append(...campaigns.map((c) => h('li', { class: 'campaign-item', dataset: { id: c.id } },
        h('h2', {}, h('a', { href: `/campaign/${c.id}`, 'data-link': true }, c.name)),
        h('p', { class: 'hint' }, t('campaign.unit.' + c.unit), ' · ', tCount('campaign.needed', c.answers_needed)),
        progress(c))));
    } catch (err) {
      if (!removed) showMessage(status, errorText(err), 'error');
    }
  }

  function renderForm() {
    const formStatus = statusLine();
    const mapEl = h('div', { id: 'campaign-new-map', class: 'campaign-new-map', role: 'region', 'aria-label': t('campaigns.new.area') });
    const form = h('form', { id: 'campaign-new', class: 'campaign-new', onsubmit: async (e) => {
      e.preventDefault();
      const f = e.target.elements;
      const b = map.getBounds();
      const body = { name: f.name.value.trim(), unit: f.unit.value, answers_needed: Number(f.needed.value),
        bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => Number(v.toFixed(6))) };
      showMessage(formStatus, t('campaigns.new.creating'));
      try {
        const c = await api.createCampaign(body);
        navigate(`/campaign/${c.id}`);
      } catch (err) {
        showMessage(formStatus, errorText(err, 'campaign'), 'error');
      }
    } },
    h('h2', {}, t('campaigns.new')),
    h('label', { class: 'field' }, h('span', {}, t('campaigns.new.name')), h('input', { name: 'name', id: 'campaign-name', required: true, maxlength: 200 })),
    h('label', { class: 'field' }, h('span', {}, t('campaigns.new.unit')),
      h('select', { name: 'unit', id: 'campaign-unit' },
        h('option', { value: 'intersection' }, t('campaign.unit.intersection')), h('option', { value: 'cell' }, t('campaign.unit.cell')))),
    h('label', { class: 'field' }, h('span', {}, t('campaigns.new.needed')),
      h('input', { name: 'needed', id: 'campaign-needed', type: 'number', min: 1, max: 10, value: 2, inputmode: 'numeric', required: true })),
    h('p', {}, t('campaigns.new.area')), mapEl,
    h('button', { type: 'submit', class: 'primary', id: 'campaign-create' }, t('campaigns.new.create')), formStatus);
    create.append(form);
    // The area starts as the main map's last view.
    const view = /^#([\d.]+)\/(-?[\d.]+)\/(-?[\d.]+)/.exec(sessionStorage.getItem('sightline.mapView') || defaultView);
    map = new maplibregl.Map({ container: mapEl, style: mapStyle(), center: [Number(view[3]), Number(view[2])], zoom: Number(view[1]),
      attributionControl: { compact: true }, locale: mapLocale() });
    window.sightlineCampaignNewMap = map;
    map.addControl(new maplibregl.NavigationControl(), 'top-right');
  }

  load();
  moderatorSession().then((s) => { if (s && !removed) renderForm(); });
  return () => { removed = true; map?.remove(); };
}
