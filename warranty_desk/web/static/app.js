/* 保修台 手机端: keeps what is typed, photographed and signed in this phone's own storage (IndexedDB)
   until the office has it. Every submission carries a random key: the server applies a key once, so a
   resend after a lost answer never doubles anything. The words shown come from the page (#wd-text). */
(function () {
  'use strict';
  var T = JSON.parse(document.getElementById('wd-text').textContent);
  var CSRF = (document.getElementById('wd-csrf') || {}).value || '';
  var DB_NAME = 'baoxiutai-phone';
  var MAX_SIDE = 1600;
  var sending = false;
  var sendAgain = false;  // asked to send while a round was under way: look at the outbox once more
  var retryTimer = null;

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function noop() {}
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function shortTime(d) {  // as the pages show times: 12-07 17:55
    return pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  function localIso(d) {
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' +
      pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function newKey() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
  }

  // --- storage: IndexedDB (photos are Blobs; localStorage could not hold them) -------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () {
          req.result.createObjectStore('outbox', { keyPath: 'key' });
          req.result.createObjectStore('drafts', { keyPath: 'id' });
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function store(name, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction(name, mode);
        var req = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(req ? req.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function put(name, value) { return store(name, 'readwrite', function (s) { return s.put(value); }); }
  function get(name, key) { return store(name, 'readonly', function (s) { return s.get(key); }); }
  function del(name, key) { return store(name, 'readwrite', function (s) { return s.delete(key); }); }
  function all(name) { return store(name, 'readonly', function (s) { return s.getAll(); }); }

  // --- the outbox -----------------------------------------------------------------------------
  function recordOf(item) { return (item.kind === 'visit' ? 'visit-' : 'ticket-') + item.record; }

  function queue(item) {
    item.key = newKey();
    item.state = 'unsent';
    item.created = Date.now();
    item.csrf = CSRF;
    return put('outbox', item).then(function () { render(); send(); return item; });
  }

  // One round at a time. A call during a round (a new submission, the network back) is not dropped:
  // the round looks at the outbox once more when it ends, so nothing queued waits for a timer.
  function send() {
    if (sending) { sendAgain = true; return; }
    sending = true;
    sendAgain = false;
    all('outbox').then(function (items) {
      var next = items.filter(function (i) { return i.state === 'unsent'; })
        .sort(function (a, b) { return a.created - b.created; })[0];
      if (!next) {
        sending = false;
        if (sendAgain) send(); else render();
        return;
      }
      return post(next).then(function (again) {
        sending = false;
        render();
        if (again || sendAgain) send(); else schedule();
      });
    }).catch(function () { sending = false; schedule(); });
  }

  function schedule() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, 5000);
  }

  function post(item) {
    var fd = new FormData();
    fd.append('csrf', item.csrf || CSRF);
    fd.append('key', item.key);
    fd.append('kind', item.kind);
    fd.append('record_id', item.record);
    if (item.version !== undefined && item.version !== null) fd.append('expected_version', item.version);
    fd.append('audit_mark', item.mark || 0);
    fd.append('fields', JSON.stringify(item.fields || {}));
    (item.photos || []).forEach(function (blob, n) { fd.append('photo', blob, 'photo-' + (n + 1) + '.jpg'); });
    if (item.signature) fd.append('signature', item.signature, 'signature.png');
    setStatus(T.sending, false);
    return fetch('/submit', { method: 'POST', body: fd, credentials: 'same-origin' }).then(function (r) {
      return r.json().catch(function () { return { message: T.server_error }; }).then(function (body) {
        if (r.status === 200) return done(item, body);
        if (r.status >= 500) { item.message = T.server_error; return put('outbox', item).then(function () { return false; }); }
        item.state = r.status === 409 ? 'conflict' : 'refused';
        item.message = body.message || '';
        item.office = body.office || null;
        return put('outbox', item).then(function () { return true; });
      });
    }, function () {
      item.message = T.offline;  // no network: kept unsent, tried again later
      return put('outbox', item).then(function () { return false; });
    });
  }

  function done(item, body) {
    // this page's forms of the same record now start from the version the phone itself made
    Array.prototype.forEach.call(document.querySelectorAll('[data-version]'), function (e) {
      var same = (e.getAttribute('data-kind') === 'visit' ? 'visit-' : 'ticket-') + e.getAttribute('data-record');
      if (same === recordOf(item) && parseInt(e.getAttribute('data-version'), 10) === item.version) {
        e.setAttribute('data-version', body.version);
        if (body.audit_mark) e.setAttribute('data-mark', body.audit_mark);
      }
    });
    item.state = 'sent';
    item.message = body.message || '';
    item.sentAt = Date.now();
    item.duplicate = !!body.duplicate;  // answered from the record: it had arrived before
    showRecordState(recordOf(item), body);
    item.photoCount = (item.photos || []).length;
    item.hasSignature = !!item.signature;
    item.photos = [];  // the office has them now: free the phone's storage
    item.signature = null;
    return put('outbox', item).then(function () {
      // the phone's own later submissions of this record were based on the version before this one
      return all('outbox');
    }).then(function (items) {
      var updates = items.filter(function (o) {
        return o.state === 'unsent' && recordOf(o) === recordOf(item) && o.version === item.version;
      }).map(function (o) { o.version = body.version; return put('outbox', o); });
      var sent = items.filter(function (o) { return o.state === 'sent'; }).sort(function (a, b) { return b.sentAt - a.sentAt; });
      sent.slice(10).forEach(function (o) { updates.push(del('outbox', o.key)); });
      return Promise.all(updates).then(function () { return true; });
    });
  }

  // the page of this record: its state as the office now has it; what the phone can no longer do, hidden
  function showRecordState(record, body) {
    Array.prototype.forEach.call(document.querySelectorAll('[data-state-of="' + record + '"]'), function (e) {
      if (body.state_name) e.textContent = body.state_name;
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-due-of="' + record + '"]'), function (e) {
      if (body.due_text === undefined) return;
      e.textContent = body.due_text;
      e.hidden = !body.due_text;
      e.classList.remove('late');
    });
    if (body.finished) {
      Array.prototype.forEach.call(document.querySelectorAll('[data-done-hides="' + record + '"]'), function (e) {
        e.hidden = true;
      });
    }
  }

  function setStatus(text, ok) {
    var s = document.getElementById('wd-status');
    if (!s) return;
    s.hidden = !text;
    s.textContent = text || '';
    s.className = 'status' + (ok ? ' ok' : '');
  }

  function render() {
    return all('outbox').then(function (items) {
      var waiting = items.filter(function (i) { return i.state === 'unsent'; }).length;
      var stuck = items.filter(function (i) { return i.state === 'conflict' || i.state === 'refused'; }).length;
      if (waiting) setStatus(fmt(T.n_unsent, { n: waiting }), false);
      else if (stuck) setStatus(T.conflict, false);
      else setStatus(items.length ? T.all_sent : '', true);
      var box = document.getElementById('wd-outbox');
      if (!box) return;
      var only = box.getAttribute('data-record');
      box.textContent = '';
      var reloadOffered = {};  // one reload link per record: on its newest sent card
      items.sort(function (a, b) { return b.created - a.created; }).forEach(function (item) {
        if (only && recordOf(item) !== only) return;
        if (!only && item.state === 'sent' && box.hasAttribute('data-all') && location.pathname === '/') return;
        var offer = item.state === 'sent' && !reloadOffered[recordOf(item)];
        if (offer) reloadOffered[recordOf(item)] = true;
        box.appendChild(card(item, offer));
      });
    });
  }

  function card(item, offerReload) {
    var names = { unsent: T.unsent, sent: T.sent, conflict: T.conflict, refused: T.refused };
    var c = el('section', 'card ob ' + item.state);
    c.setAttribute('data-key', item.key);
    var head = el('p');
    head.appendChild(el('span', 'st', names[item.state] || item.state));
    head.appendChild(document.createTextNode(' · ' + (item.label || '') + ' · ' + shortTime(new Date(item.created))));
    c.appendChild(head);
    if (item.message) c.appendChild(el('p', item.state === 'sent' ? 'hint' : 'error', item.message));
    if (item.state === 'conflict' && item.office) {
      var cols = el('div', 'cols');
      var office = el('div');
      office.appendChild(el('h3', '', T.office));
      item.office.rows.forEach(function (r) { office.appendChild(el('p', '', fmt(T.pair, { label: r[0], value: r[1] || T.none }))); });
      if (item.office.changes.length) office.appendChild(el('h3', '', T.changed_by));
      item.office.changes.forEach(function (ch) {
        office.appendChild(el('p', '', fmt(T.pair, { label: ch.at + ' ' + ch.user, value: ch.note })));
      });
      var mine = el('div');
      mine.appendChild(el('h3', '', T.mine));
      summary(item).forEach(function (line) { mine.appendChild(el('p', '', line)); });
      cols.appendChild(office);
      cols.appendChild(mine);
      c.appendChild(cols);
      var again = el('button', 'primary', T.resend);
      again.type = 'button';
      again.onclick = function () {
        item.version = item.office.version;
        item.mark = item.office.audit_mark;
        item.office = null;
        item.message = '';
        del('outbox', item.key).then(function () { return queue(item); });
      };
      c.appendChild(again);
    }
    if (item.state === 'refused' && item.draftId && document.querySelector('[data-draft="' + item.draftId + '"]')) {
      var edit = el('button', 'primary', T.edit);
      edit.type = 'button';
      edit.onclick = function () {
        put('drafts', { id: item.draftId, values: item.values || {}, photos: item.photos || [], signature: item.signature,
          costs: item.costs || [] })
          .then(function () { return del('outbox', item.key); }).then(function () { location.reload(); });
      };
      c.appendChild(edit);
    }
    if (item.state !== 'sent') {
      var drop = el('button', '', T.discard);
      drop.type = 'button';
      drop.onclick = function () { if (confirm(T.discard_ask)) del('outbox', item.key).then(render); };
      c.appendChild(drop);
    } else if (offerReload && document.querySelector('[data-record="' + recordOf(item) + '"]')) {
      var reload = el('a', 'button', T.reload);
      reload.href = location.pathname;
      c.appendChild(reload);
    }
    return c;
  }

  // the phone's input as the crew entered it: each field's label and the value as it was shown
  function summary(item) {
    if (item.summary) {
      return item.summary.map(function (r) { return r[0] ? fmt(T.pair, { label: r[0], value: r[1] }) : r[1]; })
        .concat(attachedLines(item));
    }
    var lines = [];  // kept by an older page: its values as they are
    var f = item.fields || {};
    Object.keys(f).forEach(function (k) {
      var v = f[k];
      if (v === '' || v === null || v === undefined || k === 'answers' || k === 'costs' || k === 'template_id') return;
      lines.push(v);
    });
    return lines.concat(attachedLines(item));
  }
  function attachedLines(item) {
    var lines = [];
    var photos = item.photos ? item.photos.length : item.photoCount;
    if (photos) lines.push(fmt(T.photos, { n: photos }));
    if (item.signature || item.hasSignature) lines.push(T.signature);
    return lines;
  }

  function ownText(node) {  // a label's own words, without the text of the controls inside it
    return Array.prototype.filter.call(node.childNodes, function (c) { return c.nodeType === 3; })
      .map(function (c) { return c.textContent; }).join('').replace(/\s+/g, ' ').trim();
  }
  function chosenText(e) {
    if (e.tagName === 'SELECT') return e.selectedIndex >= 0 ? e.options[e.selectedIndex].text : e.value;
    if (e.type === 'radio') return ownText(e.closest('label') || e);
    return e.value;
  }
  // [label, value] rows of what the form holds, in its own words (the office's language)
  function describe(form) {
    var rows = [], seen = {};
    Array.prototype.forEach.call(form.elements, function (e) {
      if (!e.name || e.type === 'hidden' || e.type === 'file' || e.closest('.cost') || e.closest('[hidden]')) return;
      if (e.type === 'radio') {
        if (seen[e.name]) return;
        seen[e.name] = true;
        var chosen = form.querySelector('input[name="' + e.name + '"]:checked');
        var legend = e.closest('fieldset') && e.closest('fieldset').querySelector('legend');
        if (chosen) rows.push([legend ? legend.textContent.trim() : '', chosenText(chosen)]);
        return;
      }
      var value = chosenText(e).trim();
      if (!value) return;
      var label = e.closest('label');
      var legend = !label && e.closest('fieldset') && e.closest('fieldset').querySelector('legend');
      rows.push([label ? ownText(label) : (legend ? legend.textContent.trim() : ''), value]);
    });
    Array.prototype.forEach.call(form.querySelectorAll('.cost'), function (row) {
      function v(name) { var e = row.querySelector('[name="' + name + '"]'); return e ? chosenText(e).trim() : ''; }
      if (!v('description') && !v('unit_price')) return;
      rows.push(['', fmt(T.cost_line, { kind: v('kind'), what: v('description'), quantity: v('quantity') || '1',
                                         price: v('unit_price') || '?', bearer: v('borne_by') })]);
    });
    var arrived = form.querySelector('input[name=arrived_at]');
    if (arrived && arrived.value) rows.unshift(['', fmt(T.arrived, { at: shortTime(new Date(arrived.value)) })]);
    return rows;
  }

  // --- photos: compressed on the phone before they are kept or sent ------------------------------
  function compress(file, maxBytes) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
        var c = document.createElement('canvas');
        c.width = Math.max(1, Math.round(img.naturalWidth * scale));
        c.height = Math.max(1, Math.round(img.naturalHeight * scale));
        c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
        URL.revokeObjectURL(url);
        c.toBlob(function (blob) {
          if (!blob) reject(new Error(T.not_image));
          else if (blob.size > maxBytes) reject(new Error(T.too_big));
          else resolve(blob);
        }, 'image/jpeg', 0.82);
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error(T.not_image)); };
      img.src = url;
    });
  }

  // --- the signature pad -------------------------------------------------------------------------
  function signaturePad(canvas, onChange) {
    var ctx, drawing = false, drawn = false;
    function size() {
      var ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(canvas.clientWidth * ratio);
      canvas.height = Math.round(canvas.clientHeight * ratio);
      ctx = canvas.getContext('2d');
      ctx.scale(ratio, ratio);
      ctx.lineWidth = 2.5;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.strokeStyle = '#111';
    }
    function point(e) {
      var r = canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    }
    size();
    canvas.addEventListener('pointerdown', function (e) {
      drawing = true;
      canvas.setPointerCapture(e.pointerId);
      var p = point(e);
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
      ctx.lineTo(p[0] + 0.1, p[1] + 0.1);
      ctx.stroke();
    });
    canvas.addEventListener('pointermove', function (e) {
      if (!drawing) return;
      var p = point(e);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      drawn = true;
    });
    var pending = Promise.resolve();
    function end() {
      if (!drawing) return;
      drawing = false;
      drawn = true;
      // the stroke's picture is made asynchronously: a submit right after signing waits for it
      pending = new Promise(function (resolve) {
        canvas.toBlob(function (b) { onChange(b); resolve(); }, 'image/png');
      });
    }
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    return {
      clear: function () { ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; onChange(null); },
      show: function (blob) {
        if (!blob) return;
        var img = new Image();
        var url = URL.createObjectURL(blob);
        img.onload = function () { ctx.drawImage(img, 0, 0, canvas.clientWidth, canvas.clientHeight); URL.revokeObjectURL(url); drawn = true; };
        img.src = url;
      },
      drawn: function () { return drawn; },
      settled: function () { return pending; }
    };
  }

  // --- a form kept as a draft -----------------------------------------------------------------------
  function setupForm(form) {
    var draftId = form.getAttribute('data-draft');
    var maxBytes = parseInt(form.getAttribute('data-max-bytes'), 10) || 20971520;
    var draft = { id: draftId, values: {}, photos: [], signature: null, costs: [] };
    var previews = document.getElementById('photo-previews');
    var costRows = document.getElementById('cost-rows');
    var pad = null;
    var saveTimer = null;
    var state = document.getElementById('draft-state');
    var photoWork = Promise.resolve();  // photos still being compressed: a submit waits for them
    var submitting = false;

    function values() {
      var out = {};
      Array.prototype.forEach.call(form.elements, function (e) {
        if (!e.name || e.closest('.cost') || e.type === 'file') return;
        if (e.type === 'radio') { if (e.checked) out[e.name] = e.value; else if (!(e.name in out)) out[e.name] = ''; }
        else out[e.name] = e.value;
      });
      return out;
    }
    function costs() {
      if (!costRows) return [];
      return Array.prototype.map.call(costRows.querySelectorAll('.cost'), function (row) {
        var line = {};
        Array.prototype.forEach.call(row.querySelectorAll('[name]'), function (e) { line[e.name] = e.value; });
        return line;
      });
    }
    function saveNow() {
      clearTimeout(saveTimer);
      draft.values = values();
      draft.costs = costs();
      return put('drafts', draft).then(function () { if (state) state.textContent = T.saved_locally; });
    }
    // typing is kept a quarter second after the last key; a choice, a photo or a stroke at once
    function save(now) {
      clearTimeout(saveTimer);
      if (now === true) saveNow(); else saveTimer = setTimeout(saveNow, 250);
    }
    function addCost(line) {
      var row = document.getElementById('cost-row').content.firstElementChild.cloneNode(true);
      Object.keys(line || {}).forEach(function (k) { var e = row.querySelector('[name="' + k + '"]'); if (e) e.value = line[k]; });
      row.querySelector('.remove').onclick = function () { row.remove(); save(true); };
      costRows.appendChild(row);
    }
    function showPhotos() {
      if (!previews) return;
      previews.textContent = '';
      draft.photos.forEach(function (blob, n) {
        var box = el('span', 'thumb');
        var img = el('img');
        img.src = URL.createObjectURL(blob);
        var x = el('button', '', '✕');
        x.type = 'button';
        x.setAttribute('aria-label', T.remove);
        x.onclick = function () { draft.photos.splice(n, 1); showPhotos(); save(true); };
        box.appendChild(img);
        box.appendChild(x);
        previews.appendChild(box);
      });
    }
    function showOutcome() {
      var chosen = (form.querySelector('input[name=outcome]:checked') || {}).value || '';
      Array.prototype.forEach.call(form.querySelectorAll('[data-show]'), function (f) {
        f.hidden = f.getAttribute('data-show').split(' ').indexOf(chosen) < 0;
      });
    }
    var canvas = document.getElementById('signature');
    if (canvas) pad = signaturePad(canvas, function (blob) { draft.signature = blob; save(true); });
    var clear = document.getElementById('sig-clear');
    if (clear) clear.onclick = function () { pad.clear(); };
    var add = document.getElementById('add-cost');
    if (add) add.onclick = function () { addCost({}); save(); };
    var input = document.getElementById('photo-input');
    if (input) input.onchange = function () {
      var files = Array.prototype.slice.call(input.files);
      input.value = '';
      photoWork = files.reduce(function (p, file) {
        return p.then(function () {
          return compress(file, maxBytes).then(function (blob) { draft.photos.push(blob); }, function (err) { alert(err.message); });
        });
      }, photoWork.then(null, noop)).then(function () { showPhotos(); return saveNow(); });
    };
    form.addEventListener('input', save);
    form.addEventListener('change', function () { showOutcome(); score(form); save(true); });
    window.addEventListener('pagehide', function () { if (saveTimer) saveNow(); });

    var restored = get('drafts', draftId).then(function (saved) {
      if (saved) {
        draft = saved;
        Object.keys(saved.values || {}).forEach(function (name) {
          Array.prototype.forEach.call(form.querySelectorAll('[name="' + name + '"]'), function (e) {
            if (e.closest('.cost')) return;
            if (e.type === 'radio') e.checked = e.value === saved.values[name];
            else e.value = saved.values[name];
          });
        });
        (saved.costs || []).forEach(addCost);
        if (pad && saved.signature) pad.show(saved.signature);
        if (state) state.textContent = T.saved_locally;
      }
      if (costRows && !costRows.children.length) addCost({});
      showPhotos();
      showOutcome();
      score(form);
    });

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (submitting) return;  // a double tap queues it once
      submitting = true;
      clearTimeout(saveTimer);
      Promise.all([photoWork.then(null, noop), pad ? pad.settled() : null]).then(function () { return queueForm(); })
        .then(function () { submitting = false; }, function () { submitting = false; });
    });

    function queueForm() {
      var kind = form.getAttribute('data-kind');
      var fields = values();
      if (kind === 'visit') {
        var answers = {};
        Object.keys(fields).forEach(function (k) {
          if (/^q\d+$/.test(k)) { answers[k.slice(1)] = fields[k]; delete fields[k]; }
        });
        fields.answers = answers;
      } else {
        fields.costs = costs();
      }
      fields.done_at = localIso(new Date());
      var item = {
        kind: kind, record: parseInt(form.getAttribute('data-record'), 10),
        version: parseInt(form.getAttribute('data-version'), 10), mark: parseInt(form.getAttribute('data-mark'), 10),
        label: form.getAttribute('data-label'), fields: fields, photos: draft.photos.slice(), signature: draft.signature,
        draftId: draftId, values: values(), costs: costs(), summary: describe(form)
      };
      // a version already queued by this phone for this record (an arrival) is the base of this one
      return all('outbox').then(function (items) {
        var mine = items.filter(function (o) { return o.state === 'unsent' && recordOf(o) === recordOf(item); });
        if (mine.length) item.version = mine[mine.length - 1].version;
        return queue(item);
      }).then(function () {
        return del('drafts', draftId);
      }).then(function () {
        form.reset();
        draft = { id: draftId, values: {}, photos: [], signature: null, costs: [] };
        if (pad) pad.clear();
        if (costRows) { costRows.textContent = ''; addCost({}); }
        showPhotos();
        showOutcome();
        if (state) state.textContent = '';
        window.scrollTo(0, 0);
      });
    }
    enable(form.querySelectorAll('button[type=submit]'));
    return restored;
  }

  // the buttons that act are disabled in the page until this script has set them up: a tap before
  // the script is ready (a slow network) would otherwise do nothing, or post the form the wrong way
  function enable(buttons) {
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
  }

  // --- the live score of a questionnaire (points and grades come from the server's rules) ----------
  function score(form) {
    var table = document.getElementById('wd-scores');
    var out = document.getElementById('live-score');
    if (!table || !out) return;
    var data = JSON.parse(table.textContent);
    var sum = 0, weights = 0;
    data.questions.forEach(function (q) {
      var chosen = form.querySelector('input[name="q' + q.id + '"]:checked');
      if (!chosen) return;
      var points = q.points[chosen.value];
      if (points === null || points === undefined) return;
      sum += points * q.weight;
      weights += q.weight;
    });
    if (weights <= 0) { out.textContent = T.no_score; return; }
    var value = Math.round(sum / weights * 100) / 100;
    var grade = '';
    for (var i = 0; i < data.grades.length; i++) { if (value >= data.grades[i][0]) { grade = data.grades[i][1]; break; } }
    out.textContent = fmt(T.score, { score: value, grade: grade });
    out.setAttribute('data-score', value);
  }

  // --- arrival: a submission of its own, time-stamped when tapped -----------------------------------
  function setupArrive(button) {
    enable([button]);
    button.onclick = function () {
      var at = new Date();
      var hm = pad(at.getHours()) + ':' + pad(at.getMinutes());
      button.disabled = true;
      queue({
        kind: 'arrive', record: parseInt(button.getAttribute('data-record'), 10),
        version: parseInt(button.getAttribute('data-version'), 10), mark: parseInt(button.getAttribute('data-mark'), 10),
        label: button.getAttribute('data-label'), fields: { at: localIso(at) }, summary: [['', fmt(T.arrived, { at: hm })]]
      }).then(function () {
        button.hidden = true;
        document.getElementById('arrive-state').textContent = fmt(T.arrived, { at: hm });
        var hidden = document.querySelector('#report input[name=arrived_at]');
        if (hidden) { hidden.value = localIso(at); hidden.dispatchEvent(new Event('input', { bubbles: true })); }
      });
    };
  }

  // --- pairing: the code travels in the address's #fragment, never in a request or a log ----------
  function setupPair() {
    var code = document.getElementById('pair-code');
    var m = /[#&]c=([A-Za-z0-9_-]+)/.exec(location.hash);
    if (m && !code.value) code.value = m[1];
    if (location.hash) history.replaceState(null, '', location.pathname);
    var name = document.getElementById('pair-name');
    if (!name.value) {
      var ua = navigator.userAgent;
      var model = /;\s*([^;)]+)\s+Build\//.exec(ua);
      name.value = (model ? model[1] : (/iPhone/.test(ua) ? 'iPhone' : (/Android/.test(ua) ? 'Android' : ''))).slice(0, 40);
    }
  }

  // data-ready on <html>: the page is set up (drafts restored, buttons live); tests wait for it too
  function ready() {
    document.documentElement.setAttribute('data-ready', '1');
    if (window.performance && performance.mark) performance.mark('wd-ready');  // measured on slow networks
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (document.getElementById('pair-form')) { setupPair(); ready(); return; }
    var forms = Array.prototype.map.call(document.querySelectorAll('form[data-draft]'), setupForm);
    var arrive = document.getElementById('arrive');
    if (arrive) setupArrive(arrive);
    window.addEventListener('online', send);
    document.addEventListener('visibilitychange', function () { if (!document.hidden) send(); });
    Promise.all(forms.concat([render()])).then(ready, ready);
    send();
  });
})();
