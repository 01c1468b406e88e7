// Job page: live results over Server-Sent Events, one block per host in the terminal panel.
// Text from hosts is only ever set with textContent.
(function () {
  'use strict';
  var job = document.getElementById('job');
  if (!job) { return; }
  var jobId = job.getAttribute('data-job');
  var terminal = document.getElementById('terminal');
  var progress = document.getElementById('progress');
  var state = document.getElementById('state');
  var blocks = {};

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function block(event) {
    var existing = blocks[event.lanIp];
    if (existing) { return existing; }
    var root = element('div', 'host');
    var head = element('div', 'host-head');
    head.appendChild(element('span', 'host-name', event.hostName + ' (' + event.lanIp + ')'));
    var status = element('span', 'host-status running', 'queued');
    head.appendChild(status);
    root.appendChild(head);
    var output = element('pre', 'host-output');
    root.appendChild(output);
    // newest host first, as the original panel did
    terminal.insertBefore(root, terminal.firstChild);
    blocks[event.lanIp] = { root: root, status: status, output: output };
    return blocks[event.lanIp];
  }

  function onHost(event) {
    var b = block(event);
    switch (event.kind) {
      case 'QUEUED':
        b.status.textContent = 'queued';
        break;
      case 'STARTED':
        b.status.textContent = 'running';
        break;
      case 'STDOUT':
        b.output.appendChild(element('span', 'stdout', event.text || ''));
        break;
      case 'STDERR':
        b.output.appendChild(element('span', 'stderr', event.text || ''));
        break;
      case 'FINISHED':
        var ok = event.status === 'SUCCESS';
        var text = ok ? 'success' : 'failure';
        if (event.failureReason) { text += ': ' + event.failureReason; }
        if (event.exitCode !== undefined) { text += ' · exit ' + event.exitCode; }
        if (event.durationMillis !== undefined) { text += ' · ' + (event.durationMillis / 1000).toFixed(1) + ' s'; }
        b.status.textContent = text;
        b.status.className = 'host-status ' + (ok ? 'success' : 'failure');
        if (event.failureMessage) {
          b.output.appendChild(element('span', 'failure-message', event.failureMessage + '\n'));
        }
        break;
    }
  }

  var source = new EventSource('/jobs/' + encodeURIComponent(jobId) + '/events');
  source.addEventListener('host', function (message) {
    state.textContent = 'running…';
    onHost(JSON.parse(message.data));
  });
  source.addEventListener('progress', function (message) {
    var p = JSON.parse(message.data);
    progress.textContent = p.done + '/' + p.total;
  });
  source.addEventListener('done', function (message) {
    var p = JSON.parse(message.data);
    progress.textContent = p.done + '/' + p.total;
    state.textContent = 'finished';
    source.close();
    jobEnded();
  });

  // The page was rendered while the job ran: once it has ended, Cancel becomes Retry (same form, same CSRF field).
  function jobEnded() {
    var status = document.getElementById('status');
    if (status) {
      // the status read when the page was rendered is stale now; 'finished' says it
      var separator = status.nextSibling;
      status.remove();
      if (separator && separator.nodeType === Node.TEXT_NODE) { separator.remove(); }
    }
    var form = document.getElementById('cancel-form');
    if (!form) { return; }
    form.setAttribute('action', '/jobs/' + jobId + '/retry');
    form.querySelector('button').textContent = 'Retry failed and unreachable hosts';
  }
  source.addEventListener('failure', function (message) {
    var f = JSON.parse(message.data);
    state.textContent = f.message;
    if (f.final) { source.close(); }
  });
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) {
      state.textContent = 'connection to the gateway lost; reload the page to resume';
    } else {
      state.textContent = 'reconnecting…';
    }
  };
}());
