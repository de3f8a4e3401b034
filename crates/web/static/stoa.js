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

  // (c2) The reaction picker: "+🙂" under a post opens the page's one set
  //      of choices (<template id="reaction-options">) in a small form of
  //      its own; without this script the link opens a page with the same
  //      buttons. A reaction the reader gave is offered as taking it back.
  function closePicker(focusLink) {
    var open = document.querySelector('form.reaction-popover');
    if (!open) return null;
    var link = open.previousElementSibling;
    open.remove();
    if (link) {
      link.setAttribute('aria-expanded', 'false');
      if (focusLink) link.focus();
    }
    return link;
  }
  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var link = target && target.closest('a[data-reaction-picker]');
    var inside = target && target.closest('form.reaction-popover');
    if (inside) return;
    var wasOpen = closePicker(false);
    if (!link) return;
    event.preventDefault();
    if (wasOpen === link) return;
    var choices = document.getElementById('reaction-options');
    var token = document.querySelector('input[name="_csrf"]');
    if (!choices || !token) { window.location.href = link.href; return; }
    var form = document.createElement('form');
    form.method = 'post';
    form.action = link.href;
    form.className = 'reaction-popover';
    var csrf = document.createElement('input');
    csrf.type = 'hidden';
    csrf.name = '_csrf';
    csrf.value = token.value;
    form.appendChild(csrf);
    form.appendChild(choices.content.cloneNode(true));
    var given = link.closest('.reactions');
    form.querySelectorAll('button[data-kind]').forEach(function (button) {
      var kind = button.getAttribute('data-kind');
      if (given && given.querySelector('button[aria-pressed="true"][value="' + kind + ':off"]')) {
        button.value = kind + ':off';
        button.setAttribute('aria-pressed', 'true');
        button.classList.add('is-mine');
      }
    });
    link.insertAdjacentElement('afterend', form);
    link.setAttribute('aria-expanded', 'true');
    var first = form.querySelector('button');
    if (first) first.focus();
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') closePicker(true);
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
  // Times the server wrote in UTC are shown in the browser's zone
  // (data-local="time": only the time of day).
  document.querySelectorAll('time[data-local]').forEach(function (el) {
    var at = new Date(el.getAttribute('datetime'));
    if (isNaN(at.getTime())) return;
    var lang = document.documentElement.lang || undefined;
    var options = el.dataset.local === 'time'
      ? { hour: '2-digit', minute: '2-digit' }
      : { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' };
    try { el.textContent = at.toLocaleString(lang, options); } catch (e) { /* keep the UTC text */ }
  });

  // (h) Live updates over one WebSocket: an open thread says when new
  // replies arrive, and the bell counts unread notifications. Reconnects
  // resume from the last event seen.
  // A space's thread list does the same for new threads and replies.
  // A chat room (i) shows messages, edits, deletions, who is here and who
  // is typing as they happen.
  var thread = document.querySelector('[data-live-thread], [data-live-space]');
  var bell = document.querySelector('.notifications-link');
  var chat = document.querySelector('[data-live-chat]');
  if ((thread || bell || chat) && 'WebSocket' in window) {
    var topics = {};
    if (thread && thread.hasAttribute('data-live-thread')) topics['thread:' + thread.getAttribute('data-live-thread')] = null;
    if (thread && thread.hasAttribute('data-live-space')) topics['space:' + thread.getAttribute('data-live-space')] = null;
    if (bell) topics.notifications = null;
    var room = chat ? chatRoom(chat) : null;
    if (room) topics[room.topic] = Number(chat.getAttribute('data-live-since'));
    var delay = 2000;
    var connect = function () {
      var socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/live');
      socket.onopen = function () {
        delay = 2000;
        if (room) room.socket = socket;
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
        if (room && message.topic === room.topic) {
          if (message.type === 'chat') topics[room.topic] = message.seq;
          if (message.type === 'refused') delete topics[room.topic];
          if (message.type === 'reset') { location.reload(); return; }
          room.receive(message);
        }
      };
      socket.onclose = function () {
        if (room) room.socket = null;
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

  // (i) A chat room: renders what the socket says, and sends the form
  // through the API (Enter sends, Shift+Enter is a new line). Message
  // bodies arrive as HTML the server sanitized when they were written.
  function chatRoom(list) {
    var form = document.querySelector('[data-chat-form]');
    var text = form ? form.querySelector('textarea') : null;
    var error = form ? form.querySelector('[data-chat-error]') : null;
    var csrf = form ? form.querySelector('input[name=_csrf]') : null;
    var typingLine = document.querySelector('[data-chat-typing]');
    var presenceList = document.querySelector('[data-chat-presence]');
    var presenceCount = document.querySelector('[data-chat-count]');
    var slug = list.getAttribute('data-slug');
    var me = list.getAttribute('data-me');
    var moderator = list.hasAttribute('data-moderator');
    var typers = {};
    var lastTyped = 0;
    var self = { topic: list.getAttribute('data-live-chat'), socket: null };
    var say = function (key) { return list.getAttribute('data-' + key) || ''; };

    // The log scrolls in its own box in an event's live room, with the page
    // on the chat page.
    var boxed = window.getComputedStyle(list).overflowY === 'auto';
    var nearBottom = function () {
      if (boxed) return list.scrollTop + list.clientHeight >= list.scrollHeight - 80;
      return window.innerHeight + window.scrollY >= document.body.scrollHeight - 120;
    };
    var toBottom = function () {
      if (boxed) list.scrollTop = list.scrollHeight;
      else window.scrollTo(0, document.body.scrollHeight);
    };
    var avatar = function (username) {
      var img = document.createElement('img');
      img.className = 'avatar avatar-sm';
      img.src = '/u/' + encodeURIComponent(username) + '/avatar';
      img.alt = '';
      return img;
    };
    var render = function (m) {
      var li = document.createElement('li');
      li.id = 'm-' + m.id;
      li.setAttribute('data-author', m.author.username);
      li.className = 'chat-message' + (m.author.username === me && !m.deleted ? ' mine' : '') + (m.deleted ? ' deleted' : '');
      li.appendChild(avatar(m.author.username));
      var body = document.createElement('div');
      body.className = 'chat-body';
      var meta = document.createElement('div');
      meta.className = 'meta chat-meta';
      var who = document.createElement('a');
      who.href = '/u/' + encodeURIComponent(m.author.username);
      who.textContent = m.author.display_name;
      var when = document.createElement('time');
      var at = new Date(m.created_at);
      when.dateTime = at.toISOString();
      when.textContent = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      meta.appendChild(who);
      meta.appendChild(document.createTextNode(' · '));
      meta.appendChild(when);
      if (m.edited_at && !m.deleted) {
        var edited = document.createElement('span');
        edited.className = 'edited';
        edited.textContent = say('edited');
        meta.appendChild(document.createTextNode(' · '));
        meta.appendChild(edited);
      }
      var mine = m.author.username === me;
      if (!m.deleted && (mine || moderator)) {
        var actions = document.createElement('span');
        actions.className = 'chat-actions';
        if (mine) {
          var edit = document.createElement('a');
          edit.href = '/s/' + slug + '/chat/' + m.id + '/edit';
          edit.textContent = say('edit');
          actions.appendChild(edit);
        }
        var del = document.createElement('form');
        del.method = 'post';
        del.action = '/s/' + slug + '/chat/' + m.id + '/delete';
        del.setAttribute('data-confirm', say('confirm-delete'));
        var token = document.createElement('input');
        token.type = 'hidden';
        token.name = '_csrf';
        token.value = csrf ? csrf.value : '';
        var button = document.createElement('button');
        button.type = 'submit';
        button.className = 'link-button';
        button.textContent = say('delete');
        del.appendChild(token);
        del.appendChild(button);
        actions.appendChild(del);
        meta.appendChild(actions);
      }
      body.appendChild(meta);
      if (m.deleted) {
        var gone = document.createElement('p');
        gone.className = 'chat-text';
        gone.textContent = say('deleted');
        body.appendChild(gone);
      } else {
        var words = document.createElement('div');
        words.className = 'chat-text prose';
        words.innerHTML = m.body_html;
        body.appendChild(words);
      }
      li.appendChild(body);
      return li;
    };
    var show = function (m, fresh) {
      var existing = document.getElementById('m-' + m.id);
      var item = render(m);
      if (existing) {
        existing.replaceWith(item);
        return;
      }
      var follow = nearBottom();
      var empty = document.querySelector('[data-chat-empty]');
      if (empty) empty.remove();
      if (fresh) item.classList.add('is-new');
      list.appendChild(item);
      if (follow || m.author.username === me) toBottom();
      delete typers[m.author.username];
      showTypers();
    };
    var showTypers = function () {
      if (!typingLine) return;
      var names = Object.keys(typers).map(function (k) { return typers[k].name; });
      typingLine.textContent = names.length ? say('typing').replace('{names}', names.join(', ')) : '';
    };
    var showPresence = function (people, count) {
      if (presenceCount) {
        var template = presenceCount.getAttribute('data-' + (count === 0 ? 'zero' : count === 1 ? 'one' : 'other')) || '';
        presenceCount.textContent = template.replace('1000000', String(count));
      }
      if (!presenceList) return;
      presenceList.textContent = '';
      people.forEach(function (p) {
        var li = document.createElement('li');
        li.title = p.display_name;
        li.appendChild(avatar(p.username));
        var name = document.createElement('span');
        name.className = 'visually-hidden';
        name.textContent = p.display_name;
        li.appendChild(name);
        presenceList.appendChild(li);
      });
    };
    self.receive = function (message) {
      if (message.type === 'chat') show(message.message, message.action === 'posted');
      if (message.type === 'presence') showPresence(message.people, message.count);
      if (message.type === 'typing' && message.person.username !== me) {
        var name = message.person.username;
        if (typers[name]) clearTimeout(typers[name].timer);
        typers[name] = {
          name: message.person.display_name,
          timer: setTimeout(function () { delete typers[name]; showTypers(); }, 4000)
        };
        showTypers();
      }
      if (message.type === 'refused') {
        if (form) form.remove();
        var notice = document.createElement('p');
        notice.className = 'notice';
        notice.setAttribute('role', 'status');
        notice.textContent = say('gone');
        list.parentNode.insertBefore(notice, list.nextSibling);
      }
    };
    if (text) {
      text.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event('submit', { cancelable: true }));
        }
      });
      text.addEventListener('input', function () {
        var now = Date.now();
        if (self.socket && self.socket.readyState === 1 && now - lastTyped > 2500 && text.value.trim()) {
          lastTyped = now;
          self.socket.send(JSON.stringify({ type: 'typing', topic: self.topic }));
        }
      });
    }
    if (form) {
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        var words = text.value;
        if (!words.trim()) return;
        if (error) error.textContent = '';
        fetch('/api/v1/spaces/' + slug + '/chat', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf ? csrf.value : '' },
          body: JSON.stringify({ body: words })
        }).then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        }).then(function (result) {
          if (!result.ok) throw new Error(result.body && result.body.error ? result.body.error.message : 'not sent');
          if (text.value === words) text.value = '';
          var m = result.body;
          show({
            id: m.id, body_html: m.body_html, created_at: m.created_at, edited_at: m.edited_at, deleted: m.deleted,
            author: { username: m.author_username, display_name: m.author_display_name }
          }, true);
          text.focus();
        }).catch(function (e) {
          if (error) error.textContent = e.message;
        });
      });
    }
    if (boxed || !location.hash) toBottom();
    return self;
  }
})();
