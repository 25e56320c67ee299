/*
 * Hollerith dashboard: the node's debug views, for users holding OPS:READ in the root tenant.
 * #/debug: the live threads grouped by identical state and stack (/debug/threads), and the buffer
 * memory of Netty's pooled allocator and the JVM's buffer pools (/debug/pool/bytes).
 * #/files?path=…: the data directory's files (/_local/files/…/_list); a user holding FILES:DELETE
 * may delete a file after confirming it in the row (the node refuses the files it has in use).
 */
(() => {
  'use strict';

  const { registerPage, el, api, can, showError, showUnlessRefused, showOutcome, confirmButton, hashOf, formatNumber,
    formatTime, TIME_ZONE } = window.Hollerith;

  function bytes(n) {
    if (n === null || n === undefined) return '–';
    if (n < 1024) return formatNumber(n) + ' B';
    if (n < 1048576) return formatNumber(n / 1024) + ' KiB';
    return n < 1073741824 ? formatNumber(n / 1048576) + ' MiB' : formatNumber(n / 1073741824) + ' GiB';
  }

  function table(id, caption, headers, rows) {
    return el('table', { id },
      caption ? el('caption', { text: caption }) : null,
      el('thead', {}, el('tr', {}, headers.map(([h, numeric]) => el('th', { scope: 'col', class: numeric ? 'num' : null, text: h })))),
      el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c, i) =>
        el('td', { class: headers[i][1] ? 'num' : null }, c))))));
  }

  function debugPage(main) {
    const threads = el('div', { id: 'thread-groups' }, el('p', { class: 'muted', text: 'Loading…' }));
    const pools = el('div', { id: 'buffer-pools' }, el('p', { class: 'muted', text: 'Loading…' }));
    const status = el('p', { class: 'status', id: 'debug-status', 'aria-live': 'polite' });
    const errors = el('div', { id: 'debug-error' });
    const body = el('div', { hidden: true }, status,
      el('div', { class: 'row' }, el('button', { type: 'button', id: 'debug-refresh', onclick: () => load() }, 'Take again')),
      el('h2', { class: 'section', text: 'Buffer pools' }), pools,
      el('h2', { class: 'section', text: 'Threads' }), threads);
    main.append(el('h1', { tabindex: '-1', text: 'Debug' }), errors, body);

    async function load() {
      const [t, p] = await Promise.allSettled([api('/debug/threads'), api('/debug/pool/bytes')]);
      if (showUnlessRefused([t, p], errors, body)) return;
      if (p.status === 'fulfilled') showPools(pools, p.value);
      else showError(pools, p.reason);
      if (t.status === 'fulfilled') showThreads(threads, t.value);
      else showError(threads, t.reason);
      if (t.status === 'fulfilled' && p.status === 'fulfilled') status.textContent = 'Taken ' + new Date().toLocaleTimeString();
    }
    load();
  }

  function showThreads(container, groups) {
    const total = groups.reduce((n, g) => n + g.count, 0);
    container.replaceChildren(
      el('p', { class: 'hint', text: formatNumber(total) + ' threads in ' + formatNumber(groups.length)
        + ' groups of identical state and stack, largest first. Open a group for its stack.' }),
      el('div', { class: 'thread-list' }, groups.map((g) => el('details', { class: 'panel thread-group', 'data-state': g.state },
        el('summary', {},
          el('span', { class: 'count', text: formatNumber(g.count) + ' ×' }),
          el('span', { class: 'state state-' + g.state.toLowerCase(), text: g.state }),
          el('span', { class: 'names', text: names(g.names) })),
        el('pre', { class: 'stack', text: g.stack.join('\n') + (g.truncated ? '\n… (deeper frames cut)' : '') }),
        g.names.length > 3 ? el('p', { class: 'hint', text: 'Threads: ' + g.names.join(', ') }) : null))));
  }

  function names(list) {
    return list.length <= 3 ? list.join(', ') : list.slice(0, 3).join(', ') + ' and ' + (list.length - 3) + ' more';
  }

  function showPools(container, pools) {
    const netty = pools.netty || {};
    const jvm = pools.jvm || [];
    const nettySummary = netty.allocator === 'pooled'
      ? el('dl', { class: 'tiles', id: 'netty-summary' }, [
        ['Netty heap in use', bytes(netty.used_heap)], ['Netty direct in use', bytes(netty.used_direct)],
        ['Chunk size', bytes(netty.chunk_size)], ['Thread-local caches', formatNumber(netty.thread_local_caches)],
      ].map(([k, v]) => el('div', { class: 'tile panel' }, el('dt', { text: k }), el('dd', { text: v }))))
      : el('p', { class: 'hint', text: 'Netty allocator: ' + (netty.allocator || 'unknown') + ' (not pooled)' });
    const arenas = (netty.arenas || []).filter((a) => a.capacity > 0 || a.count > 0);
    container.replaceChildren(nettySummary,
      el('div', { class: 'pool-tables' },
        el('div', { class: 'panel table-wrap' }, table('jvm-pools', 'JVM buffer pools',
          [['Pool'], ['Buffers', true], ['Used', true], ['Capacity', true]],
          jvm.map((p) => [p.name, formatNumber(p.count), bytes(p.used), bytes(p.capacity)]))),
        el('div', { class: 'panel table-wrap' }, arenas.length === 0
          ? el('p', { class: 'muted', text: 'No Netty arena holds a chunk.' })
          : table('netty-arenas', 'Netty arenas holding memory',
            [['Arena'], ['Chunks', true], ['Used', true], ['Capacity', true], ['Live allocations', true]],
            arenas.map((a) => [a.type + ' ' + a.index, formatNumber(a.chunks), bytes(a.used), bytes(a.capacity),
              formatNumber(a.count)])))));
  }

  function filesPage(main, params) {
    const path = (params.get('path') || '').replace(/^\/+|\/+$/g, '');
    const list = el('div', { class: 'panel table-wrap', id: 'file-list' }, el('p', { class: 'muted', text: 'Loading…' }));
    const result = el('div', { id: 'file-result', role: 'status' });
    const errors = el('div', { id: 'files-error' });
    const body = el('div', { hidden: true }, breadcrumbs(path), result, list,
      el('p', { class: 'hint', text: (can('FILES:DELETE') ? '' : 'Read-only view · ') + 'Times in ' + TIME_ZONE + '.' }));
    main.append(el('h1', { tabindex: '-1', text: 'Data directory' }), errors, body);
    const url = path ? '/_local/files/' + encodeURIComponent(path) + '/_list' : '/_local/files/_list';
    const load = async () => {
      const [answer] = await Promise.allSettled([api(url)]);
      if (showUnlessRefused([answer], errors, body)) return;
      if (answer.status === 'fulfilled') showFiles(list, path, answer.value, remove);
      else showError(list, answer.reason);
    };

    /** Deletes after the confirmation in the row, reloads the list, then shows the outcome above it. */
    async function remove(file) {
      let outcome;
      try {
        await api('/_local/files/' + encodeURIComponent(file), null, { method: 'DELETE' });
        outcome = el('div', { class: 'notice', id: 'delete-result' }, 'Deleted ' + file + '.');
      } catch (e) {
        outcome = e;
      }
      await load();
      showOutcome(result, outcome);
    }
    load();
  }

  function breadcrumbs(path) {
    const parts = path ? path.split('/') : [];
    const link = (i) => hashOf('files', i === 0 ? null : new URLSearchParams({ path: parts.slice(0, i).join('/') }));
    const crumbs = [el('li', {}, parts.length === 0
      ? el('span', { 'aria-current': 'page', text: 'data directory' })
      : el('a', { href: link(0), text: 'data directory' }))];
    parts.forEach((p, i) => crumbs.push(el('li', {}, i === parts.length - 1
      ? el('span', { 'aria-current': 'page', text: p })
      : el('a', { href: link(i + 1), text: p }))));
    return el('nav', { class: 'crumbs', 'aria-label': 'Folder' }, el('ol', {}, crumbs));
  }

  function showFiles(container, path, answer, remove) {
    if (answer.files.length === 0) {
      container.replaceChildren(el('p', { class: 'muted', text: 'This folder is empty.' }));
      return;
    }
    const admin = can('FILES:DELETE');
    const full = (f) => (path ? path + '/' : '') + f.name;
    const name = (f) => (f.type === 'directory'
      ? el('a', { href: hashOf('files', new URLSearchParams({ path: full(f) })), text: f.name + '/' })
      : el('span', { text: f.name }));
    const action = (f, i) => (f.type === 'file'
      ? confirmButton({ id: 'delete-file-' + i, text: 'Delete', label: 'Delete ' + full(f), question: 'Delete ' + f.name + '?',
        confirm: 'Yes, delete', action: () => remove(full(f)) })
      : '');
    const headers = [['Name'], ['Type'], ['Size', true], ['Modified']].concat(admin ? [['Action']] : []);
    const files = table('files-table', null, headers, answer.files.map((f, i) => [name(f), f.type,
      f.type === 'directory' ? '' : bytes(f.size),
      f.modified ? el('time', { datetime: f.modified, text: formatTime(f.modified) }) : '–'].concat(admin ? [action(f, i)] : [])));
    files.querySelectorAll('tbody tr').forEach((tr, i) => tr.setAttribute('data-file', full(answer.files[i])));
    container.replaceChildren(files);
    if (answer.truncated) container.append(el('p', { class: 'hint', text: 'The list is cut at the server\'s ops.files.max_entries.' }));
  }

  registerPage('debug', { label: 'Debug', permission: 'OPS:READ', render: debugPage });
  registerPage('files', { label: 'Files', permission: 'OPS:READ', render: filesPage });
})();
