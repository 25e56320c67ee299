/*
 * Hollerith dashboard, the shell: sign-in, routing, navigation and the helpers every page uses.
 * Every figure comes from the API with the token the user signed in with (kept in session storage,
 * sent as "Authorization: Token …"). Views live in the URL fragment (#/<page>?<params>), so a view
 * can be shared and the back button works. Elements are built with the DOM API only (no HTML
 * strings), which keeps the page within its Content-Security-Policy and safe from names that look
 * like markup.
 *
 * Pages live in files of their own, loaded after this one (index.html), and register themselves
 * with window.Hollerith.registerPage; the navigation shows, in registration order, the pages whose
 * permission the signed-in user holds. A page opened by URL without that permission still renders:
 * its API calls answer 403, which showError shows as "not permitted".
 */
(() => {
  'use strict';

  const TOKEN_KEY = 'hollerith.token';
  const ME_KEY = 'hollerith.me';
  const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });

  /** What the current page must undo when it is left: timers, the chart, listeners. */
  let cleanups = [];
  /** The fragment the page last rendered or wrote itself; a hashchange to it needs no render. */
  let shownHash = null;
  /** The registered pages by name, in registration order (the order of the navigation). */
  const pages = new Map();

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

  /** A call of the API; options.method (default GET) and options.body (sent as JSON) are optional. */
  async function request(path, params, token, options) {
    const query = params ? '?' + params.toString() : '';
    const headers = { Authorization: 'Token ' + token, Accept: 'application/json' };
    const init = { method: (options && options.method) || 'GET', headers, cache: 'no-store' };
    if (options && options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    let response;
    try {
      response = await fetch(path + query, init);
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

  /**
   * An API call with the signed-in token (options as for request: method, body); a 401 ends the
   * session and shows the sign-in form. Resolves to the parsed JSON answer; rejects with an
   * ApiError carrying the status and the API's message.
   */
  async function api(path, params, options) {
    try {
      return await request(path, params, sessionStorage.getItem(TOKEN_KEY), options);
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

  /**
   * Writes the view into the URL as a new history entry without rendering again (the page has shown
   * it itself); going back to the entry before renders that one.
   */
  function pushView(page, params) {
    shownHash = hashOf(page, params);
    history.pushState(null, '', shownHash);
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
    const page = pages.get(route.page);
    if (page) page.render(main, route.params);
    else notFoundPage(main);
    const again = focused && document.getElementById(focused);
    if (again) again.focus();
    else main.querySelector('h1').focus();
  }

  /** Links to the labelled pages the user may see; the current one (or the one it belongs to) marked. */
  function renderNav(name) {
    const m = me();
    const shown = pages.get(name);
    const current = shown && shown.parent ? shown.parent : name;
    const links = [...pages.entries()].filter(([, p]) => p.label && can(p.permission));
    document.getElementById('nav').replaceChildren(
      el('div', { class: 'links' },
        links.map(([p, page]) => el('a', { href: '#/' + p, 'aria-current': p === current ? 'page' : null, text: page.label }))),
      el('div', { class: 'account' },
        el('span', { class: 'who', text: m.user + ' (' + m.role + (m.tenant ? ', tenant ' + m.tenant : '') + ')' }),
        el('button', { type: 'button', id: 'sign-out', onclick: () => signOut('You signed out.') }, 'Sign out')));
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

  /**
   * For a page built from API calls (their Promise.allSettled results): when every call was refused
   * (403), shows the refusal in errors and hides body, so the page shows only "not permitted";
   * otherwise shows body (the page shows other failures in place) and empties errors. Returns
   * whether the page was refused.
   */
  function showUnlessRefused(results, errors, body) {
    const refused = results.every((r) => r.status === 'rejected' && r.reason.status === 403);
    body.hidden = refused;
    if (refused) showError(errors, results[0].reason);
    else errors.replaceChildren();
    return refused;
  }

  /** Shows an action's outcome in container (an element, or an API failure as showError shows it) and focuses it. */
  function showOutcome(container, outcome) {
    if (outcome instanceof Error) showError(container, outcome);
    else container.replaceChildren(outcome);
    if (container.firstChild) {
      container.firstChild.setAttribute('tabindex', '-1');
      container.firstChild.focus();
    }
  }

  /**
   * A button that asks in place before it acts: pressed, it becomes the question with a confirming
   * button (id "confirm-" + spec.id, focused) and Cancel; confirmed, both are disabled and
   * spec.action() runs. spec: id, text, label (the button's accessible name), question, confirm.
   */
  function confirmButton(spec) {
    const box = el('div', { class: 'confirm' });
    const button = el('button', { type: 'button', id: spec.id, 'aria-label': spec.label, onclick: () => ask() }, spec.text);
    function ask() {
      const no = el('button', { type: 'button', onclick: () => {
        box.replaceChildren(button);
        button.focus();
      } }, 'Cancel');
      const yes = el('button', { type: 'button', class: 'danger', id: 'confirm-' + spec.id, onclick: () => {
        yes.disabled = true;
        no.disabled = true;
        spec.action();
      } }, spec.confirm);
      box.replaceChildren(el('span', { text: spec.question }), yes, no);
      yes.focus();
    }
    box.append(button);
    return box;
  }

  // ---------------------------------------------------------------------------------------------
  // Charts

  /** The theme's colour for the i-th series of a chart. */
  function seriesColor(i) {
    return getComputedStyle(document.documentElement).getPropertyValue('--s' + (1 + (i % 6))).trim();
  }

  /** An axis styled by the theme; extra holds uPlot axis options that override it. */
  function chartAxis(extra) {
    const css = getComputedStyle(document.documentElement);
    const grid = css.getPropertyValue('--grid').trim();
    return Object.assign({ stroke: css.getPropertyValue('--muted').trim(), grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 } }, extra);
  }

  function chartSize(box, height) {
    const css = getComputedStyle(box);
    const width = Math.max(240, box.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight));
    return { width, height: height || (innerWidth < 760 ? 240 : 320) };
  }

  /**
   * uPlot's point filter: where it draws no point markers (the data is dense), still mark each value
   * whose neighbours are gaps, which no line would show.
   */
  function isolatedPoints(u, si, show) {
    if (show) return null;
    const values = u.data[si];
    const isolated = [];
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== null && values[i] !== undefined && (i === 0 || values[i - 1] === null)
        && (i === values.length - 1 || values[i + 1] === null)) isolated.push(i);
    }
    return isolated.length > 0 ? isolated : null;
  }

  /** The uPlot instance drawn into each chart box, for a look from the browser's console or a test. */
  const chartsByBox = new WeakMap();

  /**
   * Marks each full draw of a chart on the browser's performance timeline as "hollerith.chart.drawn"
   * (detail: the points drawn), replacing the previous mark, so how long a chart took to appear can
   * be read with performance.getEntriesByName.
   */
  function markDrawn(u) {
    performance.clearMarks('hollerith.chart.drawn');
    performance.mark('hollerith.chart.drawn', { detail: { points: u.data[0].length } });
  }

  function hasValues(data) {
    return data.slice(1).some((column) => column.some((v) => v !== null && v !== undefined));
  }

  /**
   * A uPlot time chart drawn into box (x in seconds since the epoch), as wide as the box, following
   * the window's width and destroyed when the page is left. options are uPlot's without a size, plus
   * height (pixels; default 320, 240 at phone width). A value between gaps is marked with a point.
   * While no value column holds a number, a "No data in this range" notice lies over the chart.
   * Every draw is marked on the performance timeline (markDrawn). Returns { setData(data), uplot }.
   */
  function timeChart(box, options, data) {
    const { height, ...rest } = options;
    const uplotOptions = Object.assign(rest, chartSize(box, height));
    uplotOptions.series = rest.series.map((s, i) => (i === 0 ? s
      : Object.assign({}, s, { points: Object.assign({ filter: isolatedPoints }, s.points) })));
    const hooks = rest.hooks || {};
    uplotOptions.hooks = Object.assign({}, hooks, { draw: (hooks.draw || []).concat([markDrawn]) });
    const empty = el('p', { class: 'chart-empty', role: 'status', text: 'No data in this range' });
    box.classList.add('chart-box');
    const u = new uPlot(uplotOptions, data, box);
    chartsByBox.set(box, u);
    box.append(empty);
    const showEmpty = (d) => {
      empty.hidden = hasValues(d);
    };
    showEmpty(data);
    const resize = () => u.setSize(chartSize(box, height));
    addEventListener('resize', resize);
    onLeave(() => {
      removeEventListener('resize', resize);
      chartsByBox.delete(box);
      u.destroy();
    });
    return {
      uplot: u,
      setData(d) {
        u.setData(d);
        showEmpty(d);
      },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Page registry

  /** Runs fn when the current page is left (timers, listeners, charts). */
  function onLeave(fn) {
    cleanups.push(fn);
  }

  /**
   * Adds a page, shown at #/<name>. spec.render(main, params) builds it into the emptied main element
   * (params: the URLSearchParams of the fragment); its first h1 should have tabindex -1 (it takes the
   * focus). spec.label, when given, puts a link in the navigation for users holding
   * spec.permission; a page without a label may name in spec.parent the navigation entry it belongs to.
   */
  function registerPage(name, spec) {
    if (pages.has(name)) throw new Error('page ' + name + ' is registered twice');
    pages.set(name, spec);
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

  /** The uPlot instance drawn into box by timeChart, or undefined. */
  function chartIn(box) {
    return chartsByBox.get(box);
  }

  /** What the page files may use. */
  window.Hollerith = Object.freeze({
    registerPage, el, api, can, me, showError, showUnlessRefused, showOutcome, confirmButton, go, replaceView, pushView, hashOf, onLeave,
    formatNumber, formatTime, duration, flushMillis, number, TIME_ZONE,
    timeChart, chartIn, chartAxis, seriesColor,
  });

  addEventListener('hashchange', () => {
    if (location.hash !== shownHash) render();
  });
  // The page files (deferred scripts after this one) have registered their pages by then.
  addEventListener('DOMContentLoaded', start);
})();
