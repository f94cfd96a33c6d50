// The proof of work of the captcha stage: find a nonce such that the
// SHA-256 of the UTF-8 bytes of challenge followed by nonce has at least
// difficulty leading zero bits. A synchronous SHA-256 that hashes only what
// changes: the challenge's whole 64-byte blocks once, then per nonce the
// last block or two. It is several times faster than crypto.subtle, whose
// every digest is a promise (measured in Debian's chromium, see
// docs/decisions.md). Runs in a Web Worker (pow.worker.ts).

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** Compresses the 64-byte block at offset of bytes into state (in place); w is scratch. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number, w: Int32Array) {
  for (let i = 0; i < 16; i++) {
    const o = offset + i * 4;
    w[i] = (bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** Whether a digest whose first words are h0, h1 has at least difficulty leading zero bits. */
function enough(h0: number, h1: number, difficulty: number): boolean {
  if (difficulty <= 32) return Math.clz32(h0) >= difficulty;
  return h0 === 0 && Math.clz32(h1) >= difficulty - 32;
}

/** SHA-256 of bytes, for tests. */
export function sha256(bytes: Uint8Array): Uint8Array {
  const state = new Int32Array(IV);
  const w = new Int32Array(64);
  const padded = new Uint8Array((((bytes.length + 8) >> 6) + 1) * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const bits = bytes.length * 8;
  const end = padded.length;
  padded[end - 4] = bits >>> 24;
  padded[end - 3] = bits >>> 16;
  padded[end - 2] = bits >>> 8;
  padded[end - 1] = bits;
  padded[end - 5] = Math.floor(bits / 2 ** 32);
  for (let o = 0; o < end; o += 64) compress(state, padded, o, w);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    out[i * 4] = state[i]! >>> 24;
    out[i * 4 + 1] = state[i]! >>> 16;
    out[i * 4 + 2] = state[i]! >>> 8;
    out[i * 4 + 3] = state[i]!;
  }
  return out;
}

/**
 * Finds the first decimal nonce from start on that solves challenge at
 * difficulty, trying at most limit of them; undefined when none did.
 */
export function solve(challenge: string, difficulty: number, start = 0, limit = Number.MAX_SAFE_INTEGER): string | undefined {
  const prefix = new TextEncoder().encode(challenge);
  // The challenge's whole blocks are hashed once.
  const whole = prefix.length - (prefix.length % 64);
  const midstate = new Int32Array(IV);
  const w = new Int32Array(64);
  for (let o = 0; o < whole; o += 64) compress(midstate, prefix, o, w);
  const rest = prefix.subarray(whole);
  // The tail: the rest of the challenge, the nonce's digits, padding.
  const tail = new Uint8Array(192);
  tail.set(rest);
  const state = new Int32Array(8);
  const digits = new Uint8Array(20);
  for (let n = start, tried = 0; tried < limit; n++, tried++) {
    // The nonce's decimal digits, last first.
    let len = 0;
    let v = n;
    do {
      digits[len++] = 48 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
    let p = rest.length;
    for (let i = len - 1; i >= 0; i--) tail[p++] = digits[i]!;
    const total = prefix.length + len;
    tail[p++] = 0x80;
    const blocks = p + 8 <= 64 ? 1 : 2;
    const end = blocks * 64;
    tail.fill(0, p, end);
    const bits = total * 8;
    tail[end - 4] = bits >>> 24;
    tail[end - 3] = bits >>> 16;
    tail[end - 2] = bits >>> 8;
    tail[end - 1] = bits;
    state.set(midstate);
    compress(state, tail, 0, w);
    if (blocks === 2) compress(state, tail, 64, w);
    if (enough(state[0]!, state[1]!, difficulty)) return String(n);
  }
  return undefined;
}
