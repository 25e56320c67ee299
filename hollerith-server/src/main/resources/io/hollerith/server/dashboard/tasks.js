/*
 * Hollerith dashboard: workers and tasks (#/tasks?state=…&job=…), for users holding OPS:READ in the
 * root tenant. The workers of the fleet from /api/stats/workers/ (one per node that sent a
 * heartbeat lately) and the node's tasks from /api/stats/tasks/, newest first. A user holding
 * OPS:WRITE may revoke a task that has not ended, after confirming it in the row.
 */
(() => {
  'use strict';

  const { registerPage, el, api, can, showError, showUnlessRefused, showOutcome, confirmButton, go, formatNumber,
    formatTime, TIME_ZONE } = window.Hollerith;

  const STATES = ['scheduled', 'waiting', 'running', 'succeeded', 'failed', 'revoked', 'skipped'];
  /** States a revoke applies to: the task has not ended. */
  const REVOCABLE = new Set(['scheduled', 'waiting', 'running']);
  const TASK_LIMIT = 200;
  /** Longest output or error shown in a row; the whole text is in the cell's title. */
  const RESULT_CHARS = 120;

  function tasksPage(main, params) {
    const state = STATES.includes(params.get('state')) ? params.get('state') : '';
    const job = (params.get('job') || '').substring(0, 200);
    const workers = el('div', { id: 'workers', 'aria-live': 'polite' }, el('p', { class: 'muted', text: 'Loading…' }));
    const result = el('div', { id: 'task-result', role: 'status' });
    const tasks = el('div', { class: 'table-wrap', id: 'tasks' });
    const stateSelect = el('select', { id: 'task-state' }, el('option', { value: '', text: 'Any state' }),
      STATES.map((s) => el('option', { value: s, text: s, selected: s === state })));
    const jobInput = el('input', { id: 'task-job', type: 'search', value: job, autocomplete: 'off', spellcheck: 'false',
      placeholder: 'e.g. hollerith.rollup' });
    const filter = () => {
      const p = new URLSearchParams();
      if (stateSelect.value) p.set('state', stateSelect.value);
      if (jobInput.value.trim()) p.set('job', jobInput.value.trim());
      go('tasks', p);
    };
    stateSelect.addEventListener('change', filter);
    const errors = el('div', { id: 'tasks-error' });
    const body = el('div', { hidden: true },
      el('h2', { class: 'section', text: 'Workers' }), workers,
      el('h2', { class: 'section', text: 'Tasks' }),
      el('form', { class: 'row filters', role: 'search', 'aria-label': 'Filter tasks', onsubmit: (e) => {
        e.preventDefault();
        filter();
      } },
        el('div', { class: 'field' }, el('label', { for: 'task-state', text: 'State' }), stateSelect),
        el('div', { class: 'field' }, el('label', { for: 'task-job', text: 'Job' }), jobInput),
        el('button', { type: 'submit', id: 'task-filter' }, 'Show'),
        el('button', { type: 'button', id: 'task-refresh', onclick: () => load() }, 'Refresh')),
      result,
      el('div', { class: 'panel' }, tasks),
      el('p', { class: 'hint', text: 'Newest first, at most ' + TASK_LIMIT + ' · times in ' + TIME_ZONE + '.' }));
    main.append(el('h1', { tabindex: '-1', text: 'Workers and tasks' }), errors, body);

    async function load() {
      const query = new URLSearchParams({ limit: String(TASK_LIMIT) });
      if (state) query.set('state', state);
      if (job) query.set('job_id', job);
      const [w, t] = await Promise.allSettled([api('/api/stats/workers/'), api('/api/stats/tasks/', query)]);
      if (showUnlessRefused([w, t], errors, body)) return;
      if (w.status === 'fulfilled') showWorkers(workers, w.value);
      else showError(workers, w.reason);
      if (t.status === 'fulfilled') showTasks(tasks, t.value.tasks, revokeAsked);
      else showError(tasks, t.reason);
    }

    /** Revokes after the confirmation in the row, reloads, then shows the outcome above the table. */
    async function revokeAsked(task) {
      let outcome;
      try {
        const now = (await api('/api/stats/tasks/' + encodeURIComponent(task.id) + '/revoke', null, { method: 'POST' })).task.state;
        outcome = el('div', { class: 'notice', id: 'revoke-result' }, now === 'revoked'
          ? 'Task ' + task.id + ' of ' + task.job_id + ' is revoked.'
          : 'Revoke sent to task ' + task.id + ' of ' + task.job_id + '; it is ' + now + ' and stops when its thread ends.');
      } catch (e) {
        outcome = e;
      }
      await load();
      showOutcome(result, outcome);
    }

    load();
  }

  function showWorkers(container, view) {
    const stats = view.stats;
    if (!stats || Object.keys(stats).length === 0) {
      container.replaceChildren(el('p', { class: 'muted', text: 'No worker answered: no node sent a heartbeat lately.' }));
      return;
    }
    const count = (field, name) => (view[field] && view[field][name] ? view[field][name].length : 0);
    container.replaceChildren(el('div', { class: 'worker-grid' }, Object.entries(stats).map(([name, s]) =>
      el('section', { class: 'panel worker', 'data-worker': name },
        el('h3', { text: name }),
        el('p', { class: 'hint', text: 'up ' + uptime(s.uptime) + ' · pid ' + s.pid + ' · ' + (s.jvm || '') }),
        el('dl', { class: 'counts' }, ['active', 'scheduled', 'reserved', 'revoked'].map((f) =>
          el('div', {}, el('dt', { text: f }), el('dd', { 'data-key': f, text: String(count(f, name)) })))),
        el('table', { class: 'pools' },
          el('caption', { text: 'Thread pools' }),
          el('tbody', {}, Object.entries(s.thread_pools || {}).map(([pool, figures]) => el('tr', {},
            el('th', { scope: 'row', text: pool.replace(/_/g, ' ') }),
            el('td', { text: Object.entries(figures).map(([k, v]) => k.replace(/_/g, ' ') + ' ' + formatNumber(v)).join(' · ') }))))),
        ingestRates(s.ingest_rates)))));
  }

  function ingestRates(rates) {
    if (!rates || rates.metrics_per_second === undefined) return null;
    return el('p', { class: 'hint', text: 'Ingest: ' + formatNumber(rates.metrics_per_second) + ' metrics/s, '
      + formatNumber(rates.packets_per_second) + ' packets/s' });
  }

  function uptime(seconds) {
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min';
    return seconds < 86400 ? Math.floor(seconds / 360) / 10 + ' h' : Math.floor(seconds / 8640) / 10 + ' d';
  }

  function showTasks(container, tasks, revoke) {
    if (tasks.length === 0) {
      container.replaceChildren(el('p', { class: 'muted', text: 'No tasks match.' }));
      return;
    }
    const admin = can('OPS:WRITE');
    const head = ['Job', 'State', 'Scheduled', 'Started', 'Ended', 'Node', 'Result'].concat(admin ? ['Action'] : []);
    container.replaceChildren(el('table', { id: 'task-table' },
      el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, tasks.map((t) => el('tr', { 'data-task': t.id, 'data-state': t.state },
        el('td', {}, el('span', { text: t.job_id }), el('div', { class: 'hint mono', text: t.id })),
        el('td', {}, el('span', { class: 'state state-' + t.state, text: t.state })),
        el('td', {}, time(t.scheduled_time)),
        el('td', {}, time(t.start_time)),
        el('td', {}, time(t.end_time)),
        el('td', { class: 'nowrap', text: t.node_id || '' }),
        el('td', { class: 'result' }, resultText(t)),
        admin ? el('td', {}, REVOCABLE.has(t.state) ? revokeControl(t, revoke) : null) : null)))));
  }

  function time(iso) {
    return iso ? el('time', { datetime: iso, text: formatTime(iso) }) : '–';
  }

  function resultText(t) {
    const text = t.error || t.output || '';
    if (!text) return null;
    const shown = text.length > RESULT_CHARS ? text.substring(0, RESULT_CHARS) + '…' : text;
    return el('span', { class: t.state === 'failed' ? 'error-text' : null, title: text, text: shown });
  }

  /** The Revoke button; pressed, it asks in place for a confirmation before anything is sent. */
  function revokeControl(task, revoke) {
    return confirmButton({ id: 'revoke-' + task.id, text: 'Revoke', label: 'Revoke task ' + task.id + ' of ' + task.job_id,
      question: 'Revoke this ' + task.state + ' task?', confirm: 'Yes, revoke', action: () => revoke(task) });
  }

  registerPage('tasks', { label: 'Tasks', permission: 'OPS:READ', render: tasksPage });
})();
