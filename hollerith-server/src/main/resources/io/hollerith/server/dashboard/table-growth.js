/*
 * Hollerith dashboard: the table growth page (#/table-growth?table=…&days=…), from the daily
 * table-size samples of /api/stats/table-growth/, for users holding OPS:READ in the root tenant.
 * Every sampled table with its size and its growth over a week and a month; growth beyond a
 * threshold is highlighted and listed as an alert; one table's daily samples as a chart (the table
 * chosen in the URL, else the first alerting table, else the largest), with the figures below it.
 */
(() => {
  'use strict';

  const { registerPage, el, api, showError, formatNumber, go, timeChart, onLeave } = window.Hollerith;

  const HISTORY_DAYS = [7, 30, 90];
  const DAY_SECONDS = 86400;
  /** The distances between the ticks of a size axis: 1, 2 or 5 times a power of ten, of bytes, KiB, MiB or GiB. */
  const BYTE_STEPS = [1, 1024, 1048576, 1073741824].flatMap((unit) =>
    [1, 2, 5, 10, 20, 50, 100, 200, 500].map((m) => m * unit));
  /** The distances between the ticks of a chart's time axis: whole days. */
  const DAY_STEPS = [1, 2, 7, 14, 30].map((d) => d * DAY_SECONDS);
  const shortDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

  /** A day of the samples (seconds at 00:00 UTC) as the viewer writes dates, e.g. "Dec 7". */
  function dayOf(seconds) {
    return shortDay.format(new Date(seconds * 1000));
  }

  function formatBytes(v) {
    if (v === null || v === undefined) return '–';
    const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
    let unit = 0;
    let n = v;
    while (n >= 1024 && unit < units.length - 1) {
      n /= 1024;
      unit++;
    }
    return (unit === 0 ? formatNumber(n) : formatNumber(Math.round(n * 10) / 10)) + ' ' + units[unit];
  }

  function formatGrowth(v) {
    return v === null || v === undefined ? '–' : (v > 0 ? '+' : '') + formatNumber(v) + ' %';
  }

  /** The view in the URL: the charted table (or null) and the days of history. */
  function viewOf(params) {
    const days = Number(params.get('days'));
    return { table: params.get('table'), days: HISTORY_DAYS.includes(days) ? days : 30 };
  }

  function paramsOf(view) {
    const p = new URLSearchParams();
    if (view.table) p.set('table', view.table);
    if (view.days !== 30) p.set('days', String(view.days));
    return p;
  }

  function tableGrowthPage(main, params) {
    const view = viewOf(params);
    const days = el('select', { id: 'growth-days' }, HISTORY_DAYS.map((d) =>
      el('option', { value: String(d), selected: d === view.days, text: d + ' days' })));
    days.addEventListener('change', () => go('table-growth', paramsOf({ table: view.table, days: Number(days.value) })));
    const body = el('div', { id: 'table-growth' }, el('p', { class: 'muted', text: 'Loading…' }));
    main.append(el('h1', { tabindex: '-1', text: 'Table growth' }),
      el('div', { class: 'row filters' }, el('div', { class: 'field' }, el('label', { for: 'growth-days', text: 'History' }), days)),
      body);
    api('/api/stats/table-growth/', new URLSearchParams({ days: String(view.days) }))
      .then((report) => showReport(body, report, view), (e) => showError(body, e));
  }

  function showReport(body, report, view) {
    const flagged = new Map(report.alerts.map((a) => [a.table_name + '.' + a.period, a]));
    const charted = report.tables.find((t) => t.table_name === view.table)
      || report.tables.find((t) => flagged.has(t.table_name + '.weekly') || flagged.has(t.table_name + '.monthly'))
      || report.tables.slice().sort((a, b) => b.current_total_size - a.current_total_size)[0];
    const chartPanel = el('section', { class: 'panel', 'aria-labelledby': 'growth-chart-title' });
    body.replaceChildren(
      el('p', { class: 'hint', id: 'growth-thresholds' }, 'Sizes sampled once a day (UTC; today is ' + report.date
        + '). A table that grew by more than ' + report.weekly_threshold_percent + ' % in a week or '
        + report.monthly_threshold_percent + ' % in a month raises an alert (', el('code', { text: 'ops.table_growth' }), ').'),
      alertList(report),
      chartPanel,
      el('section', { class: 'panel', 'aria-labelledby': 'growth-table-title' },
        el('h2', { id: 'growth-table-title', text: 'Tables' }),
        el('div', { class: 'table-wrap' }, growthTable(report, flagged, charted, view))));
    if (charted) showHistory(chartPanel, charted, view, report);
    else chartPanel.replaceChildren(el('p', { class: 'muted', text: 'No table was sampled today.' }));
    // Choosing a table loads the page again; the keyboard stays on the chosen table.
    const chosen = view.table && document.getElementById('growth-' + view.table);
    if (chosen && document.activeElement && document.activeElement.tagName === 'H1') chosen.focus();
  }

  function alertList(report) {
    if (report.alerts.length === 0) {
      return el('p', { class: 'all-clear', id: 'growth-alerts', role: 'status', text: 'No table grew beyond a threshold.' });
    }
    return el('div', { class: 'alert warning', id: 'growth-alerts', role: 'status' },
      el('strong', { text: report.alerts.length === 1 ? 'One growth alert:' : report.alerts.length + ' growth alerts:' }),
      el('ul', {}, report.alerts.map((a) => el('li', {}, el('strong', { text: a.table_name }),
        ' grew ' + formatGrowth(a.growth_percent) + ' in a ' + (a.period === 'weekly' ? 'week' : 'month')
        + ' (threshold ' + a.threshold + ' %)'))));
  }

  const COLUMNS = [
    ['current_total_size', 'Total size', formatBytes], ['current_data_size', 'Table alone', formatBytes],
    ['current_row_estimate', 'Rows', formatNumber], ['week_ago_total_size', 'A week ago', formatBytes],
    ['weekly_growth_percent', 'Growth in a week', formatGrowth, 'weekly'],
    ['month_ago_total_size', 'A month ago', formatBytes],
    ['monthly_growth_percent', 'Growth in a month', formatGrowth, 'monthly'],
    ['weekly_row_growth_percent', 'Rows: week', formatGrowth], ['monthly_row_growth_percent', 'Rows: month', formatGrowth],
  ];

  function growthTable(report, flagged, charted, view) {
    const rows = report.tables.map((t) => {
      const name = el('button', { type: 'button', class: 'link', id: 'growth-' + t.table_name, 'data-table': t.table_name,
        'aria-pressed': String(t === charted), text: t.table_name,
        onclick: () => go('table-growth', paramsOf({ table: t.table_name, days: view.days })) });
      return el('tr', { class: t === charted ? 'selected' : null },
        el('th', { scope: 'row' }, name),
        COLUMNS.map(([key, , format, period]) => {
          const v = t[key];
          const alert = period ? flagged.get(t.table_name + '.' + period) : null;
          return el('td', { class: 'num' + (alert ? ' flagged' : ''), 'data-key': t.table_name + '.' + key,
            'data-value': v === null ? '' : String(v), title: alert ? 'above the ' + alert.threshold + ' % threshold' : null },
          alert ? el('span', { class: 'flag', text: '▲ ' }) : null, format(v),
          alert ? el('span', { class: 'visually-hidden', text: ' (alert: above ' + alert.threshold + ' %)' }) : null);
        }));
    });
    return el('table', { id: 'growth-table' },
      el('caption', { class: 'visually-hidden', text: 'Table sizes and growth; choose a table to chart its history' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Table' }),
        COLUMNS.map(([, label]) => el('th', { scope: 'col', class: 'num', text: label })))),
      el('tbody', {}, rows));
  }

  /** One table's daily samples: a chart of its sizes (left axis) and rows (right axis), then the figures. */
  function showHistory(panel, table, view, report) {
    const history = table.history || [];
    const box = el('div', { class: 'chart', id: 'growth-chart', 'data-table': table.table_name, role: 'img',
      'aria-label': 'Daily size of ' + table.table_name + ' over ' + view.days + ' days' });
    panel.replaceChildren(el('h2', { id: 'growth-chart-title', text: table.table_name + ': daily samples' }), box,
      el('details', {}, el('summary', { text: 'Figures (' + history.length + ' days)' }), historyTable(history)));
    const data = [history.map((h) => Date.parse(h.date + 'T00:00:00Z') / 1000), history.map((h) => h.total_size),
      history.map((h) => h.data_size), history.map((h) => h.row_estimate)];
    // The whole requested window, today's sample last, whatever days have samples.
    const today = Date.parse(report.date + 'T00:00:00Z') / 1000;
    const shownDays = [today - (view.days - 1) * DAY_SECONDS - DAY_SECONDS / 2, today + DAY_SECONDS / 2];
    const chart = timeChart(box, {
      height: 260,
      scales: { x: { time: true, range: () => shownDays } },
      series: [{ value: (u, v) => (v === null ? '–' : dayOf(v)) },
        { label: 'Total size', stroke: themed('--s1'), width: 2, value: (u, v) => formatBytes(v), points: { size: 6 } },
        { label: 'Table alone', stroke: themed('--s2'), width: 2, value: (u, v) => formatBytes(v), points: { size: 6 } },
        { label: 'Rows', stroke: themed('--s3'), width: 2, dash: [6, 4], scale: 'rows', value: (u, v) => formatNumber(v),
          points: { size: 6 } }],
      // Off the chart, the legend shows the latest sample instead of dashes.
      hooks: { ready: [showLatest], setCursor: [(u) => {
        if (u.cursor.idx === null || u.cursor.idx === undefined) showLatest(u);
      }] },
      axes: [themedAxis({ incrs: DAY_STEPS, values: (u, ticks) => ticks.map(dayOf) }),
        themedAxis({ size: 80, incrs: BYTE_STEPS, values: (u, vals) => vals.map(formatBytes) }),
        themedAxis({ scale: 'rows', side: 1, size: 70, grid: { show: false }, values: (u, vals) => vals.map(formatNumber) })],
    }, data);
    // The colours are read from the theme at each drawing: draw again when the theme changes.
    const dark = matchMedia('(prefers-color-scheme: dark)');
    const redraw = () => {
      chart.uplot.redraw();
      box.querySelectorAll('.u-legend .u-series').forEach((entry, i) => {
        const marker = entry.querySelector('.u-marker');
        if (marker && i > 0) marker.style.borderColor = chart.uplot.series[i].stroke(chart.uplot, i);
      });
    };
    dark.addEventListener('change', redraw);
    onLeave(() => dark.removeEventListener('change', redraw));
  }

  function showLatest(u) {
    if (u.data[0].length > 0) u.setLegend({ idx: u.data[0].length - 1 });
  }

  /** A colour of the current theme (a CSS custom property), read whenever the chart draws. */
  function themed(property) {
    return () => getComputedStyle(document.documentElement).getPropertyValue(property).trim();
  }

  function themedAxis(extra) {
    const grid = themed('--grid');
    return Object.assign({ stroke: themed('--muted'), grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } }, extra,
      extra.grid ? { grid: Object.assign({ stroke: grid, width: 1 }, extra.grid) } : {});
  }

  function historyTable(history) {
    const cell = (v, format) => el('td', { class: 'num', 'data-value': v === null ? '' : String(v), text: format(v) });
    return el('div', { class: 'table-wrap' }, el('table', { id: 'growth-history' },
      el('thead', {}, el('tr', {}, ['Day', 'Total size', 'Table alone', 'Rows'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, history.map((h) => el('tr', {}, el('td', { text: h.date }), cell(h.total_size, formatBytes),
        cell(h.data_size, formatBytes), cell(h.row_estimate, formatNumber))))));
  }

  registerPage('table-growth', { label: 'Table growth', permission: 'OPS:READ', render: tableGrowthPage });
})();
