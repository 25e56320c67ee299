/*
 * Hollerith dashboard: the server page (#/server?range=…), for users holding OPS:READ in the root
 * tenant. Headline figures from /stats; charts of the node's own series (the self series under
 * whoami's selfSeriesPrefix, read through /api/v1/series like any other series) over a chosen
 * range; and every /stats category as a table, collapsed.
 */
(() => {
  'use strict';

  const { registerPage, el, api, me, showError, onLeave, go, formatNumber, duration, flushMillis, TIME_ZONE,
    timeChart, chartAxis, seriesColor } = window.Hollerith;

  const RANGES = [['1h', 3600], ['6h', 21600], ['24h', 86400], ['7d', 604800], ['30d', 2592000]];
  const DEFAULT_RANGE = '6h';
  /** Points per chart at most: nine small charts stay light to draw and to refresh. */
  const MAX_POINTS = 400;
  const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
  const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  const BUCKETS = [10, 30, 60, 300, 600, 900, 1800, 3600, 10800, 21600, 43200, 86400];

  /**
   * The charts: title, how values are shown, the figure beside the title (the range's total of the
   * first series, or its latest value), and the self series drawn (name after the prefix, type,
   * stat, legend label).
   */
  const CHARTS = [
    { title: 'Ingest rate', unit: '/s', figure: 'latest', series: [['metrics_received', 'counter', 'rate', 'metrics'],
      ['packets_received', 'counter', 'rate', 'packets']] },
    { title: 'Bad lines', unit: 'count', figure: 'total', series: [['bad_lines', 'counter', 'count', 'bad lines']] },
    { title: 'Drops by cause', unit: 'count', figure: 'total', series: [['drops.max_metrics', 'counter', 'count', 'too many series'],
      ['drops.backfill_too_old', 'counter', 'count', 'backfill too old'],
      ['drops.backfill_too_new', 'counter', 'count', 'backfill too new'],
      ['drops.store_backlog', 'counter', 'count', 'store backlog full']] },
    { title: 'Kernel UDP drops', unit: 'count', figure: 'total', series: [['drops.kernel_udp', 'counter', 'count', 'datagrams']] },
    { title: 'Live series', unit: 'count', figure: 'latest', series: [['live_series', 'gauge', 'last', 'series']] },
    { title: 'Flush and store write', unit: 'ms', figure: 'latest', series: [['flush.duration_ms', 'gauge', 'max', 'flush'],
      ['store.write_ms', 'gauge', 'max', 'store write']] },
    { title: 'Store backlog', unit: 'count', figure: 'latest', series: [['store.backlog', 'gauge', 'max', 'flushes waiting']] },
    { title: 'Heap in use', unit: 'bytes', figure: 'latest', series: [['jvm.heap_used_bytes', 'gauge', 'max', 'heap']] },
    { title: 'Time in GC', unit: 's', figure: 'total', series: [['jvm.gc_time_seconds', 'counter', 'count', 'GC seconds']] },
  ];

  /** The headline figures: label, category, key, and how to show the value. */
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

  function formatValue(value, unit) {
    if (value === null || value === undefined) return '–';
    switch (unit) {
      case 'ms': return formatNumber(value) + ' ms';
      case 's': return formatNumber(value) + ' s';
      case '/s': return formatNumber(value) + ' /s';
      case 'bytes': return oneDecimal.format(value / 1048576) + ' MiB';
      case 'duration':
        if (value < 3600) return formatNumber(Math.floor(value / 60)) + ' min';
        return value < 86400 ? formatNumber(Math.floor(value / 360) / 10) + ' h' : formatNumber(Math.floor(value / 8640) / 10) + ' d';
      default: return formatNumber(value);
    }
  }

  /** The range in seconds since the epoch, ending now, and the finest bucket that keeps a chart within MAX_POINTS. */
  function timeWindow(range) {
    const span = RANGES.find(([r]) => r === range)[1];
    const finest = Math.max(1, Math.ceil(flushMillis() / 1000));
    const bucket = BUCKETS.find((s) => s >= finest && (s % 60 === 0 || s % finest === 0) && span / s + 1 <= MAX_POINTS)
      || BUCKETS[BUCKETS.length - 1];
    const end = Math.floor(Date.now() / 1000);
    return { start: Math.floor((end - span) / bucket) * bucket, end, bucket };
  }

  function iso(epochSeconds) {
    return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
  }

  function bucketName(secs) {
    if (secs % 86400 === 0) return secs / 86400 + 'd';
    if (secs % 3600 === 0) return secs / 3600 + 'h';
    return secs % 60 === 0 ? secs / 60 + 'm' : secs + 's';
  }

  function serverPage(main, params) {
    const range = RANGES.some(([r]) => r === params.get('range')) ? params.get('range') : DEFAULT_RANGE;
    const status = el('p', { class: 'status', id: 'server-status', 'aria-live': 'polite' });
    const tiles = el('div', { id: 'server-headlines' });
    const charts = el('div', { class: 'chart-grid', id: 'server-charts' });
    const details = el('div', { id: 'server-stats' });
    const errors = el('div', { id: 'server-error' });
    const presets = el('fieldset', { class: 'presets' }, el('legend', { text: 'Range of the charts' }),
      RANGES.map(([r]) => el('button', { type: 'button', id: 'server-range-' + r, 'aria-pressed': String(r === range),
        onclick: () => go('server', new URLSearchParams({ range: r })) }, r)));
    // Shown once /stats has answered: a refusal leaves only the error.
    const body = el('div', { hidden: true }, tiles, el('div', { class: 'controls' }, presets), charts,
      el('h2', { class: 'section', text: 'All statistics' }), details);
    main.append(el('h1', { tabindex: '-1', text: 'Server statistics' }), status, errors, body);

    const figures = statsFigures(tiles, details, errors);
    const history = selfSeriesCharts(charts, me().selfSeriesPrefix, range);
    let left = false;
    onLeave(() => {
      left = true;
    });
    async function load() {
      const ok = await figures.load();
      body.hidden = body.hidden && !ok;
      if (ok) await history.load();
      if (left) return ok;
      if (ok) {
        status.textContent = 'Updates every ' + duration(flushMillis()) + ' · times in ' + TIME_ZONE + ' · updated '
          + new Date().toLocaleTimeString();
      }
      return ok;
    }
    load().then((ok) => {
      if (ok && !left) {
        const timer = setInterval(load, Math.max(1000, flushMillis()));
        onLeave(() => clearInterval(timer));
      }
    });
  }

  /** The headline tiles and the collapsed tables of /stats; load() resolves to false when the API refused. */
  function statsFigures(tiles, details, errors) {
    let previous = null;
    const open = new Set();
    return {
      async load() {
        try {
          const all = (await api('/stats')).hollerith;
          const now = Date.now();
          details.querySelectorAll('details[open]').forEach((d) => open.add(d.dataset.category));
          details.querySelectorAll('details:not([open])').forEach((d) => open.delete(d.dataset.category));
          tiles.replaceChildren(headlines(all, previous, now));
          details.replaceChildren(el('div', { class: 'stats-grid' }, Object.entries(all).map(([category, values]) =>
            categoryTable(category, values, open.has(category)))));
          previous = { all, at: now };
          errors.replaceChildren();
          return true;
        } catch (e) {
          showError(errors, e);
          return false;
        }
      },
    };
  }

  function categoryTable(category, values, open) {
    const rows = flatten(values);
    return el('details', { class: 'panel', 'data-category': category, open },
      el('summary', {}, el('span', { class: 'summary-title', text: category }),
        el('span', { class: 'muted', text: ' · ' + rows.length + (rows.length === 1 ? ' figure' : ' figures') })),
      el('table', {}, el('tbody', {}, rows.map(([k, v]) =>
        el('tr', {}, el('td', { text: k }), el('td', { class: 'num', text: typeof v === 'number' ? formatNumber(v) : String(v) }))))));
  }

  /** The headline figures present in this server's statistics, and the ingest rate since the last refresh. */
  function headlines(all, previous, now) {
    const value = (stats, category, key) => (stats[category] && typeof stats[category][key] === 'number' ? stats[category][key] : null);
    const tiles = HEADLINES.filter(([, c, k]) => value(all, c, k) !== null).map(([name, c, k, unit]) =>
      [name, formatValue(value(all, c, k), unit), c + '.' + k]);
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

  /**
   * One panel per chart, added by the first load(), which reads every self series over the range and
   * draws them; without a prefix (the node records no self series) a note instead.
   */
  function selfSeriesCharts(container, prefix, range) {
    if (!prefix) {
      return { async load() {
        container.replaceChildren(el('p', { class: 'muted', id: 'no-self-series',
          text: 'This node does not record its own series (stats.self_series is off), so there are no charts.' }));
      } };
    }
    const panels = CHARTS.map((c, i) => {
      const box = el('div', { class: 'chart small', role: 'img', 'aria-label': c.title + ' over the last ' + range });
      const error = el('div', {});
      const figure = el('span', { class: 'chart-figure' });
      const panel = el('section', { class: 'panel chart-panel', id: 'self-chart-' + i, 'aria-label': c.title },
        el('h2', {}, el('span', { text: c.title }), figure), error, box);
      return { spec: c, box, error, figure, panel, chart: null };
    });
    return {
      async load() {
        if (!container.firstChild) container.replaceChildren(...panels.map((p) => p.panel));
        const w = timeWindow(range);
        await Promise.all(panels.map(async (p) => {
          try {
            const columns = await Promise.all(p.spec.series.map(([name, type, stat]) =>
              readSeries(prefix + name, type, stat, w)));
            const xs = [];
            for (let t = w.start; t < w.end; t += w.bucket) xs.push(t);
            const data = [xs, ...columns.map((byTime) => xs.map((t) => (byTime.has(t) ? byTime.get(t) : null)))];
            showFigure(p.figure, p.spec, data[1]);
            p.box.dataset.bucket = bucketName(w.bucket);
            if (p.chart) p.chart.setData(data);
            else p.chart = timeChart(p.box, chartOptions(p.spec), data);
            p.error.replaceChildren();
          } catch (e) {
            showError(p.error, e);
          }
        }));
      },
    };
  }

  /** Beside the title: the total over the range, or the latest value, of the chart's first series. */
  function showFigure(figure, spec, values) {
    const present = values.filter((v) => v !== null);
    const value = present.length === 0 ? null
      : spec.figure === 'total' ? present.reduce((a, b) => a + b, 0) : present[present.length - 1];
    figure.dataset.value = value === null ? '' : String(value);
    figure.textContent = value === null ? '' : (spec.figure === 'total' ? 'total ' : 'latest ') + formatValue(value, spec.unit);
  }

  /** A self series' values by bucket start (seconds); empty when the node has not stored it yet. */
  async function readSeries(name, type, stat, w) {
    const q = new URLSearchParams({ metric: name, type, stat, startDate: iso(w.start), endDate: iso(w.end),
      interval: bucketName(w.bucket) });
    try {
      const answer = (await api('/api/v1/series', q)).response;
      return new Map(answer.series.values.map((v) => [Date.parse(v[0]) / 1000, v[1]]));
    } catch (e) {
      if (e.status === 404) return new Map();
      throw e;
    }
  }

  const MIB = 1048576;

  /**
   * Tick steps of a bytes axis, labelled in MiB: 1, 2 and 5 times a power of ten of MiB, so the
   * labels are round (uPlot's own steps are round in bytes, which read as 381.47 MiB).
   */
  const MIB_STEPS = [];
  for (let decade = 1e-3; decade <= 1e6; decade *= 10) {
    for (const m of [1, 2, 5]) MIB_STEPS.push(Number((m * decade).toPrecision(1)) * MIB);
  }

  /** A chart's options: uPlot marks the points while they are sparse, so a single stored point shows. */
  function chartOptions(spec) {
    const show = (v) => formatValue(v, spec.unit);
    const short = (v) => (Math.abs(v) >= 1000 ? compact.format(v) : formatNumber(v));
    const tick = (v) => (spec.unit === 'bytes' ? short(v / MIB) + ' MiB' : short(v) + (spec.unit === 'count' ? '' : ' ' + spec.unit));
    // Wide enough for the longest tick label (about 7 px a character at the axis' font size).
    const axisSize = (u, labels) => 18 + 7 * Math.max(3, ...(labels || []).map((t) => String(t).length));
    return {
      height: innerWidth < 760 ? 170 : 190,
      series: [{}, ...spec.series.map(([, , , label], i) => ({
        label, stroke: seriesColor(i), fill: null, width: 2, spanGaps: false, value: (u, v) => show(v),
      }))],
      axes: [chartAxis(), chartAxis({ size: axisSize, values: (u, vals) => vals.map(tick),
        ...(spec.unit === 'bytes' ? { incrs: MIB_STEPS } : {}) })],
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
    };
  }

  registerPage('server', { label: 'Server', permission: 'OPS:READ', render: serverPage });
})();
