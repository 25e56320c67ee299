/*
 * Hollerith dashboard: the server page (#/server), the node's own statistics from /stats, for
 * users holding OPS:READ in the root tenant.
 */
(() => {
  'use strict';

  const { registerPage, el, api, showError, onLeave, formatNumber, duration, flushMillis } = window.Hollerith;

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
        onLeave(() => clearInterval(timer));
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

  registerPage('server', { label: 'Server', permission: 'OPS:READ', render: serverPage });
})();
