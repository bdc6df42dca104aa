// In-browser verification of a ledger entry (qingdan).
//
// It trusts nothing the page says: it fetches the entry, its inclusion
// proof and the signed checkpoint, recomputes the entry's leaf hash and
// the Merkle root with WebCrypto SHA-256 (RFC 6962 / RFC 9162 §2.1.3.2),
// compares it with the checkpoint's root, and checks the checkpoint's
// Ed25519 signature (a C2SP signed note) against the published verifier
// key with WebCrypto Ed25519. Each step and its result is shown.
(function () {
  "use strict";
  var box = document.getElementById("verify");
  if (!box) { return; }
  var msg = function (k) { return box.getAttribute("data-msg-" + k) || k; };
  var stepsEl = document.getElementById("verify-steps");
  var resultEl = document.getElementById("verify-result");
  var input = document.getElementById("verify-input");

  function b64(s) {
    var bin = atob(s.trim()), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }
  function tob64(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s);
  }
  function concat() {
    var n = 0, i, parts = arguments;
    for (i = 0; i < parts.length; i++) { n += parts[i].length; }
    var out = new Uint8Array(n), off = 0;
    for (i = 0; i < parts.length; i++) { out.set(parts[i], off); off += parts[i].length; }
    return out;
  }
  function sha256(bytes) {
    return crypto.subtle.digest("SHA-256", bytes).then(function (d) { return new Uint8Array(d); });
  }
  function equal(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }
  var enc = new TextEncoder();

  function step(ok, title, detail) {
    var li = document.createElement("li");
    li.className = ok === true ? "ok" : (ok === false ? "fail" : "");
    var strong = document.createElement("strong");
    strong.textContent = (ok === true ? "✓ " : (ok === false ? "✗ " : "… ")) + title;
    li.appendChild(strong);
    if (detail) {
      var p = document.createElement("div");
      p.className = "hash";
      p.textContent = detail;
      li.appendChild(p);
    }
    stepsEl.appendChild(li);
    return ok;
  }
  function finish(ok, why) {
    resultEl.className = "result " + (ok ? "ok" : "fail");
    resultEl.textContent = ok ? msg("ok") : msg("fail") + (why ? "：" + why : "");
    resultEl.setAttribute("data-verified", ok ? "true" : "false");
  }

  // rootFromProof: RFC 9162 §2.1.3.2, with plain arithmetic so that
  // indexes beyond 2^31 work.
  async function rootFromProof(leaf, index, size, path) {
    if (index >= size) { throw new Error("index " + index + " ≥ size " + size); }
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < path.length; i++) {
      if (sn === 0) { throw new Error("proof too long"); }
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(concat([1], path[i], r));
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await sha256(concat([1], r, path[i]));
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    if (sn !== 0) { throw new Error("proof too short"); }
    return r;
  }

  // parseNote splits a signed note into its text and signature lines.
  function parseNote(note) {
    var cut = note.indexOf("\n\n");
    if (cut < 0) { throw new Error("no signature block"); }
    var text = note.slice(0, cut + 1), lines = text.split("\n");
    var sigs = note.slice(cut + 2).split("\n").filter(function (l) { return l.indexOf("\u2014 ") === 0; });
    return { text: text, origin: lines[0], size: parseInt(lines[1], 10), root: lines[2], sigs: sigs };
  }

  async function checkSignature(cp, vkey) {
    // name+hash+key: the base64 key may itself contain "+"
    var plus1 = vkey.indexOf("+"), plus2 = vkey.indexOf("+", plus1 + 1);
    if (plus1 <= 0 || plus2 < 0) { throw new Error("bad verifier key"); }
    var name = vkey.slice(0, plus1), keyBytes = b64(vkey.slice(plus2 + 1));
    if (keyBytes[0] !== 1 || keyBytes.length !== 33) { throw new Error("not an Ed25519 key"); }
    var pub = keyBytes.slice(1);
    var khash = (await sha256(concat(enc.encode(name + "\n"), keyBytes))).slice(0, 4);
    var sig = null;
    cp.sigs.forEach(function (l) {
      var rest = l.slice(2), sp = rest.lastIndexOf(" ");
      var who = rest.slice(0, sp), raw = b64(rest.slice(sp + 1));
      if (who === name && equal(raw.slice(0, 4), khash)) { sig = raw.slice(4); }
    });
    if (!sig) { return { ok: false, detail: "no signature by " + name }; }
    var key;
    try {
      key = await crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      return { ok: null, detail: msg("noed") };
    }
    var ok = await crypto.subtle.verify({ name: "Ed25519" }, key, sig, enc.encode(cp.text));
    return { ok: ok, detail: name };
  }

  // check verifies a bundle {index, body, receipt, key: {origin, verifier_key}}.
  async function check(bundle) {
    stepsEl.textContent = "";
    resultEl.textContent = "";
    var receipt = bundle.receipt, cp;
    try { cp = parseNote(receipt.checkpoint); } catch (e) {
      step(false, msg("sig"), e.message);
      return finish(false, msg("sig"));
    }
    // 1. the entry's bytes hash to the leaf hash.
    var leaf = await sha256(concat([0], b64(bundle.body)));
    var want = b64(receipt.leaf_hash);
    if (!step(equal(leaf, want), msg("leaf"), msg("computed") + " " + tob64(leaf) + " · " + msg("expected") + " " + receipt.leaf_hash)) {
      return finish(false, msg("leaf"));
    }
    // 2. the inclusion proof leads from the leaf to a root.
    var root;
    try {
      root = await rootFromProof(leaf, receipt.index, cp.size, receipt.inclusion.map(b64));
    } catch (e) {
      step(false, msg("path"), e.message);
      return finish(false, msg("path"));
    }
    step(true, msg("path"), receipt.inclusion.length + " × SHA-256 · " + msg("computed") + " " + tob64(root));
    // 3. that root is the checkpoint's root.
    if (!step(tob64(root) === cp.root, msg("root"), msg("computed") + " " + tob64(root) + " · " + msg("expected") + " " + cp.root + " (size " + cp.size + ")")) {
      return finish(false, msg("root"));
    }
    // 4. the checkpoint is signed by the published key, for this log.
    if (!step(cp.origin === bundle.key.origin, msg("origin"), cp.origin)) {
      return finish(false, msg("origin"));
    }
    var sig;
    try { sig = await checkSignature(cp, bundle.key.verifier_key); } catch (e) { sig = { ok: false, detail: e.message }; }
    step(sig.ok, msg("sig"), sig.detail + " · " + bundle.key.verifier_key);
    if (sig.ok !== true) { return finish(false, msg("sig")); }
    finish(true);
  }

  function fetchJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  async function fetchAndCheck() {
    var index = box.getAttribute("data-index");
    try {
      var res = await Promise.all([fetchJSON("/api/v1/ledger/entries/" + index), fetchJSON("/api/v1/ledger/key")]);
      var bundle = { index: res[0].index, body: res[0].body, receipt: res[0].receipt, key: res[1] };
      input.value = JSON.stringify(bundle, null, 2);
      await check(bundle);
    } catch (e) {
      stepsEl.textContent = "";
      step(false, msg("fetch"), e.message);
      finish(false, msg("fetch"));
    }
  }

  async function checkEdited() {
    var bundle;
    try { bundle = JSON.parse(input.value); } catch (e) {
      stepsEl.textContent = "";
      step(false, msg("fetch"), e.message);
      return finish(false, msg("fetch"));
    }
    try { await check(bundle); } catch (e) {
      step(false, msg("fail"), e.message);
      finish(false, e.message);
    }
  }

  document.getElementById("verify-button").addEventListener("click", fetchAndCheck);
  document.getElementById("verify-edited").addEventListener("click", checkEdited);
})();
