// Ed25519 signature verification (RFC 8032 §5.1.7) for browsers without
// Ed25519 in WebCrypto: a port to JavaScript BigInt of the reference
// implementation in RFC 8032 §6 (Copyright (c) 2017 IETF Trust and the
// persons identified as authors of the code; Simplified BSD License,
// https://trustee.ietf.org/license-info). SHA-512 comes from WebCrypto.
// Verification only, on public data: it need not be constant-time.
(function (root) {
  "use strict";
  var p = (1n << 255n) - 19n;
  var q = (1n << 252n) + 27742317777372353535851937790883648493n;
  function mod(a, m) { var r = a % m; return r < 0n ? r + m : r; }
  function pow(b, e, m) {
    var r = 1n; b = mod(b, m);
    while (e > 0n) { if (e & 1n) { r = r * b % m; } b = b * b % m; e >>= 1n; }
    return r;
  }
  function inv(x) { return pow(x, p - 2n, p); }
  var d = mod(-121665n * inv(121666n), p);
  var sqrtM1 = pow(2n, (p - 1n) / 4n, p);
  function add(P, Q) {
    var A = mod((P[1] - P[0]) * (Q[1] - Q[0]), p), B = mod((P[1] + P[0]) * (Q[1] + Q[0]), p);
    var C = mod(2n * P[3] * Q[3] * d, p), D = mod(2n * P[2] * Q[2], p);
    var E = B - A, F = D - C, G = D + C, H = B + A;
    return [mod(E * F, p), mod(G * H, p), mod(F * G, p), mod(E * H, p)];
  }
  function mul(s, P) {
    var Q = [0n, 1n, 1n, 0n];
    while (s > 0n) { if (s & 1n) { Q = add(Q, P); } P = add(P, P); s >>= 1n; }
    return Q;
  }
  function equal(P, Q) {
    return mod(P[0] * Q[2] - Q[0] * P[2], p) === 0n && mod(P[1] * Q[2] - Q[1] * P[2], p) === 0n;
  }
  function recoverX(y, sign) {
    if (y >= p) { return null; }
    var x2 = mod((y * y - 1n) * inv(d * y * y + 1n), p);
    if (x2 === 0n) { return sign ? null : 0n; }
    var x = pow(x2, (p + 3n) / 8n, p);
    if (mod(x * x - x2, p) !== 0n) { x = x * sqrtM1 % p; }
    if (mod(x * x - x2, p) !== 0n) { return null; }
    if (Number(x & 1n) !== sign) { x = p - x; }
    return x;
  }
  function le(bytes) {
    var n = 0n;
    for (var i = bytes.length - 1; i >= 0; i--) { n = (n << 8n) | BigInt(bytes[i]); }
    return n;
  }
  function decompress(s) {
    if (s.length !== 32) { return null; }
    var y = le(s), sign = Number(y >> 255n);
    y &= (1n << 255n) - 1n;
    var x = recoverX(y, sign);
    return x === null ? null : [x, y, 1n, x * y % p];
  }
  var gy = 4n * inv(5n) % p, gx = recoverX(gy, 0), G = [gx, gy, 1n, gx * gy % p];

  // verify reports whether sig (64 bytes) is pub's (32 bytes) signature of msg.
  async function verify(pub, sig, msg) {
    if (pub.length !== 32 || sig.length !== 64) { return false; }
    var A = decompress(pub), R = decompress(sig.slice(0, 32));
    if (!A || !R) { return false; }
    var s = le(sig.slice(32));
    if (s >= q) { return false; }
    var buf = new Uint8Array(64 + msg.length);
    buf.set(sig.slice(0, 32), 0); buf.set(pub, 32); buf.set(msg, 64);
    var h = mod(le(new Uint8Array(await crypto.subtle.digest("SHA-512", buf))), q);
    return equal(mul(s, G), add(R, mul(h, A)));
  }
  root.qingdanEd25519 = { verify: verify };
})(typeof window !== "undefined" ? window : globalThis);
