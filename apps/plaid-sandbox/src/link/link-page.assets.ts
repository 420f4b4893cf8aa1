// The emulator's Link page (see link-page.controller.ts). Plain HTML and a script file: no build step, no
// inline script, so it also runs under a strict CSP.
export const LINK_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Link (Plaid sandbox emulator)</title>
<style>
  body { font: 16px/1.45 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #16191d; }
  main { max-width: 26rem; margin: 0 auto; padding: 1.5rem 1rem; }
  h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
  p.note { color: #4a5260; font-size: .875rem; margin: 0 0 1rem; }
  label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
  input { box-sizing: border-box; width: 100%; padding: .6rem; font: inherit; border: 1px solid #8a93a1; border-radius: 6px; }
  ul { list-style: none; padding: 0; margin: .5rem 0; max-height: 16rem; overflow: auto; }
  li button { width: 100%; text-align: left; background: #fff; border: 1px solid #d5d9df; border-radius: 6px; padding: .6rem; margin-bottom: .35rem; font: inherit; cursor: pointer; }
  .actions { display: flex; gap: .5rem; margin-top: 1rem; }
  .primary { background: #0b5cd5; color: #fff; border: 0; border-radius: 6px; padding: .6rem 1rem; font: inherit; cursor: pointer; }
  .secondary { background: #fff; color: #16191d; border: 1px solid #8a93a1; border-radius: 6px; padding: .6rem 1rem; font: inherit; cursor: pointer; }
  button:focus-visible, input:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
  [role=alert] { background: #fdecec; color: #8a1010; border-radius: 6px; padding: .6rem; margin-top: 1rem; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<main>
  <h1 id="title">Connect a bank</h1>
  <p class="note">Plaid sandbox emulator. Try <code>user_good</code> / <code>pass_good</code>, an <code>error_&lt;CODE&gt;</code> password or <code>user_transactions_dynamic</code>.</p>
  <section id="pick">
    <label for="search">Search institutions</label>
    <input id="search" type="search" autocomplete="off">
    <ul id="institutions" aria-label="Institutions"></ul>
  </section>
  <form id="credentials" hidden>
    <p id="chosen"></p>
    <label for="username">Username</label>
    <input id="username" name="username" autocomplete="off" value="user_good" required>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="off" value="pass_good" required>
    <div class="actions">
      <button class="primary" type="submit">Submit</button>
      <button class="secondary" type="button" id="back">Back</button>
    </div>
  </form>
  <div id="error" role="alert" hidden></div>
  <div class="actions"><button class="secondary" type="button" id="exit">Exit</button></div>
</main>
<script src="/link/link-page.js"></script>
</body>
</html>
`;

export const LINK_PAGE_SCRIPT = `'use strict';
(function () {
  var params = new URLSearchParams(location.search);
  var token = params.get('token') || '';
  var origin = params.get('origin') || '';
  var update = params.get('update') === '1';
  var institution = null;
  var sessionId = 'link-session-' + Math.random().toString(16).slice(2);
  var $ = function (id) { return document.getElementById(id); };

  function post(message) {
    message.source = 'plaid-sandbox-link';
    if (window.opener && origin) window.opener.postMessage(message, origin);
    window.close();
  }
  function metadata() {
    return { institution: institution, link_session_id: sessionId };
  }
  function showError(text) {
    $('error').textContent = text;
    $('error').hidden = false;
  }
  function choose(inst) {
    institution = inst;
    $('pick').hidden = true;
    $('credentials').hidden = false;
    $('chosen').textContent = inst ? 'Log in to ' + inst.name : 'Log in again to repair this connection';
    $('username').focus();
  }
  function render(list) {
    var q = $('search').value.trim().toLowerCase();
    var ul = $('institutions');
    ul.textContent = '';
    list.filter(function (i) { return i.name.toLowerCase().indexOf(q) !== -1; }).forEach(function (inst) {
      var li = document.createElement('li');
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = inst.name;
      b.addEventListener('click', function () { choose({ institution_id: inst.institution_id, name: inst.name }); });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  $('exit').addEventListener('click', function () { post({ event: 'exit', error: null, metadata: metadata() }); });
  $('back').addEventListener('click', function () {
    if (update) return post({ event: 'exit', error: null, metadata: metadata() });
    $('credentials').hidden = true;
    $('pick').hidden = false;
    $('search').focus();
  });
  $('credentials').addEventListener('submit', function (e) {
    e.preventDefault();
    $('error').hidden = true;
    fetch('/sandbox-control/link/complete', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        link_token: token,
        institution_id: institution ? institution.institution_id : undefined,
        username: $('username').value,
        password: $('password').value,
      }),
    })
      .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
      .then(function (r) {
        if (r.ok) return post({ event: 'success', publicToken: r.body.public_token, metadata: metadata() });
        showError(r.body.display_message || r.body.error_message || r.body.error_code || 'Something went wrong');
        if (r.body.error_code === 'INVALID_LINK_TOKEN') post({ event: 'exit', error: r.body, metadata: metadata() });
      })
      .catch(function () { showError('The emulator did not answer'); });
  });

  if (update) {
    $('title').textContent = 'Reconnect your bank';
    choose(null);
  } else {
    fetch('/link/institutions')
      .then(function (res) { return res.json(); })
      .then(function (body) {
        render(body.institutions);
        $('search').addEventListener('input', function () { render(body.institutions); });
        $('search').focus();
      });
  }
})();
`;
