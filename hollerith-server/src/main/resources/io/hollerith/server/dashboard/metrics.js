/*
 * Hollerith dashboard: the metric pages. The metric browser (#/metrics: the series the caller may
 * see, by name prefix and type, paged by cursor) and the series page (#/series: a chart of one or
 * more series with its range, interval and stat in the URL, the summary beside it, a CSV download).
 */
(() => {
  'use strict';

  const { registerPage, el, api, showError, go, replaceView, pushView, hashOf, onLeave, formatNumber, formatTime, duration,
    flushMillis, number, TIME_ZONE, timeChart, chartAxis, seriesColor } = window.Hollerith;

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

  function seconds(text) {
    const m = /^(\d+)([smhdw])$/.exec(text || '');
    return m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2]] : null;
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
    onLeave(() => clearTimeout(typing));
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
    let view = seriesView(params);
    if (view.specs.length === 0) {
      main.append(el('h1', { tabindex: '-1', text: 'No series chosen' }),
        el('p', {}, 'Pick one in the ', el('a', { href: '#/metrics', text: 'metric list' }), '.'));
      return;
    }
    replaceView('series', viewParams(view));
    const colorOf = seriesColor;
    const update = (change) => go('series', viewParams(Object.assign({}, view, change)));
    const win = timeWindow(view);

    const chips = seriesChips(view, colorOf, update);
    const range = rangeControls(view, win, update, (fraction) => pan(fraction));

    const autoInterval = el('option', { value: 'auto', text: 'Auto (' + win.auto + ')' });
    const interval = el('select', { id: 'interval', onchange: (e) => update({ interval: e.target.value }) },
      autoInterval,
      INTERVALS.filter(([name, secs]) => usableInterval(secs) || view.interval === name)
        .map(([name]) => el('option', { value: name, text: name, selected: view.interval === name })));
    const firstType = view.specs[0].type;
    const stat = el('select', { id: 'stat', onchange: (e) => update({ stat: e.target.value }) },
      STATS[firstType].map((s) => el('option', { value: s, text: s, selected: statFor(view.specs[0], view.stat) === s })));
    const csv = el('button', { type: 'button', id: 'csv', disabled: true }, 'Download CSV');

    const status = el('p', { class: 'status', id: 'series-status', 'aria-live': 'polite' });
    const chartBox = el('div', { class: 'chart panel', id: 'chart', role: 'img', tabindex: '0',
      'aria-label': 'Chart of ' + view.specs.map(label).join(', ') + '; the left and right arrow keys move the range' });
    // With the chart focused, the arrow keys move the range by a quarter of its width.
    chartBox.addEventListener('keydown', (e) => {
      if (e.altKey || e.ctrlKey || e.metaKey || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
      e.preventDefault();
      pan(e.key === 'ArrowLeft' ? -0.25 : 0.25);
    });
    const summary = el('aside', { class: 'summary panel', id: 'summary', 'aria-label': 'Summary' });
    const errors = el('div', { id: 'series-error' });

    const title = view.specs.length === 1 ? view.specs[0].name : 'Comparing ' + view.specs.length + ' series';
    main.append(el('h1', { tabindex: '-1', text: title }),
      chips,
      el('div', { class: 'controls' }, range.nodes,
        el('div', { class: 'row' },
          el('div', { class: 'field' }, el('label', { for: 'interval', text: 'Interval' }), interval),
          el('div', { class: 'field' }, el('label', { for: 'stat', text: 'Stat' }), stat),
          comparePicker(view, update), csv)),
      status, errors,
      el('div', { class: 'series-body' }, chartBox, summary));

    let chart = null;
    let shown = null;
    let left = false;
    onLeave(() => {
      left = true;
    });

    csv.addEventListener('click', () => {
      if (shown) download(shown, view);
    });

    /**
     * Shows another range without rendering the page again: the URL gets a history entry (back
     * renders the previous range), the chart is redrawn at once at the new x scale with the points it
     * holds, and then the range's points replace them. mark names the move on the performance
     * timeline; "<mark>.redraw" measures the immediate redraw.
     */
    function move(change, mark) {
      view = Object.assign({}, view, change);
      pushView('series', viewParams(view));
      const w = timeWindow(view);
      range.show(view, w);
      autoInterval.textContent = 'Auto (' + w.auto + ')';
      live();
      status.textContent = rangeKind() + ' · loading…';
      if (chart) {
        performance.clearMarks(mark);
        performance.mark(mark);
        const u = chart.uplot;
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        u.batch(() => u.setScale('x', { min: w.start, max: w.end }));
        performance.clearMeasures(mark + '.redraw');
        performance.measure(mark + '.redraw', mark);
      }
      refresh();
    }

    /**
     * Moves the range by fraction of its width (negative: earlier). Nothing moves past now: a range
     * that would end after now ends now, and is the live preset again when it is as wide as one.
     */
    function pan(fraction) {
      const now = Date.now();
      const toMs = view.from ? Date.parse(view.to) : now;
      const width = view.from ? toMs - Date.parse(view.from) : PRESETS.find(([p]) => p === view.preset)[1] * 1000;
      const shift = Math.round(width * fraction);
      if (shift > 0 && !range.canPanLater(view)) return;
      let end = toMs + shift;
      if (end >= now) {
        const preset = PRESETS.find(([, secs]) => secs * 1000 === width);
        if (preset) {
          move({ preset: preset[0], from: null, to: null }, 'hollerith.chart.pan');
          return;
        }
        end = now;
      }
      move({ preset: null, from: new Date(end - width).toISOString(), to: new Date(end).toISOString() }, 'hollerith.chart.pan');
    }

    // Only the latest load shows its answer, so a slow one for a range moved away from does not.
    let sequence = 0;
    async function load() {
      const mine = ++sequence;
      const w = timeWindow(view);
      const answers = await Promise.all(view.specs.map((spec) => {
        const q = new URLSearchParams({ metric: spec.name, type: spec.type, stat: statFor(spec, view.stat),
          startDate: isoSeconds(w.start), endDate: isoSeconds(w.end), interval: w.interval });
        if (spec.tagText) q.set('tags', spec.tagText);
        return api('/api/v1/series', q).then((r) => r.response);
      }));
      if (left || mine !== sequence) return;
      chartBox.dataset.start = isoSeconds(w.start);
      chartBox.dataset.end = isoSeconds(w.end);
      chartBox.dataset.interval = w.interval;
      const xs = answers[0].series.values.map((v) => Date.parse(v[0]) / 1000);
      const data = [xs, ...answers.map((a) => a.series.values.map((v) => v[1]))];
      shown = { xs, data };
      if (chart) {
        chart.setData(data);
      } else {
        chart = timeChart(chartBox, chartOptions(view, colorOf, (from, to) => move({ preset: null, from, to }, 'hollerith.chart.zoom')), data);
      }
      showSummary(summary, view, answers, colorOf);
      csv.disabled = false;
      status.textContent = rangeKind() + ' · ' + number.format(xs.length) + ' points of ' + w.interval + ' · times in ' + TIME_ZONE
        + ' · updated ' + new Date().toLocaleTimeString();
    }

    const rangeKind = () => (view.from ? 'Fixed range' : 'Live: updates every ' + duration(flushMillis()));
    const failed = (e) => showError(errors, e);
    const refresh = () => load().then(() => errors.replaceChildren(), failed);
    // A range that ends now loads again every flush interval.
    let timer = null;
    const live = () => {
      clearInterval(timer);
      timer = view.from ? null : setInterval(refresh, Math.max(1000, flushMillis()));
    };
    onLeave(() => clearInterval(timer));
    refresh();
    live();
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

  /**
   * The range presets, the buttons that move the range by half its width, and the custom range form
   * (in the viewer's time zone). Returns { nodes, show(view, win) to show another range,
   * canPanLater(view) }.
   */
  function rangeControls(view, win, update, pan) {
    const presetButtons = PRESETS.map(([p]) => el('button', { type: 'button', id: 'range-' + p,
      'aria-pressed': String(view.preset === p), onclick: () => update({ preset: p, from: null, to: null }) }, p));
    const presets = el('fieldset', { class: 'presets' }, el('legend', { text: 'Range' }), presetButtons);
    // Later is unavailable for a range that ends now.
    const canPanLater = (v) => Boolean(v.from) && Date.parse(v.to) < Date.now();
    const earlier = el('button', { type: 'button', id: 'pan-earlier', 'aria-label': 'Earlier: move the range back by half its width',
      onclick: () => pan(-0.5) }, '◀ Earlier');
    const later = el('button', { type: 'button', id: 'pan-later', 'aria-label': 'Later: move the range forward by half its width',
      disabled: !canPanLater(view), onclick: () => pan(0.5) }, 'Later ▶');
    const panButtons = el('div', { class: 'presets', role: 'group', 'aria-label': 'Move the range' }, earlier, later);
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
    const show = (v, w) => {
      presetButtons.forEach((b, i) => b.setAttribute('aria-pressed', String(v.preset === PRESETS[i][0])));
      from.value = localInput(v.from || isoSeconds(w.start));
      to.value = localInput(v.to || isoSeconds(w.end));
      later.disabled = !canPanLater(v);
      rangeError.textContent = '';
    };
    return { nodes: [presets, panButtons, custom, rangeError], show, canPanLater };
  }

  /**
   * uPlot's options; dragging across the chart selects a range, which becomes the view's custom range
   * (zoomTo shows it).
   */
  function chartOptions(view, colorOf, zoomTo) {
    // Series measured like the first share the left axis; the others get a right axis of their own.
    const scaleOf = (s) => (s.type === view.specs[0].type && statFor(s, view.stat) === statFor(view.specs[0], view.stat) ? 'y' : 'y2');
    const axes = [chartAxis(), chartAxis({ scale: 'y', size: 70, values: (u, vals) => vals.map(formatNumber) })];
    if (view.specs.some((s) => scaleOf(s) === 'y2')) {
      axes.push(chartAxis({ scale: 'y2', side: 1, size: 70, grid: { show: false }, values: (u, vals) => vals.map(formatNumber) }));
    }
    return {
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
    };
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

  registerPage('metrics', { label: 'Metrics', permission: 'STAT:READ', render: metricsPage });
  registerPage('series', { parent: 'metrics', permission: 'STAT:READ', render: seriesPage });
})();
