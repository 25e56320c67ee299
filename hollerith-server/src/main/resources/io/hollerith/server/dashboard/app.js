/*
 * Hollerith dashboard: a single page over the HTTP API. Every figure comes from the API with the
 * token the user signed in with (kept in session storage, sent as "Authorization: Token …").
 * Views live in the URL fragment (#/metrics?…, #/series?…, #/server), so a view can be shared and
 * the back button works. Elements are built with the DOM API only (no HTML strings), which keeps
 * the page within its Content-Security-Policy and safe from metric names that look like markup.
 */
(() => {
  'use strict';

  const TOKEN_KEY = 'hollerith.token';
  const ME_KEY = 'hollerith.me';
  const MAX_POINTS = 2000;
  const PRESETS = [['15m', 900], ['1h', 3600], ['6h', 21600], ['24h', 86400], ['7d', 604800], ['30d', 2592000], ['1y', 31536000]];
  const INTERVALS = [['10s', 10], ['30s', 30], ['1m', 60], ['5m', 300], ['10m', 600], ['15m', 900], ['30m', 1800], ['1h', 3600], ['3h', 10800],
    ['6h', 21600], ['12h', 43200], ['1d', 86400], ['1w', 604800]];
  const STATS = {
    counter: ['count', 'rate', 'sum'],
    gauge: ['last', 'min', 'max'],
    timer: ['mean', 'count', 'rate', 'sum', 'min', 'max', 'p50', 'p90', 'p95', 'p99', 'p999'],
    set: ['unique'],
  };
  const SUMMARY = [['average', 'Average'], ['min', 'Min'], ['max', 'Max'], ['fifthPercentile', '5th percentile'],
    ['ninetyFifthPercentile', '95th percentile'], ['ninetyEighthPercentile', '98th percentile'], ['count', 'Points'],
    ['totalTransactions', 'Total'], ['totalBytes', 'Total bytes']];
  const LATENCY = [['p50', 'p50'], ['p90', 'p90'], ['p95', 'p95'], ['p99', 'p99'], ['p999', 'p99.9'], ['min', 'Min'],
    ['max', 'Max'], ['count', 'Samples']];
  const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

  /** What the current page must undo when it is left: timers, the chart, listeners. */
  let cleanups = [];
  /** The fragment the page last rendered or wrote itself; a hashchange to it needs no render. */
  let shownHash = null;

  // ---------------------------------------------------------------------------------------------
  // DOM and API helpers

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c !== null && c !== undefined && c !== false) e.append(c);
    }
    return e;
  }

  class ApiError extends Error {
    constructor(status, message, retryAfter) {
      super(message);
      this.status = status;
      this.retryAfter = retryAfter;
    }
  }

  async function request(path, params, token) {
    const query = params ? '?' + params.toString() : '';
    let response;
    try {
      response = await fetch(path + query, {
        headers: { Authorization: 'Token ' + token, Accept: 'application/json' },
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, 'The server cannot be reached: ' + e.message, null);
    }
    if (!response.ok) {
      let text = response.status + ' ' + response.statusText;
      try {
        text = (await response.json()).alerts[0].text;
      } catch (ignored) { /* keep the status line */ }
      throw new ApiError(response.status, text, response.headers.get('Retry-After'));
    }
    return response.json();
  }

  /** An API call with the signed-in token; a 401 ends the session and shows the sign-in form. */
  async function api(path, params) {
    try {
      return await request(path, params, sessionStorage.getItem(TOKEN_KEY));
    } catch (e) {
      if (e.status === 401) {
        signOut('Your session ended: ' + e.message);
      }
      throw e;
    }
  }

  function me() {
    const text = sessionStorage.getItem(ME_KEY);
    return text ? JSON.parse(text) : null;
  }

  function can(permission) {
    const m = me();
    return m !== null && m.permissions.includes(permission);
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ME_KEY);
    renderSignIn(message);
  }

  function formatNumber(v) {
    return v === null || v === undefined ? '–' : number.format(v);
  }

  function formatTime(iso) {
    return dateTime.format(new Date(iso));
  }

  function duration(millis) {
    const s = Math.round(millis / 1000);
    if (s % 86400 === 0) return s / 86400 + ' d';
    if (s % 3600 === 0) return s / 3600 + ' h';
    if (s % 60 === 0) return s / 60 + ' min';
    return s + ' s';
  }

  function flushMillis() {
    return me().flushIntervalMillis || 10000;
  }

  function seconds(text) {
    const m = /^(\d+)([smhdw])$/.exec(text || '');
    return m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2]] : null;
  }

  // ---------------------------------------------------------------------------------------------
  // Routing

  function currentRoute() {
    const hash = location.hash.replace(/^#\/?/, '');
    const q = hash.indexOf('?');
    return {
      page: (q < 0 ? hash : hash.substring(0, q)) || 'metrics',
      params: new URLSearchParams(q < 0 ? '' : hash.substring(q + 1)),
    };
  }

  function hashOf(page, params) {
    const query = params ? params.toString() : '';
    return '#/' + page + (query ? '?' + query : '');
  }

  /** Shows another view; the browser keeps the current one in its history. */
  function go(page, params) {
    location.hash = hashOf(page, params);
  }

  /** Writes the view into the URL without a new history entry and without rendering again. */
  function replaceView(page, params) {
    shownHash = hashOf(page, params);
    history.replaceState(null, '', shownHash);
  }

  function leavePage() {
    cleanups.forEach((f) => f());
    cleanups = [];
  }

  function render() {
    leavePage();
    shownHash = location.hash;
    const focused = document.activeElement && document.activeElement.id;
    if (!sessionStorage.getItem(TOKEN_KEY)) {
      renderSignIn();
      return;
    }
    const route = currentRoute();
    renderNav(route.page);
    const main = document.getElementById('main');
    main.replaceChildren();
    const pages = { metrics: metricsPage, series: seriesPage, server: serverPage };
    (pages[route.page] || notFoundPage)(main, route.params);
    const again = focused && document.getElementById(focused);
    if (again) again.focus();
    else main.querySelector('h1').focus();
  }

  function renderNav(page) {
    const m = me();
    const links = [];
    if (can('STAT:READ')) links.push(['metrics', 'Metrics']);
    if (can('OPS:READ')) links.push(['server', 'Server']);
    const current = page === 'series' ? 'metrics' : page;
    document.getElementById('nav').replaceChildren(
      ...links.map(([p, label]) => el('a', { href: '#/' + p, 'aria-current': p === current ? 'page' : null, text: label })),
      el('span', { class: 'who', text: m.user + ' (' + m.role + (m.tenant ? ', tenant ' + m.tenant : '') + ')' }),
      el('button', { type: 'button', id: 'sign-out', onclick: () => signOut('You signed out.') }, 'Sign out'));
  }

  function notFoundPage(main) {
    main.append(el('h1', { tabindex: '-1', text: 'No such page' }),
      el('p', {}, 'Go to the ', el('a', { href: '#/metrics', text: 'metric list' }), '.'));
  }

  /** Shows an API failure in place of the page's data; a 403 as "not permitted". */
  function showError(container, e) {
    if (e.status === 403) {
      container.replaceChildren(el('div', { class: 'alert denied', role: 'alert', id: 'not-permitted' },
        el('strong', { text: 'Not permitted. ' }), e.message));
    } else if (e.status !== 401) {
      container.replaceChildren(el('div', { class: 'alert', role: 'alert', text: e.message }));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sign-in

  function renderSignIn(message) {
    leavePage();
    document.getElementById('nav').replaceChildren();
    const main = document.getElementById('main');
    const error = el('div', { class: 'alert', role: 'alert', id: 'sign-in-error' });
    const token = el('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true,
      'aria-describedby': 'token-hint' });
    const submit = el('button', { type: 'submit', class: 'primary', id: 'sign-in' }, 'Sign in');
    const form = el('form', { 'aria-labelledby': 'sign-in-title' },
      el('div', { class: 'field' }, el('label', { for: 'token', text: 'API token' }), token),
      el('p', { class: 'hint', id: 'token-hint' },
        'The first start writes the admin token to ', el('code', { text: 'data/admin.token' }),
        '; more users: ', el('code', { text: 'hollerith user add NAME --role reader' }), '.'),
      submit, error);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      try {
        const who = await request('/api/v1/whoami', null, token.value.trim());
        sessionStorage.setItem(TOKEN_KEY, token.value.trim());
        sessionStorage.setItem(ME_KEY, JSON.stringify(who));
        if (currentRoute().page === 'signin' || !location.hash) go('metrics');
        else render();
      } catch (e) {
        if (e.status === 429) {
          error.textContent = 'Too many failed sign-ins from this address. Try again in ' + e.retryAfter + ' s.';
        } else if (e.status === 401) {
          error.textContent = 'Sign-in failed: ' + e.message;
        } else {
          error.textContent = e.message;
        }
        submit.disabled = false;
        token.focus();
      }
    });
    main.replaceChildren(el('div', { class: 'signin panel' },
      el('h1', { id: 'sign-in-title', tabindex: '-1', text: 'Sign in to Hollerith' }),
      message ? el('p', { class: 'hint', role: 'status', text: message }) : null,
      form));
    token.focus();
  }

  // ---------------------------------------------------------------------------------------------
  // Metric browser

  function metricsPage(main, params) {
    const prefix = el('input', { id: 'prefix', type: 'search', value: params.get('prefix') || '', autocomplete: 'off',
      spellcheck: 'false', placeholder: 'e.g. shop.' });
    const type = el('select', { id: 'type-filter' },
      el('option', { value: '', text: 'All types' }),
      ...Object.keys(STATS).map((t) => el('option', { value: t, text: t, selected: params.get('type') === t })));
    const results = el('div', { class: 'table-wrap', id: 'metric-results', 'aria-live': 'polite' });
    const pager = el('div', { class: 'pager' });
    main.append(el('h1', { tabindex: '-1', text: 'Metrics' }),
      el('form', { class: 'row filters', role: 'search', onsubmit: (e) => e.preventDefault() },
        el('div', { class: 'field' }, el('label', { for: 'prefix', text: 'Name starts with' }), prefix),
        el('div', { class: 'field' }, el('label', { for: 'type-filter', text: 'Type' }), type)),
      el('div', { class: 'panel' }, results, pager),
      el('p', { class: 'hint', text: 'Times in ' + TIME_ZONE + '.' }));

    const view = () => {
      const p = new URLSearchParams();
      if (prefix.value) p.set('prefix', prefix.value);
      if (type.value) p.set('type', type.value);
      return p;
    };
    let sequence = 0;
    async function load(cursor) {
      const mine = ++sequence;
      const query = view();
      query.set('limit', '50');
      if (cursor) query.set('cursor', cursor);
      try {
        const page = await api('/api/v1/metrics', query);
        if (mine !== sequence) return;
        showMetrics(results, page.metrics);
        pager.replaceChildren(
          el('button', { type: 'button', id: 'first-page', disabled: !cursor, onclick: () => go('metrics', view()) }, 'First page'),
          el('button', { type: 'button', id: 'next-page', disabled: !page.next, onclick: () => {
            const p = view();
            p.set('cursor', page.next);
            go('metrics', p);
          } }, 'Next page'));
      } catch (e) {
        if (mine === sequence) showError(results, e);
      }
    }
    let typing = null;
    prefix.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => {
        replaceView('metrics', view());
        load(null);
      }, 200);
    });
    cleanups.push(() => clearTimeout(typing));
    type.addEventListener('change', () => go('metrics', view()));
    load(params.get('cursor'));
  }

  function seriesSpec(m) {
    const tags = Object.entries(m.tags).map(([k, v]) => (v === null ? k : k + ':' + v)).join(',');
    return m.type + '|' + m.name + '|' + tags;
  }

  function parseSpec(spec) {
    const [type, name, tags] = spec.split('|');
    const tagObject = {};
    (tags || '').split(',').filter((t) => t).forEach((t) => {
      const colon = t.indexOf(':');
      tagObject[colon < 0 ? t : t.substring(0, colon)] = colon < 0 ? null : t.substring(colon + 1);
    });
    return { type, name, tags: tagObject, tagText: tags || '' };
  }

  function tagList(tags) {
    return Object.entries(tags).map(([k, v]) => el('span', { class: 'tag', text: v === null ? k : k + '=' + v }));
  }

  function showMetrics(container, metrics) {
    if (metrics.length === 0) {
      container.replaceChildren(el('p', { class: 'muted', text: 'No series match.' }));
      return;
    }
    const rows = metrics.map((m) => el('tr', {},
      el('td', {}, el('a', { href: hashOf('series', new URLSearchParams([['s', seriesSpec(m)]])), text: m.name })),
      el('td', {}, tagList(m.tags)),
      el('td', {}, el('span', { class: 'type', text: m.type })),
      el('td', {}, el('time', { datetime: m.lastSeen, text: formatTime(m.lastSeen) }))));
    container.replaceChildren(el('table', { id: 'metric-table' },
      el('thead', {}, el('tr', {}, ['Name', 'Tags', 'Type', 'Last seen'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, rows)));
  }

  // ---------------------------------------------------------------------------------------------
  // Series page

  /** The view in the URL: series, stat, range (a preset ending now, or from/to) and interval. */
  function seriesView(params) {
    const specs = params.getAll('s').filter((s) => s.split('|').length === 3).map(parseSpec).filter((s) => STATS[s.type]);
    const from = params.get('from');
    const to = params.get('to');
    const custom = from && to && !isNaN(Date.parse(from)) && !isNaN(Date.parse(to)) && Date.parse(from) < Date.parse(to);
    const preset = PRESETS.find(([p]) => p === params.get('range')) ? params.get('range') : '1h';
    return { specs, stat: params.get('stat'), preset: custom ? null : preset, from: custom ? from : null,
      to: custom ? to : null, interval: seconds(params.get('interval')) ? params.get('interval') : 'auto' };
  }

  function viewParams(view) {
    const p = new URLSearchParams();
    view.specs.forEach((s) => p.append('s', s.type + '|' + s.name + '|' + s.tagText));
    if (view.stat) p.set('stat', view.stat);
    if (view.from) {
      p.set('from', view.from);
      p.set('to', view.to);
    } else {
      p.set('range', view.preset);
    }
    if (view.interval !== 'auto') p.set('interval', view.interval);
    return p;
  }

  /**
   * Whether a bucket of this many seconds is worth offering: no finer than the flush interval (the
   * finest stored precision), and one the API accepts: whole minutes, or a multiple of that precision.
   */
  function usableInterval(secs) {
    const finest = Math.max(1, Math.ceil(flushMillis() / 1000));
    return secs >= finest && (secs % 60 === 0 || secs % finest === 0);
  }

  /** The time range in seconds since the epoch, and the interval that gives at most MAX_POINTS points. */
  function timeWindow(view) {
    let start;
    let end;
    if (view.from) {
      start = Math.floor(Date.parse(view.from) / 1000);
      end = Math.floor(Date.parse(view.to) / 1000);
    } else {
      end = Math.floor(Date.now() / 1000);
      start = end - PRESETS.find(([p]) => p === view.preset)[1];
    }
    const auto = INTERVALS.find(([, s]) => usableInterval(s) && (end - start) / s + 1 <= MAX_POINTS)
      || INTERVALS[INTERVALS.length - 1];
    const interval = view.interval === 'auto' ? auto : [view.interval, seconds(view.interval)];
    if (!view.from) start = Math.floor(start / interval[1]) * interval[1];
    return { start, end, interval: interval[0], auto: auto[0] };
  }

  function statFor(spec, stat) {
    return stat && STATS[spec.type].includes(stat) ? stat : STATS[spec.type][0];
  }

  function label(spec) {
    const tags = spec.tagText ? '{' + spec.tagText + '}' : '';
    return spec.name + tags;
  }

  function isoSeconds(epochSeconds) {
    return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
  }

  function localInput(iso) {
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }

  function seriesPage(main, params) {
    const view = seriesView(params);
    if (view.specs.length === 0) {
      main.append(el('h1', { tabindex: '-1', text: 'No series chosen' }),
        el('p', {}, 'Pick one in the ', el('a', { href: '#/metrics', text: 'metric list' }), '.'));
      return;
    }
    replaceView('series', viewParams(view));
    const colors = [1, 2, 3, 4, 5, 6].map((i) => getComputedStyle(document.documentElement).getPropertyValue('--s' + i).trim());
    const colorOf = (i) => colors[i % colors.length];
    const update = (change) => go('series', viewParams(Object.assign({}, view, change)));
    const win = timeWindow(view);

    const chips = seriesChips(view, colorOf, update);
    const range = rangeControls(view, win, update);

    const interval = el('select', { id: 'interval', onchange: (e) => update({ interval: e.target.value }) },
      el('option', { value: 'auto', text: 'Auto (' + win.auto + ')' }),
      INTERVALS.filter(([name, secs]) => usableInterval(secs) || view.interval === name)
        .map(([name]) => el('option', { value: name, text: name, selected: view.interval === name })));
    const firstType = view.specs[0].type;
    const stat = el('select', { id: 'stat', onchange: (e) => update({ stat: e.target.value }) },
      STATS[firstType].map((s) => el('option', { value: s, text: s, selected: statFor(view.specs[0], view.stat) === s })));
    const csv = el('button', { type: 'button', id: 'csv', disabled: true }, 'Download CSV');

    const status = el('p', { class: 'status', id: 'series-status', 'aria-live': 'polite' });
    const chartBox = el('div', { class: 'chart panel', id: 'chart', role: 'img',
      'aria-label': 'Chart of ' + view.specs.map(label).join(', ') });
    const summary = el('aside', { class: 'summary panel', id: 'summary', 'aria-label': 'Summary' });
    const errors = el('div', { id: 'series-error' });

    const title = view.specs.length === 1 ? view.specs[0].name : 'Comparing ' + view.specs.length + ' series';
    main.append(el('h1', { tabindex: '-1', text: title }),
      chips,
      el('div', { class: 'controls' }, range,
        el('div', { class: 'row' },
          el('div', { class: 'field' }, el('label', { for: 'interval', text: 'Interval' }), interval),
          el('div', { class: 'field' }, el('label', { for: 'stat', text: 'Stat' }), stat),
          comparePicker(view, update), csv)),
      status, errors,
      el('div', { class: 'series-body' }, chartBox, summary));

    let chart = null;
    let shown = null;
    let left = false;
    cleanups.push(() => {
      left = true;
      if (chart) chart.destroy();
    });
    const resize = () => {
      if (chart) chart.setSize(chartSize(chartBox));
    };
    addEventListener('resize', resize);
    cleanups.push(() => removeEventListener('resize', resize));

    csv.addEventListener('click', () => {
      if (shown) download(shown, view);
    });

    async function load() {
      const w = timeWindow(view);
      const answers = await Promise.all(view.specs.map((spec) => {
        const q = new URLSearchParams({ metric: spec.name, type: spec.type, stat: statFor(spec, view.stat),
          startDate: isoSeconds(w.start), endDate: isoSeconds(w.end), interval: w.interval });
        if (spec.tagText) q.set('tags', spec.tagText);
        return api('/api/v1/series', q).then((r) => r.response);
      }));
      if (left) return;
      chartBox.dataset.start = isoSeconds(w.start);
      chartBox.dataset.end = isoSeconds(w.end);
      chartBox.dataset.interval = w.interval;
      const xs = answers[0].series.values.map((v) => Date.parse(v[0]) / 1000);
      const data = [xs, ...answers.map((a) => a.series.values.map((v) => v[1]))];
      shown = { xs, data };
      if (chart) {
        chart.setData(data);
      } else {
        chart = new uPlot(chartOptions(view, colorOf, chartBox, (from, to) => update({ preset: null, from, to })), data, chartBox);
      }
      showSummary(summary, view, answers, colorOf);
      csv.disabled = false;
      status.textContent = (view.from ? 'Fixed range' : 'Live: updates every ' + duration(flushMillis()))
        + ' · ' + number.format(xs.length) + ' points of ' + w.interval + ' · times in ' + TIME_ZONE
        + ' · updated ' + new Date().toLocaleTimeString();
    }

    const failed = (e) => showError(errors, e);
    load().then(() => errors.replaceChildren(), failed);
    if (!view.from) {
      const timer = setInterval(() => load().then(() => errors.replaceChildren(), failed),
        Math.max(1000, flushMillis()));
      cleanups.push(() => clearInterval(timer));
    }
  }

  /** The series on the chart, each with its colour, tags, type and (when several) a remove button. */
  function seriesChips(view, colorOf, update) {
    return el('div', { class: 'chips', role: 'group', 'aria-label': 'Series on the chart' }, view.specs.map((s, i) => {
      const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.backgroundColor = colorOf(i);
      return el('span', { class: 'chip' }, swatch, el('span', { text: s.name }), tagList(s.tags),
        el('span', { class: 'type', text: s.type }),
        view.specs.length > 1
          ? el('button', { type: 'button', 'aria-label': 'Remove ' + label(s), id: 'remove-' + i,
            onclick: () => update({ specs: view.specs.filter((x, j) => j !== i) }) }, '×')
          : null);
    }));
  }

  /** The range presets and the custom range form (in the viewer's time zone). */
  function rangeControls(view, win, update) {
    const presets = el('fieldset', { class: 'presets' }, el('legend', { text: 'Range' }),
      PRESETS.map(([p]) => el('button', { type: 'button', id: 'range-' + p, 'aria-pressed': String(view.preset === p),
        onclick: () => update({ preset: p, from: null, to: null }) }, p)));
    const from = el('input', { id: 'from', type: 'datetime-local', value: localInput(view.from || isoSeconds(win.start)) });
    const to = el('input', { id: 'to', type: 'datetime-local', value: localInput(view.to || isoSeconds(win.end)) });
    const rangeError = el('div', { class: 'alert', role: 'alert', id: 'range-error' });
    const custom = el('form', { class: 'row', 'aria-label': 'Custom range', onsubmit: (e) => {
      e.preventDefault();
      const a = new Date(from.value);
      const b = new Date(to.value);
      if (isNaN(a) || isNaN(b) || a >= b) {
        rangeError.textContent = 'Choose a start before the end.';
        return;
      }
      update({ preset: null, from: a.toISOString(), to: b.toISOString() });
    } },
      el('div', { class: 'field' }, el('label', { for: 'from', text: 'From' }), from),
      el('div', { class: 'field' }, el('label', { for: 'to', text: 'To' }), to),
      el('button', { type: 'submit', id: 'apply-range' }, 'Apply'));
    return [presets, custom, rangeError];
  }

  function chartSize(box) {
    const width = Math.max(280, box.clientWidth - 32);
    return { width, height: innerWidth < 760 ? 240 : 320 };
  }

  /** uPlot's options; dragging across the chart selects a range, which becomes the view's custom range. */
  function chartOptions(view, colorOf, box, zoomTo) {
    const css = getComputedStyle(document.documentElement);
    const text = css.getPropertyValue('--muted').trim();
    const grid = css.getPropertyValue('--grid').trim();
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    // Series measured like the first share the left axis; the others get a right axis of their own.
    const scaleOf = (s) => (s.type === view.specs[0].type && statFor(s, view.stat) === statFor(view.specs[0], view.stat) ? 'y' : 'y2');
    const axes = [axis, Object.assign({}, axis, { scale: 'y', size: 70, values: (u, vals) => vals.map(formatNumber) })];
    if (view.specs.some((s) => scaleOf(s) === 'y2')) {
      axes.push(Object.assign({}, axis, { scale: 'y2', side: 1, size: 70, grid: { show: false },
        values: (u, vals) => vals.map(formatNumber) }));
    }
    return Object.assign(chartSize(box), {
      series: [{}, ...view.specs.map((s, i) => ({
        label: label(s) + ' ' + statFor(s, view.stat), stroke: colorOf(i), width: 2, points: { show: false },
        scale: scaleOf(s), value: (u, v) => formatNumber(v),
      }))],
      axes,
      cursor: { drag: { x: true, y: false, setScale: false } },
      hooks: { setSelect: [(u) => {
        if (u.select.width > 0) {
          const from = u.posToVal(u.select.left, 'x');
          const to = u.posToVal(u.select.left + u.select.width, 'x');
          zoomTo(new Date(from * 1000).toISOString(), new Date(to * 1000).toISOString());
        }
      }] },
      legend: { live: true },
    });
  }

  function comparePicker(view, update) {
    const input = el('input', { id: 'compare', type: 'search', autocomplete: 'off', spellcheck: 'false',
      placeholder: 'name prefix', 'aria-controls': 'compare-options' });
    const list = el('ul', { class: 'suggestions', id: 'compare-options', 'aria-label': 'Series to add' });
    let typing = null;
    let sequence = 0;
    input.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(async () => {
        const mine = ++sequence;
        if (!input.value) {
          list.replaceChildren();
          return;
        }
        try {
          const page = await api('/api/v1/metrics', new URLSearchParams({ prefix: input.value, limit: '8' }));
          if (mine !== sequence) return;
          const taken = new Set(view.specs.map((s) => s.type + '|' + s.name + '|' + s.tagText));
          list.replaceChildren(...page.metrics.filter((m) => !taken.has(seriesSpec(m))).map((m) => el('li', {},
            el('button', { type: 'button', onclick: () => update({ specs: view.specs.concat([parseSpec(seriesSpec(m))]) }) },
              m.name + ' ', tagList(m.tags), el('span', { class: 'type', text: m.type })))));
        } catch (e) {
          showError(list, e);
        }
      }, 200);
    });
    return el('div', { class: 'field' }, el('label', { for: 'compare', text: 'Compare with' }), input, list);
  }

  function showSummary(container, view, answers, colorOf) {
    container.replaceChildren(...answers.map((a, i) => {
      const spec = view.specs[i];
      const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.backgroundColor = colorOf(i);
      const s = a.summary;
      const rows = SUMMARY.filter(([k]) => !k.startsWith('total') || s[k] !== null).map(([k, name]) => entry(k, name, s[k]));
      return el('section', { 'data-series': label(spec) },
        el('h2', {}, swatch, spec.name, tagList(spec.tags)),
        el('p', { class: 'hint', text: 'Stored points of ' + statFor(spec, view.stat) + ' in the range' }),
        el('dl', { class: 'stat-summary' }, rows),
        s.latency ? [el('h3', { text: 'Latency over the range' }),
          el('dl', { class: 'latency' }, LATENCY.map(([k, name]) => entry(k, name, s.latency[k])))] : null);
    }));
  }

  function entry(key, name, value) {
    return [el('dt', { text: name }),
      el('dd', { 'data-key': key, 'data-value': value === null ? '' : String(value), text: formatNumber(value) })];
  }

  function download(shown, view) {
    const quote = (t) => (/[",\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t);
    const header = ['time', ...view.specs.map((s) => label(s) + ' ' + statFor(s, view.stat))];
    const lines = [header.map(quote).join(',')];
    shown.xs.forEach((x, row) => {
      lines.push([isoSeconds(x), ...shown.data.slice(1).map((col) => (col[row] === null ? '' : String(col[row])))].join(','));
    });
    const blob = new Blob([lines.join('\n') + '\n'], { type: 'text/csv' });
    const link = el('a', { href: URL.createObjectURL(blob), download: 'hollerith-' + view.specs[0].name + '.csv' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  // ---------------------------------------------------------------------------------------------
  // Server statistics

  /** The headline figures of the server page: label, category, key, and how to show the value. */
  const HEADLINES = [
    ['Samples received', 'messages', 'metrics_received', 'count'],
    ['Bad lines', 'messages', 'bad_lines_seen', 'count'],
    ['Dropped: too many series', 'drops', 'max_metrics', 'count'],
    ['Dropped: backfill too old', 'drops', 'backfill_too_old', 'count'],
    ['Kernel UDP drops', 'udp', 'kernel_drops', 'count'],
    ['Live series', 'aggregate', 'live_series', 'count'],
    ['Last flush took', 'flush', 'last_duration_ms', 'ms'],
    ['Heap in use', 'system', 'heap_used_bytes', 'bytes'],
    ['Time in GC', 'system', 'gc_time_seconds', 's'],
    ['Up for', 'system', 'uptime_seconds', 'duration'],
  ];

  function formatHeadline(value, unit) {
    switch (unit) {
      case 'ms': return formatNumber(value) + ' ms';
      case 's': return formatNumber(value) + ' s';
      case 'bytes': return formatNumber(value / 1048576) + ' MiB';
      case 'duration':
        if (value < 3600) return formatNumber(Math.floor(value / 60)) + ' min';
        return value < 86400 ? formatNumber(Math.floor(value / 360) / 10) + ' h' : formatNumber(Math.floor(value / 8640) / 10) + ' d';
      default: return formatNumber(value);
    }
  }

  function serverPage(main) {
    const body = el('div', { id: 'server-stats' }, el('p', { class: 'muted', text: 'Loading…' }));
    const status = el('p', { class: 'status', 'aria-live': 'polite' });
    main.append(el('h1', { tabindex: '-1', text: 'Server statistics' }), status, body);
    let previous = null;
    async function load() {
      try {
        const all = (await api('/stats')).hollerith;
        const now = Date.now();
        body.replaceChildren(headlines(all, previous, now), el('div', { class: 'stats-grid' }, Object.entries(all).map(([category, values]) =>
          el('section', { class: 'panel' }, el('h2', { text: category }),
            el('table', {}, el('tbody', {}, flatten(values).map(([k, v]) =>
              el('tr', {}, el('td', { text: k }), el('td', { class: 'num', text: typeof v === 'number' ? formatNumber(v) : String(v) })))))))));
        previous = { all, at: now };
        status.textContent = 'Updates every ' + duration(flushMillis()) + ' · updated '
          + new Date(now).toLocaleTimeString();
        return true;
      } catch (e) {
        showError(body, e);
        status.textContent = '';
        return false;
      }
    }
    load().then((ok) => {
      if (ok) {
        const timer = setInterval(load, Math.max(1000, flushMillis()));
        cleanups.push(() => clearInterval(timer));
      }
    });
  }

  /** The headline figures present in this server's statistics, and the ingest rate since the last refresh. */
  function headlines(all, previous, now) {
    const value = (stats, category, key) => (stats[category] && typeof stats[category][key] === 'number' ? stats[category][key] : null);
    const tiles = HEADLINES.filter(([, c, k]) => value(all, c, k) !== null).map(([name, c, k, unit]) =>
      [name, formatHeadline(value(all, c, k), unit), c + '.' + k]);
    const received = value(all, 'messages', 'metrics_received');
    if (previous && received !== null && now > previous.at) {
      const rate = (received - value(previous.all, 'messages', 'metrics_received')) / ((now - previous.at) / 1000);
      tiles.unshift(['Ingest rate', formatNumber(rate) + ' /s', 'ingest-rate']);
    }
    return el('dl', { class: 'tiles', id: 'headlines' }, tiles.map(([name, text, key]) =>
      el('div', { class: 'tile panel' }, el('dt', { text: name }), el('dd', { 'data-key': key, text }))));
  }

  function flatten(values, prefix) {
    return Object.entries(values).flatMap(([k, v]) => (v !== null && typeof v === 'object'
      ? flatten(v, (prefix || '') + k + '.')
      : [[(prefix || '') + k, v]]));
  }

  /** Asks the API who the stored token belongs to now (role and flush interval may have changed), then shows the view. */
  async function start() {
    if (sessionStorage.getItem(TOKEN_KEY)) {
      try {
        sessionStorage.setItem(ME_KEY, JSON.stringify(await api('/api/v1/whoami')));
      } catch (e) {
        if (e.status === 401) return; // api() has shown the sign-in form
      }
    }
    render();
  }

  addEventListener('hashchange', () => {
    if (location.hash !== shownHash) render();
  });
  start();
})();
