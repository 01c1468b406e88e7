// Job page: the run view. Host events arrive over Server-Sent Events and are folded into one record per host;
// the page is redrawn at most once per animation frame, however many events came in between. The host table is
// windowed: only the rows in view exist in the DOM, taken from a small pool of row elements and repositioned, so
// 10,000 hosts cost as much to draw as 30. Text from hosts is only ever set with textContent.
(function () {
  'use strict';
  var job = document.getElementById('job');
  if (!job) { return; }
  var jobId = job.getAttribute('data-job');
  var base = '/jobs/' + encodeURIComponent(jobId);
  var ROW_HEIGHT = 26;          // px, fixed: a row's position is its index times this (style.css .hostrow)
  var OVERSCAN = 8;             // rows drawn above and below the viewport, so fast scrolling shows no gaps
  var HEAD_CHARS = 4096;        // characters of each stream kept per host in the page (the rest is read on demand)
  var STATES = ['success', 'failed', 'skipped', 'running', 'queued'];

  var el = {
    state: document.getElementById('state'),
    status: document.getElementById('status'),
    progress: document.getElementById('progress'),
    bar: document.getElementById('progress-bar'),
    counts: document.getElementById('counts'),
    filterState: document.getElementById('filter-state'),
    filterHost: document.getElementById('filter-host'),
    filterOutput: document.getElementById('filter-output'),
    matching: document.getElementById('matching'),
    viewHosts: document.getElementById('view-hosts'),
    viewGroups: document.getElementById('view-groups'),
    tablePanel: document.getElementById('host-table'),
    viewport: document.getElementById('host-viewport'),
    spacer: document.getElementById('host-spacer'),
    groups: document.getElementById('groups'),
    detail: document.getElementById('host-detail')
  };

  // ---- the model: one record per host, in the order the hosts were first seen (the master queues in target order)
  var hosts = [];
  var byIp = Object.create(null);
  var counts = { success: 0, failed: 0, skipped: 0, running: 0, queued: 0 };
  var total = parseInt(job.getAttribute('data-hosts'), 10) || 0;
  var ended = false;
  var masterGroups = null;      // the master's exact groups, read once the job has ended
  var serverMatches = null;     // lanIp set from the master's output search (null: filter in the page)
  var stats = window.__omsStats = { events: 0, frames: 0, lastEventAt: 0, lastRenderAt: 0, allShownAt: 0, renderedDone: 0, rows: 0, total: total };

  function now() { return performance.timeOrigin + performance.now(); }

  function record(event) {
    var host = byIp[event.lanIp];
    if (!host) {
      host = { ip: event.lanIp, name: event.hostName, state: 'queued', exit: null, reason: '', message: '', duration: null,
        out: '', err: '', outChars: 0, errChars: 0 };
      byIp[event.lanIp] = host;
      hosts.push(host);
      counts.queued++;
      if (hosts.length > total) { total = hosts.length; }
      filterDirty = true;
    }
    return host;
  }

  function move(host, state) {
    if (host.state === state) { return; }
    counts[host.state]--;
    counts[state]++;
    host.state = state;
    filterDirty = true;
  }

  function apply(event) {
    var host = record(event);
    switch (event.kind) {
      case 'QUEUED': break;
      case 'STARTED': move(host, 'running'); break;
      case 'STDOUT':
        host.outChars += (event.text || '').length;
        if (host.out.length < HEAD_CHARS) { host.out += (event.text || '').slice(0, HEAD_CHARS - host.out.length); }
        break;
      case 'STDERR':
        host.errChars += (event.text || '').length;
        if (host.err.length < HEAD_CHARS) { host.err += (event.text || '').slice(0, HEAD_CHARS - host.err.length); }
        break;
      case 'FINISHED':
        host.exit = event.exitCode === undefined ? null : event.exitCode;
        host.reason = event.failureReason || '';
        host.message = event.failureMessage || '';
        host.duration = event.durationMillis === undefined ? null : event.durationMillis;
        move(host, event.status === 'SUCCESS' ? 'success' : event.status === 'SKIPPED' ? 'skipped' : 'failed');
        break;
    }
    stats.events++;
    stats.lastEventAt = now();
  }

  // ---- filters: the state select, a host text and an output text ----------------------------------------------
  var filterDirty = true;
  var visible = [];             // indexes into hosts of the rows that pass the filters

  function matches(host, state, hostText, outputText) {
    switch (state) {
      case 'failed': if (host.state !== 'failed') { return false; } break;
      case 'unreachable': if (host.reason !== 'UNREACHABLE') { return false; } break;
      case 'all': break;
      default: if (host.state !== state) { return false; }
    }
    if (hostText && host.ip.indexOf(hostText) < 0 && host.name.toLowerCase().indexOf(hostText) < 0) { return false; }
    if (outputText) {
      if (serverMatches) { return serverMatches.has(host.ip); }
      return host.out.indexOf(outputText) >= 0 || host.err.indexOf(outputText) >= 0 || host.message.indexOf(outputText) >= 0;
    }
    return true;
  }

  function refilter() {
    var state = el.filterState.value;
    var hostText = el.filterHost.value.trim().toLowerCase();
    var outputText = el.filterOutput.value;
    visible = [];
    for (var i = 0; i < hosts.length; i++) {
      if (matches(hosts[i], state, hostText, outputText)) { visible.push(i); }
    }
    filterDirty = false;
  }

  // A host's page copy holds the first HEAD_CHARS of each stream; when any host has more, the output filter asks
  // the master, which searches the whole output (debounced, and only once the text stopped changing).
  var searchTimer = 0;
  function outputFilterChanged() {
    serverMatches = null;
    filterDirty = true;
    schedule();
    clearTimeout(searchTimer);
    var text = el.filterOutput.value;
    var clipped = hosts.some(function (h) { return h.outChars > h.out.length || h.errChars > h.err.length; });
    if (!text || !clipped) { return; }
    searchTimer = setTimeout(function () {
      getJson(base + '/matches.json?contains=' + encodeURIComponent(text)).then(function (reply) {
        if (el.filterOutput.value !== text) { return; }
        serverMatches = new Set(reply.lanIps);
        filterDirty = true;
        schedule();
      }, function (problem) { el.matching.textContent = problem.message; });
    }, 400);
  }

  // ---- drawing, at most once per animation frame ----------------------------------------------------------------
  var framePending = false;
  function schedule() {
    if (!framePending) {
      framePending = true;
      requestAnimationFrame(draw);
    }
  }

  function draw() {
    framePending = false;
    if (filterDirty) { refilter(); }
    drawProgress();
    if (el.viewGroups.getAttribute('aria-pressed') === 'true') { drawGroups(); } else { drawRows(); }
    stats.frames++;
    stats.lastRenderAt = now();
    stats.renderedDone = counts.success + counts.failed + counts.skipped;
    stats.total = total;
    // the first frame that showed every host finished (the browser benchmark compares it with the master's end time)
    if (!stats.allShownAt && total > 0 && stats.renderedDone === total) { stats.allShownAt = stats.lastRenderAt; }
  }

  function drawProgress() {
    var done = counts.success + counts.failed + counts.skipped;
    el.progress.textContent = done + '/' + total;
    STATES.forEach(function (state) {
      var segment = el.bar.querySelector('.seg-' + state);
      segment.style.width = total ? (counts[state] * 100 / total) + '%' : '0';
      el.counts.querySelector('.count-' + state).textContent = String(counts[state]);
    });
    el.matching.textContent = visible.length === hosts.length ? hosts.length + ' hosts' : visible.length + ' of ' + hosts.length + ' hosts match';
  }

  // the row pool: enough rows for the viewport plus overscan, reused as the window moves
  var pool = [];
  function row() {
    var r = document.createElement('div');
    r.className = 'hostrow';
    r.setAttribute('role', 'row');
    r.cells = ['cell-host', 'cell-state', 'cell-exit', 'cell-duration', 'cell-output'].map(function (name) {
      var c = document.createElement('span');
      c.className = 'cell ' + name;
      r.appendChild(c);
      return c;
    });
    r.addEventListener('click', function () { if (r.host) { openHost(r.host); } });
    el.spacer.appendChild(r);
    pool.push(r);
    return r;
  }

  function drawRows() {
    el.spacer.style.height = (visible.length * ROW_HEIGHT) + 'px';
    var height = el.viewport.clientHeight || 600;
    var first = Math.max(0, Math.floor(el.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    var last = Math.min(visible.length, Math.ceil((el.viewport.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    var needed = last - first;
    while (pool.length < needed) { row(); }
    for (var i = 0; i < pool.length; i++) {
      var r = pool[i];
      if (i >= needed) {
        if (!r.hidden) { r.hidden = true; r.host = null; }
        continue;
      }
      var index = first + i;
      var host = hosts[visible[index]];
      r.hidden = false;
      r.host = host;
      r.style.transform = 'translateY(' + (index * ROW_HEIGHT) + 'px)';
      fillRow(r, host);
    }
    stats.rows = el.spacer.querySelectorAll('.hostrow:not([hidden])').length;
  }

  function fillRow(r, host) {
    var c = r.cells;
    set(c[0], host.name + ' (' + host.ip + ')');
    set(c[1], host.state + (host.reason && host.reason !== 'NON_ZERO_EXIT' ? ': ' + host.reason : ''));
    set(c[2], host.exit === null ? '' : 'exit ' + host.exit);
    set(c[3], host.duration === null ? '' : (host.duration / 1000).toFixed(1) + ' s');
    set(c[4], firstLine(host.out || host.err || host.message));
    var className = 'hostrow state-' + host.state + (selected === host ? ' selected' : '');
    if (r.className !== className) { r.className = className; }
  }

  function set(cell, text) { if (cell.textContent !== text) { cell.textContent = text; } }

  function firstLine(text) {
    var end = text.indexOf('\n');
    return (end < 0 ? text : text.slice(0, end)).slice(0, 200);
  }

  // ---- identical outputs merged (like clush -b) ---------------------------------------------------------------
  // While the job runs the page groups finished hosts by exit code and the output it holds; once it has ended, the
  // master's groups (exact over whole outputs) replace them.
  var MAX_GROUPS_SHOWN = 100;
  var MAX_GROUP_HOSTS_SHOWN = 200;

  function liveGroups() {
    var byKey = new Map();
    visible.forEach(function (index) {
      var h = hosts[index];
      if (h.state === 'queued' || h.state === 'running') { return; }
      var key = h.state + '\u0000' + h.exit + '\u0000' + h.reason + '\u0000' + h.out + '\u0000' + h.err
          + '\u0000' + h.outChars + '\u0000' + h.errChars;
      var group = byKey.get(key);
      if (!group) {
        group = { exit: h.exit, state: h.state, reason: h.reason, stdout: h.out, stderr: h.err || h.message, lanIps: [], hostCount: 0,
          headTruncated: h.outChars > h.out.length || h.errChars > h.err.length };
        byKey.set(key, group);
      }
      group.hostCount++;
      group.lanIps.push(h.ip);
    });
    return Array.from(byKey.values()).sort(function (a, b) { return b.hostCount - a.hostCount; });
  }

  function drawGroups() {
    var exact = masterGroups !== null && !filterActive();
    var groups = exact ? masterGroups : liveGroups();
    clear(el.groups);
    el.groups.appendChild(text('p', 'help', exact ? 'Identical results (exit code, stdout and stderr), from the master.'
        : ended ? 'Identical results among the hosts that match the filters.'
        : 'Identical results so far (the job is still running).'));
    groups.slice(0, MAX_GROUPS_SHOWN).forEach(function (g) {
      var box = text('div', 'group');
      var head = text('div', 'group-head');
      head.appendChild(text('span', 'group-count', g.hostCount + (g.hostCount === 1 ? ' host' : ' hosts')));
      var state = g.state || (g.exitCode === 0 ? 'success' : 'failed');
      var exit = g.exitCode !== undefined ? g.exitCode : g.exit;
      head.appendChild(text('span', 'group-state state-' + state,
          (g.reason && g.reason !== 'NON_ZERO_EXIT' ? g.reason : exit === null || exit === undefined ? state : 'exit ' + exit)));
      box.appendChild(head);
      var shown = g.lanIps.slice(0, MAX_GROUP_HOSTS_SHOWN);
      var more = g.hostCount - shown.length;
      box.appendChild(text('p', 'group-hosts', shown.join(', ') + (more > 0 ? ' … and ' + more + ' more' : '')));
      var stdout = g.stdoutHead !== undefined ? g.stdoutHead : g.stdout;
      var stderr = g.stderrHead !== undefined ? g.stderrHead : g.stderr;
      if (stdout) { box.appendChild(text('pre', 'stdout', stdout)); }
      if (stderr) { box.appendChild(text('pre', 'stderr', stderr)); }
      if (g.headTruncated) {
        var link = text('button', 'link', 'The output is longer: show it in full');
        link.type = 'button';
        link.addEventListener('click', function () { openHost(byIp[g.lanIps[0]] || { ip: g.lanIps[0], name: '' }); });
        box.appendChild(link);
      }
      el.groups.appendChild(box);
    });
    if (groups.length > MAX_GROUPS_SHOWN) {
      el.groups.appendChild(text('p', 'help', (groups.length - MAX_GROUPS_SHOWN) + ' smaller groups are not shown; filter to narrow.'));
    }
    if (!groups.length) { el.groups.appendChild(text('p', 'help', 'No finished host matches yet.')); }
  }

  function filterActive() {
    return el.filterState.value !== 'all' || el.filterHost.value.trim() !== '' || el.filterOutput.value !== '';
  }

  function text(tag, className, content) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (content !== undefined) { e.textContent = content; }
    return e;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  // ---- one host's whole output, on demand, stdout and stderr apart, paged ---------------------------------------
  var selected = null;
  function openHost(host) {
    selected = host;
    schedule();
    var d = el.detail;
    d.hidden = false;
    d.querySelector('.detail-host').textContent = (host.name ? host.name + ' ' : '') + '(' + host.ip + ')';
    d.querySelector('.detail-status').textContent = '';
    var out = d.querySelector('.detail-stdout');
    var err = d.querySelector('.detail-stderr');
    clear(out);
    clear(err);
    var more = d.querySelector('.detail-more');
    var offsets = { stdout: 0, stderr: 0 };
    function load() {
      more.disabled = true;
      var url = base + '/output.json?ip=' + encodeURIComponent(host.ip) + '&stdoutOffset=' + offsets.stdout + '&stderrOffset=' + offsets.stderr;
      getJson(url).then(function (reply) {
        if (selected !== host) { return; }
        out.appendChild(document.createTextNode(reply.stdout));
        err.appendChild(document.createTextNode(reply.stderr));
        offsets.stdout = reply.nextStdoutOffset;
        offsets.stderr = reply.nextStderrOffset;
        var h = reply.host;
        var status = h.state.toLowerCase() + (h.failureReason ? ': ' + h.failureReason : '') + (h.exitCode !== undefined ? ' · exit ' + h.exitCode : '')
            + (h.durationMillis !== undefined ? ' · ' + (h.durationMillis / 1000).toFixed(1) + ' s' : '')
            + (h.message ? ' · ' + h.message : '')
            + (h.truncated ? ' · output cut at ' + reply.outputCapBytes + ' bytes by the master' : '');
        d.querySelector('.detail-status').textContent = status;
        d.querySelector('.detail-stdout-empty').hidden = out.textContent !== '' || !reply.stdoutEnd;
        d.querySelector('.detail-stderr-empty').hidden = err.textContent !== '' || !reply.stderrEnd;
        out.hidden = out.textContent === '';
        err.hidden = err.textContent === '';
        var end = reply.stdoutEnd && reply.stderrEnd;
        more.hidden = end;
        more.disabled = false;
        d.querySelector('.detail-position').textContent = end ? '' : 'shown: ' + offsets.stdout + ' of ' + h.stdoutChars
            + ' stdout and ' + offsets.stderr + ' of ' + h.stderrChars + ' stderr characters';
      }, function (problem) {
        if (selected !== host) { return; }
        d.querySelector('.detail-status').textContent = problem.message;
        more.disabled = false;
      });
    }
    more.onclick = load;
    load();
    d.scrollIntoView({ block: 'nearest' });
  }

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (response) {
      return response.json().catch(function () { return { message: 'the gateway answered ' + response.status }; }).then(function (body) {
        if (!response.ok) { throw { message: body.message || ('the gateway answered ' + response.status) }; }
        return body;
      });
    }, function () { throw { message: 'the gateway is unreachable; try again' }; });
  }

  // ---- the job's status, from the master, when the stream ends -------------------------------------------------
  function readStatus(attempt) {
    getJson(base + '/summary.json?groups=true').then(function (summary) {
      // the last events can arrive a moment before the job row leaves RUNNING
      if (summary.status === 'RUNNING' && attempt < 10) {
        setTimeout(function () { readStatus(attempt + 1); }, 300);
        return;
      }
      showStatus(summary.status, summary.stopReason);
      masterGroups = summary.groups || null;
      schedule();
    }, function (problem) { el.state.textContent = 'finished (' + problem.message + ')'; });
  }

  function showStatus(status, reason) {
    var words = { FINISHED: 'finished', CANCELLED: 'cancelled', INTERRUPTED: 'interrupted: the master stopped before every host finished',
      STOPPED: 'stopped', RUNNING: 'running' };
    el.state.textContent = (words[status] || status.toLowerCase()) + (reason ? ': ' + reason : '');
    el.state.className = 'status-' + status.toLowerCase();
  }

  // The page was rendered while the job ran: once it has ended, Cancel becomes Retry (same form, same CSRF field).
  function jobEnded() {
    ended = true;
    if (el.status) {
      el.status.remove();
      el.status = null;
    }
    var form = document.getElementById('cancel-form');
    if (form) {
      form.setAttribute('action', base + '/retry');
      form.querySelector('button').textContent = 'Retry failed and unreachable hosts';
    }
    readStatus(0);
  }

  // ---- wiring -------------------------------------------------------------------------------------------------
  el.filterState.addEventListener('change', function () { filterDirty = true; el.viewport.scrollTop = 0; schedule(); });
  el.filterHost.addEventListener('input', function () { filterDirty = true; el.viewport.scrollTop = 0; schedule(); });
  el.filterOutput.addEventListener('input', function () { el.viewport.scrollTop = 0; outputFilterChanged(); });
  el.viewport.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', schedule);
  function view(groups) {
    el.viewGroups.setAttribute('aria-pressed', String(groups));
    el.viewHosts.setAttribute('aria-pressed', String(!groups));
    el.tablePanel.hidden = groups;
    el.groups.hidden = !groups;
    schedule();
  }
  el.viewHosts.addEventListener('click', function () { view(false); });
  el.viewGroups.addEventListener('click', function () { view(true); });
  document.getElementById('detail-close').addEventListener('click', function () {
    el.detail.hidden = true;
    selected = null;
    schedule();
  });

  // Each event's seq must follow the previous one: a gap or a repeat would mean the stream lost or duplicated
  // something. Both are counted (window.__omsStats) so tests can prove there are none, and a repeat is not applied.
  stats.lastSeq = 0;
  stats.gaps = 0;
  stats.duplicates = 0;
  stats.reconnects = 0;
  var source = null;
  var runningShown = false;     // whether #state says running… (a failure or reconnect message replaces it)
  function connect(cursor) {
    source = new EventSource(base + '/events' + (cursor ? '?cursor=' + cursor : ''));
    source.addEventListener('host', function (message) {
      var event = JSON.parse(message.data);
      if (event.seq <= stats.lastSeq) { stats.duplicates++; return; }
      if (event.seq !== stats.lastSeq + 1) { stats.gaps++; }
      stats.lastSeq = event.seq;
      // a flag, not a read of the DOM: this runs for every one of a job's events (40,000 for 10,000 hosts)
      if (!ended && !runningShown) { el.state.textContent = 'running…'; el.state.className = ''; runningShown = true; }
      apply(event);
      schedule();
    });
    source.addEventListener('progress', function (message) {
      var p = JSON.parse(message.data);
      if (p.total > total) { total = p.total; schedule(); }
    });
    source.addEventListener('done', function (message) {
      var p = JSON.parse(message.data);
      if (p.total > total) { total = p.total; }
      source.close();
      el.state.textContent = 'finished';
      schedule();
      jobEnded();
    });
    source.addEventListener('failure', function (message) {
      var f = JSON.parse(message.data);
      el.state.textContent = f.message;
      runningShown = false;
      if (f.final) { source.close(); }
    });
    source.onerror = function () {
      if (ended) { return; }
      runningShown = false;
      el.state.textContent = source.readyState === EventSource.CLOSED
          ? 'connection to the gateway lost; reload the page to resume' : 'reconnecting…';
    };
  }
  connect(0);
  // Test hook: drop the stream and open a new one from the last event seen, as a browser reconnecting with
  // Last-Event-ID does (the gateway treats ?cursor= and Last-Event-ID the same).
  stats.reconnect = function () {
    if (ended) { return false; }
    source.close();
    stats.reconnects++;
    connect(stats.lastSeq);
    return true;
  };
  schedule();
}());
