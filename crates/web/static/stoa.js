// Stoa: small progressive enhancements. Every page works without this file.
(function () {
  'use strict';

  // (a) Forms with data-confirm ask before they submit.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // (b) Read-only copy fields select their whole value on focus or click.
  function selectCopyField(event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.classList.contains('copy-field')) input.select();
  }
  document.addEventListener('focusin', selectCopyField);
  document.addEventListener('click', selectCopyField);

  // (c) An open <details class="menu"> closes on an outside click or Escape.
  function openMenus() {
    return Array.prototype.slice.call(document.querySelectorAll('details.menu[open]'));
  }
  document.addEventListener('click', function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    openMenus().forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) {
        var summary = menu.querySelector('summary');
        if (summary) summary.focus();
      }
    });
  });

  // (d) Upload forms next to an editor (data-insert-into="<textarea id>")
  //     upload through the API and insert the file's Markdown at the cursor,
  //     instead of leaving the page. Without this script they post normally.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-insert-into')) return;
    var target = document.getElementById(form.getAttribute('data-insert-into'));
    var input = form.querySelector('input[type=file]');
    if (!target || !input || !input.files || !input.files.length) return;
    event.preventDefault();
    var status = form.querySelector('[data-upload-status]');
    var action = new URL(form.action, window.location.href);
    var csrf = action.searchParams.get('_csrf') || '';
    var data = new FormData();
    data.append('file', input.files[0]);
    if (status) status.textContent = '…';
    fetch('/api/v1' + action.pathname.replace(/^\/s\//, '/spaces/'), {
      method: 'POST', body: data, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) throw new Error(result.body && result.body.error ? result.body.error.message : 'upload failed');
      var text = result.body.markdown;
      var start = target.selectionStart || target.value.length;
      var end = target.selectionEnd || start;
      target.value = target.value.slice(0, start) + text + target.value.slice(end);
      target.focus();
      target.selectionStart = target.selectionEnd = start + text.length;
      input.value = '';
      if (status) status.textContent = result.body.name + ' ✓';
    }).catch(function (error) {
      if (status) status.textContent = error.message;
    });
  });
})();

// Times are typed in the browser's own time zone: each datetime-local field
// sends the zone's offset at its date in a hidden field, named by its
// data-tz attribute or marked data-tz-offset (without JavaScript the server
// reads the time as UTC, and the form says so).
(function () {
  'use strict';
  function fill(input) {
    var form = input.form;
    if (!form) return;
    var offset = input.dataset.tz
      ? form.querySelector('input[name="' + input.dataset.tz + '"]')
      : form.querySelector('[data-tz-offset]');
    if (!offset) return;
    var at = input.value ? new Date(input.value) : new Date();
    offset.value = String(isNaN(at.getTime()) ? new Date().getTimezoneOffset() : at.getTimezoneOffset());
  }
  // A time the server filled in (in UTC) is shown in the browser's zone.
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  document.querySelectorAll('input[type=datetime-local][data-utc-ms]').forEach(function (input) {
    var at = new Date(Number(input.dataset.utcMs));
    if (isNaN(at.getTime())) return;
    input.value = at.getFullYear() + '-' + pad(at.getMonth() + 1) + '-' + pad(at.getDate()) + 'T' +
      pad(at.getHours()) + ':' + pad(at.getMinutes());
  });
  document.querySelectorAll('input[type=datetime-local]').forEach(function (input) {
    fill(input);
    input.addEventListener('change', function () { fill(input); });
  });

  // (h) Live updates over one WebSocket: an open thread says when new
  // replies arrive, and the bell counts unread notifications. Reconnects
  // resume from the last event seen.
  // A space's thread list does the same for new threads and replies.
  var thread = document.querySelector('[data-live-thread], [data-live-space]');
  var bell = document.querySelector('.notifications-link');
  if ((thread || bell) && 'WebSocket' in window) {
    var topics = {};
    if (thread && thread.hasAttribute('data-live-thread')) topics['thread:' + thread.getAttribute('data-live-thread')] = null;
    if (thread && thread.hasAttribute('data-live-space')) topics['space:' + thread.getAttribute('data-live-space')] = null;
    if (bell) topics.notifications = null;
    var delay = 2000;
    var connect = function () {
      var socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/live');
      socket.onopen = function () {
        delay = 2000;
        Object.keys(topics).forEach(function (topic) {
          var message = { type: 'subscribe', topic: topic };
          if (topics[topic] !== null) message.since = topics[topic];
          socket.send(JSON.stringify(message));
        });
      };
      socket.onmessage = function (event) {
        var message;
        try { message = JSON.parse(event.data); } catch (e) { return; }
        if (message.type === 'subscribed' && topics[message.topic] === null) topics[message.topic] = message.seq;
        if (message.type === 'event') {
          topics[message.topic] = message.seq;
          if (thread && (message.kind === 'post.created' || message.kind === 'thread.created')) showNewReplies();
        }
        if (message.type === 'unread' && bell) showUnread(message.count);
      };
      socket.onclose = function () {
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      };
    };
    var showNewReplies = function () {
      if (document.querySelector('.live-notice')) return;
      var notice = document.createElement('p');
      notice.className = 'notice live-notice';
      notice.setAttribute('role', 'status');
      var link = document.createElement('a');
      link.href = location.pathname + location.search;
      link.textContent = thread.getAttribute('data-live-new');
      notice.appendChild(link);
      thread.parentNode.insertBefore(notice, thread.nextSibling);
    };
    var showUnread = function (count) {
      var badge = bell.querySelector('.count');
      if (count > 0 && !badge) {
        badge = document.createElement('span');
        badge.className = 'count';
        badge.setAttribute('aria-hidden', 'true');
        bell.appendChild(badge);
      }
      if (badge) {
        if (count > 0) badge.textContent = count > 99 ? '99+' : String(count);
        else badge.remove();
      }
    };
    connect();
  }
})();
