/*
 * Hollerith dashboard: the read-only SQL console (#/sql?q=…), for users holding QUERY:EXECUTE
 * (admins) in the root tenant. One statement at a time goes to POST /api/stats/query/?format=table;
 * the rows come back as a table with their count, the row cap and the time taken, and a refusal
 * (400 with the database's message, 408 after the timeout) is shown as an error. The query is kept
 * in the URL but only runs when asked (the Run button or Ctrl+Enter).
 */
(() => {
  'use strict';

  const { registerPage, el, api, can, me, showError, formatNumber, replaceView } = window.Hollerith;

  const PERMISSION = 'QUERY:EXECUTE';

  function sqlPage(main, params) {
    main.append(el('h1', { tabindex: '-1', text: 'SQL console' }));
    if (!can(PERMISSION)) {
      // Nothing is fetched on opening this page, so the permission is checked here; the API refuses too.
      showError(main.appendChild(el('div')), { status: 403,
        message: 'Permission ' + PERMISSION + ' required; role ' + me().role + ' does not grant it' });
      return;
    }
    const editor = el('textarea', { id: 'sql-query', rows: '6', spellcheck: 'false', autocomplete: 'off',
      'aria-describedby': 'sql-hint', required: true, placeholder: 'SELECT name, type FROM series ORDER BY name' });
    editor.value = params.get('q') || '';
    const run = el('button', { type: 'submit', id: 'run-query', class: 'primary' }, 'Run');
    const status = el('p', { class: 'status', id: 'query-status', 'aria-live': 'polite' });
    const error = el('div', { id: 'query-error' });
    const results = el('div', { class: 'table-wrap', id: 'query-results' });
    const form = el('form', { class: 'sql-form', 'aria-label': 'Query' },
      el('div', { class: 'field' }, el('label', { for: 'sql-query', text: 'Read-only SQL over the metric data' }), editor),
      el('p', { class: 'hint', id: 'sql-hint' }, 'One statement; ', el('kbd', { text: 'Ctrl' }), '+', el('kbd', { text: 'Enter' }),
        ' runs it. Writes, credentials and files are out of reach; the server caps the rows and the time.'),
      el('div', { class: 'row' }, run));
    main.append(form, status, error, el('div', { class: 'panel results' }, results));

    let sequence = 0;
    async function execute() {
      const query = editor.value.trim();
      if (!query) return;
      const mine = ++sequence;
      replaceView('sql', new URLSearchParams({ q: query }));
      run.disabled = true;
      error.replaceChildren();
      status.textContent = 'Running…';
      try {
        const table = await api('/api/stats/query/', new URLSearchParams({ format: 'table' }), { method: 'POST', body: { query } });
        if (mine !== sequence) return;
        results.replaceChildren(resultTable(table));
        status.textContent = summary(table);
        status.classList.toggle('cut', table.truncated);
      } catch (e) {
        if (mine !== sequence) return;
        results.replaceChildren();
        status.textContent = '';
        status.classList.remove('cut');
        if (e.status === 403 || e.status === 401) showError(error, e);
        else error.replaceChildren(el('div', { class: 'alert', role: 'alert' }, el('strong', { text: refusal(e.status) }), e.message));
      } finally {
        if (mine === sequence) run.disabled = false;
      }
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      execute();
    });
    editor.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        execute();
      }
    });
  }

  function refusal(status) {
    switch (status) {
      case 400: return 'The query was refused: ';
      case 408: return 'The query took too long: ';
      case 413: return 'The query is too long: ';
      default: return 'The query did not run: ';
    }
  }

  /** How many rows came in how long, and where the server cut the result if it did. */
  function summary(table) {
    const took = ' in ' + formatNumber(table.elapsed_ms) + ' ms';
    const cap = 'row cap ' + formatNumber(table.max_rows);
    if (!table.truncated) {
      return formatNumber(table.row_count) + (table.row_count === 1 ? ' row' : ' rows') + took + ' · ' + cap;
    }
    return 'Only the first ' + formatNumber(table.row_count) + ' rows' + took + ': the result was cut at the '
      + (table.row_count >= table.max_rows ? cap + ' (ops.query.max_rows)' : 'size cap (ops.query.max_result_bytes)');
  }

  function resultTable(table) {
    if (table.columns.length === 0) {
      return el('p', { class: 'muted', text: 'The statement returned no result set.' });
    }
    return el('table', { class: 'query-table' },
      el('thead', {}, el('tr', {}, table.columns.map((c, i) => el('th', { scope: 'col', text: c,
        class: table.rows.length > 0 && typeof table.rows[0][i] === 'number' ? 'num' : null })))),
      el('tbody', {}, table.rows.map((row) => el('tr', {}, row.map(cell)))));
  }

  function cell(v) {
    if (v === null) return el('td', { class: 'null', text: 'NULL' });
    if (typeof v === 'number') return el('td', { class: 'num', text: String(v) });
    return el('td', { text: typeof v === 'object' ? JSON.stringify(v) : String(v) });
  }

  registerPage('sql', { label: 'SQL', permission: PERMISSION, render: sqlPage });
})();
