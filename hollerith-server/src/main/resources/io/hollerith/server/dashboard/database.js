/*
 * Hollerith dashboard: the database page (#/database), the metric store's statistics from
 * /api/stats/database/ grouped by topic, for users holding OPS:READ in the root tenant. Figures
 * that need attention are highlighted and listed at the top; each figure keeps the API's raw value
 * in data-value beside the readable text.
 */
(() => {
  'use strict';

  const { registerPage, el, api, showError, formatNumber } = window.Hollerith;

  /** The groups in the order shown: the API's section, its title, and its fields with a label and a unit. */
  const GROUPS = [
    ['database_size', 'Size', [
      ['database_name', 'Database'], ['total_size_bytes', 'Total size', 'bytes'], ['data_size_bytes', 'Tables', 'bytes'],
      ['index_size_bytes', 'Indexes', 'bytes'], ['metric_schema_size_bytes', 'Metric schema', 'bytes'],
      ['wal_size_bytes', 'WAL file', 'bytes'], ['page_size_bytes', 'Page size', 'bytes'], ['page_count', 'Pages'],
      ['freelist_pages', 'Free pages']]],
    ['connections', 'Connections', [
      ['active', 'Active'], ['idle', 'Idle'], ['idle_in_transaction', 'Idle in transaction'], ['waiting', 'Waiting'],
      ['max_connections', 'Limit'], ['utilization_percent', 'In use', '%']]],
    ['cache_performance', 'Cache', [
      ['buffer_cache_hit_ratio', 'Buffer cache hits', '%'], ['index_hit_ratio', 'Index cache hits', '%'],
      ['shared_buffers', 'shared_buffers', 'pages'], ['effective_cache_size', 'effective_cache_size', 'pages'],
      ['cache_size', 'cache_size'], ['page_size', 'Page size']]],
    ['transactions', 'Transactions', [
      ['committed', 'Committed'], ['rolled_back', 'Rolled back'], ['rollback_ratio_percent', 'Rolled back share', '%'],
      ['deadlocks', 'Deadlocks'], ['busy', 'Failed: database locked'], ['hollerith_committed', 'Committed by this node'],
      ['hollerith_rolled_back', 'Rolled back by this node']]],
    ['locks', 'Locks', [
      ['total_locks', 'Held'], ['waiting_locks', 'Waiting'], ['access_exclusive_locks', 'Access exclusive']]],
    ['maintenance', 'Maintenance', [
      ['total_live_tuples', 'Live rows'], ['total_dead_tuples', 'Dead rows'], ['dead_tuple_ratio_percent', 'Dead rows share', '%'],
      ['tables_needing_vacuum', 'Tables needing a vacuum'], ['oldest_transaction_age', 'Oldest transaction age', 'xids'],
      ['freelist_percent', 'Free pages share', '%'], ['vacuum_recommended', 'Vacuum recommended', 'flag'],
      ['wal_checkpoint.wal_frames', 'WAL frames'], ['wal_checkpoint.checkpointed_frames', 'Checkpointed frames'],
      ['wal_checkpoint.busy', 'Checkpoint blocked', 'flag']]],
    ['active_queries', 'Active queries', [
      ['count', 'Running'], ['longest_duration_seconds', 'Longest running', 's'], ['waiting_on_locks', 'Waiting for a lock']]],
    ['query_performance', 'Scans', [
      ['seq_scan_count', 'Sequential scans'], ['seq_scan_rows', 'Rows read by them'], ['index_scan_count', 'Index scans'],
      ['index_scan_rows', 'Rows fetched by them'], ['index_scan_ratio_percent', 'Index scans share', '%'],
      ['temp_files_count', 'Temporary files'], ['temp_files_bytes', 'Temporary file size', 'bytes']]],
    ['replication', 'Replication', [
      ['is_replica', 'Replica', 'flag'], ['wal_bytes', 'WAL position', 'bytes'],
      ['replication_lag_bytes', 'Replication lag', 'bytes'], ['replicas', 'Replicas']]],
  ];

  /**
   * The figures that need attention: key, the test on its value, and why. The cache should serve
   * more than 99 % of reads; the other limits are common operating thresholds (PostgreSQL's default
   * autovacuum_freeze_max_age for the transaction age, one 16 MiB WAL segment for the lag).
   */
  const ALERTS = [
    ['connections.utilization_percent', (v) => v > 80, 'more than 80 % of the connections are in use'],
    ['connections.waiting', (v) => v > 0, 'connections wait for a lock'],
    ['cache_performance.buffer_cache_hit_ratio', (v) => v < 99, 'the buffer cache serves less than 99 % of reads'],
    ['cache_performance.index_hit_ratio', (v) => v < 99, 'the cache serves less than 99 % of index reads'],
    ['transactions.rollback_ratio_percent', (v) => v > 5, 'more than 5 % of transactions roll back'],
    ['transactions.deadlocks', (v) => v > 0, 'deadlocks happened'],
    ['transactions.busy', (v) => v > 0, 'writes failed because the database stayed locked'],
    ['locks.waiting_locks', (v) => v > 0, 'lock requests wait'],
    ['maintenance.tables_needing_vacuum', (v) => v > 0, 'tables have more than 10 % dead rows: they need a vacuum'],
    ['maintenance.dead_tuple_ratio_percent', (v) => v > 10, 'more than 10 % of the rows are dead: vacuum'],
    ['maintenance.oldest_transaction_age', (v) => v > 200000000, 'the transaction age nears wraparound: vacuum freeze'],
    ['maintenance.freelist_percent', (v) => v > 10, 'more than 10 % of the file is free pages: a vacuum would shrink it'],
    ['maintenance.vacuum_recommended', (v) => v === true, 'a vacuum is recommended'],
    ['active_queries.waiting_on_locks', (v) => v > 0, 'running queries wait for a lock'],
    ['replication.replication_lag_bytes', (v) => v > 16777216, 'the replica lags more than 16 MiB of WAL'],
  ];

  const BYTE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

  /** Bytes in the largest unit that keeps the number at or above 1. */
  function formatBytes(v) {
    let unit = 0;
    let n = v;
    while (n >= 1024 && unit < BYTE_UNITS.length - 1) {
      n /= 1024;
      unit++;
    }
    return (unit === 0 ? formatNumber(n) : formatNumber(Math.round(n * 10) / 10)) + ' ' + BYTE_UNITS[unit];
  }

  /** A value as text for its unit; null as a dash. */
  function formatValue(v, unit) {
    if (v === null || v === undefined) return '–';
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (unit === 'pages' && /^\d+$/.test(v)) return formatNumber(Number(v)) + ' × 8 kB (' + formatBytes(Number(v) * 8192) + ')';
    if (typeof v !== 'number') return String(v);
    switch (unit) {
      case 'bytes': return formatBytes(v);
      case '%': return formatNumber(v) + ' %';
      case 's': return formatNumber(v) + ' s';
      default: return formatNumber(v);
    }
  }

  function valueAt(object, path) {
    return path.split('.').reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), object);
  }

  /** The alerts that hold for these statistics: [key, reason]. */
  function alertsOf(stats) {
    return ALERTS.filter(([key, test]) => {
      const v = valueAt(stats, key);
      return v !== null && v !== undefined && test(v);
    }).map(([key, , reason]) => [key, reason]);
  }

  /**
   * One figure: its label, its readable value (flagged when an alert holds) and, when the API gives
   * one, the note on what it means on this engine.
   */
  function figure(key, label, value, unit, reason, note) {
    const shown = el('dd', { 'data-key': key, 'data-value': value === null || value === undefined ? '' : String(value),
      class: reason ? 'flagged' : null, title: unit === 'bytes' && typeof value === 'number' ? formatNumber(value) + ' bytes' : null },
    reason ? el('span', { class: 'flag', text: '▲ ' }) : null, formatValue(value, unit),
    reason ? el('span', { class: 'visually-hidden', text: ' (needs attention: ' + reason + ')' }) : null);
    return [el('dt', { text: label }), shown, note ? el('dd', { class: 'note', text: note }) : null];
  }

  /**
   * A group's figures: the known fields in order, then any field the API added. The notes shown
   * (the section's, a field's, or a nested object's under its first field) are added to used.
   */
  function group(stats, [section, title, fields], flaggedReasons, used) {
    const values = stats[section];
    if (values === undefined) return null;
    const notes = stats.notes || {};
    const note = (key) => {
      if (notes[key] === undefined || used.has(key)) return null;
      used.add(key);
      return notes[key];
    };
    const known = new Set(fields.map(([k]) => k.split('.')[0]));
    const extra = values && typeof values === 'object'
      ? Object.keys(values).filter((k) => !known.has(k) && typeof values[k] !== 'object').map((k) => [k, k]) : [];
    const rows = fields.concat(extra).filter(([k]) => valueAt(values, k) !== undefined).map(([k, label, unit]) => {
      const key = section + '.' + k;
      const parent = k.includes('.') ? note(section + '.' + k.split('.')[0]) : null;
      return figure(key, label, valueAt(values, k), unit, flaggedReasons.get(key), [parent, note(key)].filter((n) => n).join('; '));
    });
    const sectionNote = note(section);
    return el('section', { class: 'panel', 'aria-labelledby': 'group-' + section },
      el('h2', { id: 'group-' + section, text: title }),
      sectionNote ? el('p', { class: 'hint', text: sectionNote }) : null,
      el('dl', { class: 'figures' }, rows),
      section === 'active_queries' ? runningQueries(values.queries || []) : null);
  }

  function runningQueries(queries) {
    if (queries.length === 0) return null;
    return el('div', { class: 'table-wrap' }, el('table', { id: 'running-queries' },
      el('caption', { text: 'The oldest running queries' }),
      el('thead', {}, el('tr', {}, ['Process', 'Running for', 'State', 'Waiting on', 'Query'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, queries.map((q) => el('tr', {},
        el('td', { text: String(q.pid) }), el('td', { class: 'num', text: formatValue(q.duration_seconds, 's') }),
        el('td', { text: q.state || '' }), el('td', { text: q.wait_event_type || '' }),
        el('td', {}, el('code', { text: q.query_preview || '' })))))));
  }

  function largestTables(tables, note) {
    const largest = tables.reduce((m, t) => Math.max(m, t.total_size), 1);
    const cell = (v) => el('td', { class: 'num', 'data-value': String(v), title: formatNumber(v) + ' bytes', text: formatBytes(v) });
    return el('section', { class: 'panel wide', 'aria-labelledby': 'group-tables' },
      el('h2', { id: 'group-tables', text: 'Largest tables' }),
      note ? el('p', { class: 'hint', text: note }) : null,
      el('div', { class: 'table-wrap' }, el('table', { id: 'largest-tables' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Table' }),
          ['Total', 'Table alone', 'Indexes and TOAST'].map((h) => el('th', { scope: 'col', class: 'num', text: h })),
          el('th', { scope: 'col', class: 'bar-cell', text: 'Share of the largest' }))),
        el('tbody', {}, tables.map((t) => {
          const bar = el('span', { class: 'bar' });
          bar.style.width = Math.max(1, Math.round(100 * t.total_size / largest)) + '%';
          return el('tr', {}, el('td', { text: t.table_name }), cell(t.total_size), cell(t.data_size), cell(t.external_size),
            el('td', { class: 'bar-cell', 'aria-hidden': 'true' }, bar));
        })))));
  }

  /** The engine's notes not shown beside a figure or a group. */
  function otherNotes(notes, used) {
    const rest = Object.entries(notes).filter(([key]) => !used.has(key));
    if (rest.length === 0) return null;
    return el('section', { class: 'panel wide', 'aria-labelledby': 'group-notes' },
      el('h2', { id: 'group-notes', text: 'Notes' }),
      el('dl', { class: 'figures notes' }, rest.map(([key, text]) => [el('dt', {}, el('code', { text: key })),
        el('dd', { class: 'note', text })])));
  }

  function alertList(alerts, labels) {
    if (alerts.length === 0) {
      return el('p', { class: 'all-clear', id: 'database-alerts', role: 'status', text: 'No figure needs attention.' });
    }
    return el('div', { class: 'alert warning', id: 'database-alerts', role: 'status' },
      el('strong', { text: alerts.length === 1 ? 'One figure needs attention:' : alerts.length + ' figures need attention:' }),
      el('ul', {}, alerts.map(([key, reason]) => el('li', {}, el('strong', { text: labels.get(key) || key }), ': ' + reason))));
  }

  function databasePage(main) {
    const body = el('div', { id: 'database-stats' }, el('p', { class: 'muted', text: 'Loading…' }));
    const status = el('p', { class: 'status', 'aria-live': 'polite' });
    const refresh = el('button', { type: 'button', id: 'refresh-database' }, 'Refresh');
    main.append(el('div', { class: 'page-head' }, el('h1', { tabindex: '-1', text: 'Database' }), refresh), status, body);
    const labels = new Map(GROUPS.flatMap(([section, , fields]) => fields.map(([k, label]) => [section + '.' + k, label])));
    async function load() {
      refresh.disabled = true;
      try {
        const stats = await api('/api/stats/database/');
        const alerts = alertsOf(stats);
        const reasons = new Map(alerts);
        const notes = stats.notes || {};
        const usedNotes = new Set(['table_stats']);
        const groups = GROUPS.map((g) => group(stats, g, reasons, usedNotes));
        body.replaceChildren(alertList(alerts, labels),
          el('div', { class: 'stats-grid' }, groups, largestTables(stats.table_stats || [], notes.table_stats),
            otherNotes(notes, usedNotes)));
        status.textContent = (stats.database_size ? stats.database_size.database_name + ' · ' : '')
          + 'updated ' + new Date().toLocaleTimeString();
      } catch (e) {
        showError(body, e);
        status.textContent = '';
        refresh.hidden = e.status === 403;
      } finally {
        refresh.disabled = false;
      }
    }
    refresh.addEventListener('click', load);
    load();
  }

  registerPage('database', { label: 'Database', permission: 'OPS:READ', render: databasePage });
})();
