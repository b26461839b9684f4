// A small JSON value type for hooks: parse, build, stringify. Objects keep their key order.
//
// Built for a fresh instance per call (`--runtime stub`, nothing is ever freed), where every
// allocation and every touched page costs: the parser reads the UTF-8 bytes of the payload
// directly (no UTF-16 copy of it), takes strings without escapes in one piece, interns the keys
// of events and records, and cuts its objects from larger chunks; arrays and objects below the
// top level are only skipped and parsed when first used; objects are two small parallel arrays
// (keys, values) searched linearly instead of a hash map; output is written as UTF-8 into one
// growing buffer that is handed to the host as is. The result is the same as parsing the text
// decoded to UTF-16, malformed input included (steps over "one character" count UTF-16 units).

import { OBJECT, BLOCK_OVERHEAD, OBJECT_OVERHEAD, TOTAL_OVERHEAD, AL_MASK, AL_SIZE } from "rt/common";
import { Runtime } from "shared/runtime";

export const enum Kind { Null, Bool, Num, Str, Arr, Obj }

// The parser's allocations: with the stub runtime, objects are cut from larger chunks in a few
// inline instructions instead of a call into the runtime each (blocks laid out exactly like the
// stub's own, so growing or copying them later works as usual). Other runtimes: plain `__new`.
let arena: usize = 0; // where the next block starts
let arenaEnd: usize = 0;
// @ts-ignore: decorator
@lazy const ARENA_CHUNK: usize = 4096;

function arenaRefill(blockSize: usize): usize {
  const size = max(ARENA_CHUNK, blockSize + AL_SIZE);
  const chunk = heap.alloc(size); // 16-aligned; blocks start 4 bytes before an aligned payload
  arena = chunk + AL_SIZE - BLOCK_OVERHEAD;
  arenaEnd = chunk + changetype<OBJECT>(chunk - BLOCK_OVERHEAD).mmInfo;
  return arena;
}

// @ts-ignore: decorator
@inline function fastNew(size: usize, id: u32): usize {
  if (ASC_RUNTIME != Runtime.Stub) return __new(size, id);
  // the stub's computeSize(OBJECT_OVERHEAD + size)
  const payload = ((size + OBJECT_OVERHEAD + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD;
  let block = arena;
  if (block + BLOCK_OVERHEAD + payload > arenaEnd) block = arenaRefill(BLOCK_OVERHEAD + payload);
  arena = block + BLOCK_OVERHEAD + payload;
  const header = changetype<OBJECT>(block);
  header.mmInfo = payload;
  header.gcInfo = 0;
  header.gcInfo2 = 0;
  header.rtId = id;
  header.rtSize = <u32>size;
  return block + TOTAL_OVERHEAD;
}

// A value as `new JSONValue()` + kind, from the arena.
// @ts-ignore: decorator
@inline function newValue(kind: Kind): JSONValue {
  const v = changetype<JSONValue>(fastNew(offsetof<JSONValue>(), idof<JSONValue>()));
  v.kind = kind;
  v.b = false;
  v.n = 0;
  v.s = "";
  v._items = null;
  v._keys = null;
  v._vals = null;
  v._src = 0;
  v._end = 0;
  return v;
}

// An array of exactly `length` elements, the caller stores every one (no zero fill, no copy).
// @ts-ignore: decorator
@inline function newArray<T>(length: i32): Array<T> {
  if (ASC_RUNTIME != Runtime.Stub) return changetype<Array<T>>(__newArray(length, alignof<T>(), idof<Array<T>>()));
  const size = <usize>length << alignof<T>();
  const buffer = fastNew(size, idof<ArrayBuffer>());
  const array = fastNew(offsetof<T[]>(), idof<T[]>());
  store<usize>(array, buffer, offsetof<T[]>("buffer"));
  store<usize>(array, buffer, offsetof<T[]>("dataStart"));
  store<i32>(array, <i32>size, offsetof<T[]>("byteLength"));
  store<i32>(array, length, offsetof<T[]>("length_"));
  return changetype<Array<T>>(array);
}

// Copies `n` bytes; short copies in a loop (a `memory.copy` is a call out of the guest).
function copyBytes(dst: usize, src: usize, n: usize): void {
  if (n > 64) { memory.copy(dst, src, n); return; }
  while (n >= 8) { store<u64>(dst, load<u64>(src)); dst += 8; src += 8; n -= 8; }
  while (n) { store<u8>(dst, load<u8>(src)); dst++; src++; n--; }
}

export class JSONValue {
  kind: Kind = Kind.Null;
  b: bool = false;
  n: f64 = 0;
  s: string = "";
  // Created on first use: most values are never arrays or objects.
  _items: JSONValue[] | null = null;
  _keys: string[] | null = null;
  _vals: JSONValue[] | null = null; // parallel to `_keys`
  // An array or object inside parsed input is only parsed when first used: its text is at
  // [_src, ...) in input that ends at `_end` (0: nothing pending).
  _src: usize = 0;
  _end: usize = 0;

  static nul(): JSONValue { return newValue(Kind.Null); }
  static bool(v: bool): JSONValue { const j = newValue(Kind.Bool); j.b = v; return j; }
  static num(v: f64): JSONValue { const j = newValue(Kind.Num); j.n = v; return j; }
  static str(v: string): JSONValue { const j = newValue(Kind.Str); j.s = v; return j; }
  static arr(): JSONValue { return newValue(Kind.Arr); }
  static obj(): JSONValue { return newValue(Kind.Obj); }

  isNull(): bool { return this.kind == Kind.Null; }
  isObj(): bool { return this.kind == Kind.Obj; }

  // Parses the pending contents (see `_src`).
  // @ts-ignore: decorator
  @inline _load(): void {
    if (this._src) materialize(this);
  }

  /** The elements of an array. */
  get items(): JSONValue[] {
    this._load();
    let items = this._items;
    if (items === null) {
      items = newArray<JSONValue>(0);
      this._items = items;
    }
    return items;
  }
  set items(items: JSONValue[]) {
    this._load();
    this._items = items;
  }

  /** The keys of an object, in order. */
  get keys(): string[] {
    this._load();
    let keys = this._keys;
    if (keys === null) {
      keys = newArray<string>(0);
      this._keys = keys;
      this._vals = newArray<JSONValue>(0);
    }
    return keys;
  }
  /** Replaces the key list (values of keys that were not set are null). */
  set keys(keys: string[]) {
    this._load();
    const vals = newArray<JSONValue>(keys.length);
    for (let i = 0; i < keys.length; i++) unchecked(vals[i] = this.get(unchecked(keys[i])));
    this._keys = keys;
    this._vals = vals;
  }
  /** A copy of the entries of an object as a `Map`. */
  get values(): Map<string, JSONValue> {
    const map = new Map<string, JSONValue>();
    this._load();
    const keys = this._keys;
    if (keys !== null) for (let i = 0; i < keys.length; i++) map.set(unchecked(keys[i]), this._at(i));
    return map;
  }

  // Position of `key` in the key list (-1 when missing), looking at `hint` first. Keys are often
  // the very same string (literals, parsed keys that are interned), so identity is tried first.
  _find(key: string, hint: i32 = 0): i32 {
    this._load();
    const keys = this._keys;
    if (keys === null) return -1;
    const n = keys.length;
    const data = keys.dataStart;
    const k = changetype<usize>(key);
    if (<u32>hint < <u32>n && load<usize>(data + (<usize>hint << alignof<usize>())) == k) return hint;
    for (let i = 0; i < n; i++) if (load<usize>(data + (<usize>i << alignof<usize>())) == k) return i;
    const size = key.length;
    const literal = k < __heap_base;
    for (let i = 0; i < n; i++) {
      const other = load<usize>(data + (<usize>i << alignof<usize>()));
      if (literal && other < __heap_base) continue; // two different literals
      if (changetype<string>(other).length == size && changetype<string>(other) == key) return i;
    }
    return -1;
  }
  // The value at position `i` of the key list (null value when out of range).
  _at(i: i32): JSONValue {
    this._load();
    const vals = this._vals;
    if (vals === null || <u32>i >= <u32>vals.length) return JSONValue.nul();
    return unchecked(vals[i]);
  }

  /** Sets a key of an object (keeps the first position of an existing key). */
  set(key: string, value: JSONValue): JSONValue {
    const i = this._find(key);
    if (i >= 0) {
      this._vals![i] = value;
    } else {
      this.keys.push(key); // creates both lists when needed
      this._vals!.push(value);
    }
    return this;
  }
  /** Appends to an array. */
  push(value: JSONValue): JSONValue { this.items.push(value); return this; }
  has(key: string): bool { return this.kind == Kind.Obj && this._find(key) >= 0; }
  /** A key of an object (null value when missing). */
  get(key: string): JSONValue {
    if (this.kind != Kind.Obj) return JSONValue.nul();
    const i = this._find(key);
    return i < 0 ? JSONValue.nul() : this._at(i);
  }
  /** The string (empty when not a string). */
  asString(): string { return this.kind == Kind.Str ? this.s : ""; }
  asNumber(): f64 { return this.kind == Kind.Num ? this.n : 0; }
  asBool(): bool { return this.kind == Kind.Bool ? this.b : false; }

  stringify(): string {
    const w = new Writer(64);
    w.value(this);
    return w.toString();
  }
}

/** A growing UTF-8 byte buffer (JSON output; handed to the host without another copy). */
export class Writer {
  ptr: usize;
  len: usize = 0;
  cap: usize;

  constructor(cap: usize = 256) {
    this.cap = cap;
    this.ptr = heap.alloc(cap);
  }

  /** Makes room for `n` more bytes; the address to write them at. */
  // @ts-ignore: decorator
  @inline reserve(n: usize): usize {
    if (this.len + n > this.cap) this.grow(n);
    return this.ptr + this.len;
  }
  grow(n: usize): void {
    const cap = max(this.cap << 1, this.len + n);
    this.ptr = heap.realloc(this.ptr, cap); // in place while nothing was allocated after it
    this.cap = cap;
  }
  /** The text written so far. */
  toString(): string { return String.UTF8.decodeUnsafe(this.ptr, this.len); }

  byte(c: u32): void {
    const at = this.reserve(1);
    store<u8>(at, c);
    this.len++;
  }
  bytes(src: usize, n: usize): void {
    const at = this.reserve(n);
    copyBytes(at, src, n);
    this.len += n;
  }
  /** An ASCII-only string (literals, number texts) as is. */
  ascii(s: string): void {
    const n = <usize>s.length;
    let src = changetype<usize>(s);
    let at = this.reserve(n);
    const end = at + n;
    while (at < end) { store<u8>(at, load<u16>(src)); at++; src += 2; }
    this.len += n;
  }
  int(v: i64): void {
    let at = this.reserve(20);
    let u: u64 = <u64>v;
    if (v < 0) { store<u8>(at++, 45); u = <u64>(-v); }
    let digits = 1;
    for (let t = u; t >= 10; t /= 10) digits++;
    let end = at + digits;
    do { store<u8>(--end, <u32>(u % 10) + 48); u /= 10; } while (u);
    this.len = at + digits - this.ptr;
  }
  num(v: f64): void {
    if (!isFinite(v)) this.ascii("null");
    else if (v == Math.floor(v) && Math.abs(v) < 1e15) this.int(<i64>v);
    else this.ascii(v.toString());
  }
  /** A JSON string literal of `s`. */
  quote(s: string): void {
    let src = changetype<usize>(s);
    const end = src + (<usize>s.length << 1);
    // Three bytes per UTF-16 unit at most, except escapes (which reserve their own room).
    let at = this.reserve(((end - src) >> 1) * 3 + 2);
    store<u8>(at++, 34);
    while (src < end) {
      let c = <u32>load<u16>(src);
      src += 2;
      if (c < 128) {
        if (c >= 32 && c != 34 && c != 92) { store<u8>(at++, c); continue; }
        this.len = at - this.ptr;
        at = this.reserve(((end - src) >> 1) * 3 + 7);
        store<u8>(at++, 92);
        if (c == 34 || c == 92) store<u8>(at++, c);
        else if (c == 10) store<u8>(at++, 110);
        else if (c == 13) store<u8>(at++, 114);
        else if (c == 9) store<u8>(at++, 116);
        else {
          store<u8>(at, 117);
          store<u8>(at, 48, 1);
          store<u8>(at, 48, 2);
          store<u8>(at, 48 + (c >> 4), 3);
          const d = c & 15;
          store<u8>(at, d < 10 ? 48 + d : 87 + d, 4);
          at += 5;
        }
      } else if (c < 2048) {
        store<u8>(at, c >> 6 | 192);
        store<u8>(at, c & 63 | 128, 1);
        at += 2;
      } else {
        // Surrogate pairs as one 4-byte sequence; lone surrogates as 3 bytes (WTF-8, like
        // `String.UTF8.encode`).
        if ((c & 0xFC00) == 0xD800 && src < end) {
          const c2 = <u32>load<u16>(src);
          if ((c2 & 0xFC00) == 0xDC00) {
            c = 0x10000 + ((c & 0x03FF) << 10) | (c2 & 0x03FF);
            store<u8>(at, c >> 18 | 240);
            store<u8>(at, c >> 12 & 63 | 128, 1);
            store<u8>(at, c >> 6 & 63 | 128, 2);
            store<u8>(at, c & 63 | 128, 3);
            at += 4;
            src += 2;
            continue;
          }
        }
        store<u8>(at, c >> 12 | 224);
        store<u8>(at, c >> 6 & 63 | 128, 1);
        store<u8>(at, c & 63 | 128, 2);
        at += 3;
      }
    }
    store<u8>(at++, 34);
    this.len = at - this.ptr;
  }
  /** `["a","b"]` */
  names(list: string[]): void {
    this.byte(91);
    for (let i = 0; i < list.length; i++) {
      if (i) this.byte(44);
      this.quote(unchecked(list[i]));
    }
    this.byte(93);
  }
  /** The JSON text of `v` (same as `v.stringify()`). */
  value(v: JSONValue): void {
    switch (v.kind) {
      case Kind.Null: { this.ascii("null"); return; }
      case Kind.Bool: { this.ascii(v.b ? "true" : "false"); return; }
      case Kind.Num: { this.num(v.n); return; }
      case Kind.Str: { this.quote(v.s); return; }
      case Kind.Arr: {
        this.byte(91);
        v._load();
        const items = v._items;
        if (items !== null) {
          for (let i = 0; i < items.length; i++) {
            if (i) this.byte(44);
            this.value(items[i]);
          }
        }
        this.byte(93);
        return;
      }
      default: {
        this.byte(123);
        v._load();
        const keys = v._keys;
        if (keys !== null) {
          for (let i = 0; i < keys.length; i++) {
            if (i) this.byte(44);
            this.quote(unchecked(keys[i]));
            this.byte(58);
            this.value(v._at(i));
          }
        }
        this.byte(125);
      }
    }
  }
}

/** JSON string literal of `s`: `"..."` with `"`, `\` and control characters escaped. */
export function quote(s: string): string {
  const n = <usize>s.length;
  const src = changetype<usize>(s);
  let plain = true;
  for (let i: usize = 0; i < n; i++) {
    const c = load<u16>(src + (i << 1));
    if (c < 32 || c == 34 || c == 92) { plain = false; break; }
  }
  if (!plain) {
    const w = new Writer(n * 3 + 8);
    w.quote(s);
    return w.toString();
  }
  const out = __new((n + 2) << 1, idof<String>());
  store<u16>(out, 34);
  copyBytes(out + 2, src, n << 1);
  store<u16>(out + ((n + 1) << 1), 34);
  return changetype<string>(out);
}

// Scratch stack of the parser: the entries of the objects and arrays being parsed (keys and
// values); each container takes its slice when it closes. With the stub runtime plain memory
// (pointers); a collecting runtime must see the references: a managed array there.
let stack: usize = 0;
let stackTop: usize = 0; // entries
let stackCap: usize = 0;
let managedStack: Array<Object> | null = null;

function stackGrow(): void {
  if (ASC_RUNTIME != Runtime.Stub) {
    if (!managedStack) managedStack = new Array<Object>();
    return;
  }
  const cap = stackCap ? stackCap << 1 : 64;
  const ptr = heap.alloc(cap << alignof<usize>());
  copyBytes(ptr, stack, stackTop << alignof<usize>());
  stack = ptr;
  stackCap = cap;
}
// @ts-ignore: decorator
@inline function stackPush(v: usize): void {
  if (ASC_RUNTIME != Runtime.Stub) {
    stackGrow();
    const list = managedStack!;
    if (<i32>stackTop < list.length) unchecked(list[<i32>stackTop] = changetype<Object>(v));
    else list.push(changetype<Object>(v));
  } else {
    if (stackTop == stackCap) stackGrow();
    store<usize>(stack + (stackTop << alignof<usize>()), v);
  }
  stackTop++;
}
// @ts-ignore: decorator
@inline function stackSet(i: usize, v: usize): void {
  if (ASC_RUNTIME != Runtime.Stub) unchecked(managedStack![<i32>i] = changetype<Object>(v));
  else store<usize>(stack + (i << alignof<usize>()), v);
}
// @ts-ignore: decorator
@inline function stackAt(i: usize): usize {
  if (ASC_RUNTIME != Runtime.Stub) return changetype<usize>(unchecked(managedStack![<i32>i]));
  return load<usize>(stack + (i << alignof<usize>()));
}

// A string of the ASCII bytes [from, to).
function asciiString(from: usize, to: usize): string {
  const n = to - from;
  if (!n) return "";
  const out = fastNew(n << 1, idof<String>());
  let dst = out;
  while (from + 4 <= to) {
    const x = <u64>load<u32>(from);
    store<u64>(dst, (x & 0xFF) | (x & 0xFF00) << 8 | (x & 0xFF0000) << 16 | (x & 0xFF000000) << 24);
    from += 4;
    dst += 8;
  }
  while (from < to) { store<u16>(dst, load<u8>(from)); from++; dst += 2; }
  return changetype<string>(out);
}

// @ts-ignore: decorator
@inline function hexDigit(c: u32): i32 {
  if (c - 48 < 10) return <i32>(c - 48);
  const l = c | 32;
  if (l - 97 < 6) return <i32>(l - 87);
  return -1;
}

// The keys of events and records as static strings: no allocation, and lookups with the same
// literal match by identity. `n` ASCII bytes at `p`, at least 8 readable bytes.
function knownKey(p: usize, n: usize): string | null {
  if (n > 8) {
    const head = load<u64>(p);
    const tail = load<u64>(p + n - 8);
    if (n == 10 && head == 0x697463656C6C6F63 && tail == 0x6E6F697463656C6C) return "collection";
    if (n == 12 && head == 0x697463656C6C6F63 && tail == 0x64496E6F69746365) return "collectionId";
    if (n == 14 && head == 0x697463656C6C6F63 && tail == 0x656D614E6E6F6974) return "collectionName";
    return null;
  }
  const v = load<u64>(p) & (<u64>-1 >> ((8 - n) << 3));
  switch (<i32>n) {
    case 1: {
      if (v == 0x0000000000000076) return "v";
      return null;
    }
    case 2: {
      if (v == 0x0000000000007874) return "tx";
      if (v == 0x0000000000006469) return "id";
      return null;
    }
    case 4: {
      if (v == 0x0000000068747561) return "auth";
      if (v == 0x0000000079646F62) return "body";
      if (v == 0x0000000068746170) return "path";
      if (v == 0x00000000656D616E) return "name";
      if (v == 0x0000000065707974) return "type";
      if (v == 0x0000000065646F63) return "code";
      if (v == 0x0000000061746164) return "data";
      return null;
    }
    case 5: {
      if (v == 0x000000746E657665) return "event";
      if (v == 0x0000006C69616D65) return "email";
      if (v == 0x000000726F727265) return "error";
      if (v == 0x0000006874706564) return "depth";
      if (v == 0x0000007972657571) return "query";
      if (v == 0x000000656C746974) return "title";
      return null;
    }
    case 6: {
      if (v == 0x000064726F636572) return "record";
      if (v == 0x0000646F6874656D) return "method";
      if (v == 0x0000736D61726170) return "params";
      return null;
    }
    case 7: {
      if (v == 0x0072656C646E6168) return "handler";
      if (v == 0x0073726564616568) return "headers";
      if (v == 0x0074736575716572) return "request";
      if (v == 0x00747865746E6F63) return "context";
      if (v == 0x0064657461657263) return "created";
      if (v == 0x0064657461647075) return "updated";
      return null;
    }
    case 8: {
      if (v == 0x6C616E696769726F) return "original";
      return null;
    }
  }
  return null;
}

// Length of the UTF-8 sequence starting with byte `b`.
// @ts-ignore: decorator
@inline function charBytes(b: u32): usize {
  return b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

// Steps over `n` UTF-16 units of UTF-8 text from `p` (a 4-byte sequence counts 2), up to `end`.
// `unitsOver`: the last character counted only half (its low surrogate comes next).
let unitsOver = false;
function skipUnits(p: usize, n: i32, end: usize): usize {
  while (n > 0 && p < end) {
    const b = load<u8>(p);
    p += charBytes(b);
    n -= b >= 0xF0 ? 2 : 1;
  }
  unitsOver = n < 0;
  return p;
}

// The low surrogate of the 4-byte UTF-8 sequence at `p`.
function lowSurrogate(p: usize): u32 {
  const c = (<u32>load<u8>(p) & 7) << 18 | (<u32>load<u8>(p, 1) & 63) << 12 | (<u32>load<u8>(p, 2) & 63) << 6 | <u32>load<u8>(p, 3) & 63;
  return ((c - 0x10000) & 0x03FF) | 0xDC00;
}

// Skipping a value: the position where parsing it would end, without building anything. These
// follow the parser step by step (also on malformed input), so a skipped array or object parsed
// later gives exactly what parsing it in place would have. Where the parser would stop in the
// middle of a 4-byte character (malformed input) they set `skipOdd` and the value is parsed
// right away instead.
let skipOdd = false;

// @ts-ignore: decorator
@inline function skipWs(p: usize, end: usize): usize {
  while (p < end) {
    const c = load<u8>(p);
    if (c == 32 || c == 9 || c == 10 || c == 13) p++; else break;
  }
  return p;
}
// @ts-ignore: decorator
@inline function skipChar(p: usize, end: usize): usize {
  if (p >= end) return p + 1;
  const b = <u32>load<u8>(p);
  if (b >= 0xF0) skipOdd = true;
  return p + charBytes(b);
}
// @ts-ignore: decorator
@inline function peekAt(p: usize, end: usize): i32 {
  return p < end ? <i32>load<u8>(p) : -1;
}

// @ts-ignore: decorator
@inline function skipString(p: usize, end: usize): usize {
  p = skipChar(p, end); // the opening quote
  while (p + 8 <= end) {
    const x = load<u64>(p);
    const q = x ^ 0x2222222222222222;
    const b = x ^ 0x5C5C5C5C5C5C5C5C;
    if ((((q - 0x0101010101010101) & ~q) | ((b - 0x0101010101010101) & ~b)) & 0x8080808080808080) break;
    p += 8;
  }
  while (p < end) {
    const c = load<u8>(p);
    if (c == 34) break;
    if (c != 92) p++;
    else if (p + 1 < end && load<u8>(p + 1) == 117) p = skipUnits(p + 2, 4, end);
    else p += 2;
  }
  if (p > end) p = end;
  return p + 1;
}

// @ts-ignore: decorator
@inline function skipValue(p: usize, end: usize): usize {
  p = skipWs(p, end);
  if (p >= end) return p;
  const c = <u32>load<u8>(p);
  if (c == 123 || c == 91) return skipContainer(p, end);
  if (c == 34) return skipString(p, end);
  if (c == 116 && p + 4 <= end && load<u32>(p) == 0x65757274) return p + 4;
  if (c == 102 && p + 5 <= end && load<u32>(p) == 0x736c6166 && load<u8>(p, 4) == 101) return p + 5;
  if (c == 110 && p + 4 <= end && load<u32>(p) == 0x6c6c756e) return p + 4;
  while (p < end) {
    const d = <u32>load<u8>(p);
    if (d - 48 < 10 || d == 45 || d == 43 || d == 46 || d == 101 || d == 69) p++; else break;
  }
  return p;
}

// The object or array at `p` (like `Parser#object` / `Parser#array`).
function skipContainer(p: usize, end: usize): usize {
  const close = <i32>load<u8>(p) + 2; // '}' or ']'
  const isObject = close == 125;
  p = skipWs(p + 1, end);
  if (peekAt(p, end) == close) return p + 1;
  while (p < end) {
    if (isObject) p = skipChar(skipWs(skipString(skipWs(p, end), end), end), end); // the key and ':'
    p = skipWs(skipValue(p, end), end);
    const c = peekAt(p, end);
    p = skipChar(p, end);
    if (c == close) break;
  }
  return p;
}

// Parses the UTF-8 bytes [p, end). Lenient like before: malformed input gives a partial value and
// never reads outside the input or traps.
class Parser {
  // `lazy`: arrays and objects inside the value being parsed are only skipped (see `_src`).
  constructor(public p: usize, public end: usize, public lazy: bool) {}
  // Positions are those of the UTF-16 text the JSON once was: where malformed input makes the
  // parser step over one unit of a 4-byte character, `half` says its low surrogate comes next.
  half: bool = false;

  // @ts-ignore: decorator
  @inline peek(): i32 {
    if (this.half) return 0xDC00;
    return this.p < this.end ? <i32>load<u8>(this.p) : -1;
  }
  // Steps over one character (whatever it is: only malformed input has anything unexpected).
  // @ts-ignore: decorator
  @inline skipChar(): void {
    const p = this.p;
    if (p >= this.end) { this.p = p + 1; return; }
    const b = <u32>load<u8>(p);
    if (b < 0xF0) { this.p = p + charBytes(b); return; }
    if (this.half) this.p = p + 4;
    this.half = !this.half;
  }

  ws(): void {
    if (this.half) return;
    let p = this.p;
    const end = this.end;
    while (p < end) {
      const c = load<u8>(p);
      if (c == 32 || c == 9 || c == 10 || c == 13) p++; else break;
    }
    this.p = p;
  }

  word(w: u32, n: usize): bool { // `true` (4 bytes, little-endian in `w`), `null`, `fals`
    return this.p + n <= this.end && load<u32>(this.p) == w;
  }

  // `eager`: an array or object here is parsed now even when lazy.
  value(eager: bool = false): JSONValue {
    this.ws();
    if (this.p >= this.end) return JSONValue.nul();
    if (this.half) return JSONValue.num(NaN); // a lone low surrogate: not a number either
    const c = load<u8>(this.p);
    if (c == 123 || c == 91) {
      const kind = c == 123 ? Kind.Obj : Kind.Arr;
      if (eager || !this.lazy) return kind == Kind.Obj ? this.object(newValue(kind)) : this.array(newValue(kind));
      const from = this.p;
      this.p = skipContainer(from, this.end);
      if (skipOdd) {
        skipOdd = false;
        this.p = from;
        return kind == Kind.Obj ? this.object(newValue(kind)) : this.array(newValue(kind));
      }
      const v = newValue(kind);
      if (this.p - from != 2 || load<u8>(from, 1) != c + 2) { // `{}` and `[]` need nothing later
        v._src = from;
        v._end = this.end;
      }
      return v;
    }
    if (c == 34) return JSONValue.str(this.string());
    if (c == 116 && this.word(0x65757274, 4)) { this.p += 4; return JSONValue.bool(true); }
    if (c == 102 && this.word(0x736c6166, 5) && load<u8>(this.p, 4) == 101) { this.p += 5; return JSONValue.bool(false); }
    if (c == 110 && this.word(0x6c6c756e, 4)) { this.p += 4; return JSONValue.nul(); }
    return JSONValue.num(this.number());
  }

  number(): f64 {
    const start = this.p;
    const end = this.end;
    let p = start;
    while (p < end) {
      const d = <u32>load<u8>(p);
      if (d - 48 < 10 || d == 45 || d == 43 || d == 46 || d == 101 || d == 69) p++; else break;
    }
    this.p = p;
    // Common case: a plain integer of at most 15 digits (exact as f64).
    let q = start;
    const neg = q < p && load<u8>(q) == 45;
    if (neg) q++;
    if (q < p && p - q <= 15) {
      let v: i64 = 0;
      while (q < p) {
        const d = <u32>load<u8>(q) - 48;
        if (d >= 10) break;
        v = v * 10 + d;
        q++;
      }
      if (q == p) return neg ? -(<f64>v) : <f64>v;
    }
    return parseFloat(asciiString(start, p));
  }

  // The object at `p` into `out`.
  // `event`: the top level of an event, whose `request`, `params` and `record` are always used.
  object(out: JSONValue, event: bool = false): JSONValue {
    this.p++;
    this.ws();
    if (this.peek() == 125) { this.p++; return out; }
    const base = stackTop;
    let seen: u64 = 0; // a tiny Bloom filter of the keys so far: duplicates are searched only on a hit
    while (this.p < this.end) {
      this.ws();
      const key = this.string(true);
      this.ws();
      this.skipChar(); // ':'
      const value = this.value(event && (key == "request" || key == "params" || key == "record"));
      const len = <usize>key.length;
      const k = changetype<usize>(key);
      const bit = len ? <u64>1 << ((len + (<u64>load<u16>(k) << 1) + <u64>load<u16>(k + ((len - 1) << 1)) * 5) & 63) : 1;
      let dup = false;
      if (seen & bit) {
        const literal = k < __heap_base;
        for (let i = base; i < stackTop; i += 2) {
          const other = stackAt(i);
          if (other == k || (!(literal && other < __heap_base) && changetype<string>(other) == key)) { // a repeated key: the last value wins
            stackSet(i + 1, changetype<usize>(value));
            dup = true;
            break;
          }
        }
      }
      if (!dup) {
        stackPush(k);
        stackPush(changetype<usize>(value));
      }
      seen |= bit;
      this.ws();
      const c = this.peek();
      this.skipChar();
      if (c == 125) break;
    }
    const n = <i32>((stackTop - base) >> 1);
    const keys = newArray<string>(n);
    const vals = newArray<JSONValue>(n);
    for (let i = 0; i < n; i++) {
      unchecked(keys[i] = changetype<string>(stackAt(base + (<usize>i << 1))));
      unchecked(vals[i] = changetype<JSONValue>(stackAt(base + (<usize>i << 1) + 1)));
    }
    stackTop = base;
    out._keys = keys;
    out._vals = vals;
    return out;
  }

  // The array at `p` into `out`.
  array(out: JSONValue): JSONValue {
    this.p++;
    this.ws();
    if (this.peek() == 93) { this.p++; return out; }
    const base = stackTop;
    while (this.p < this.end) {
      stackPush(changetype<usize>(this.value()));
      this.ws();
      const c = this.peek();
      this.skipChar();
      if (c == 93) break;
    }
    const n = <i32>(stackTop - base);
    const items = newArray<JSONValue>(n);
    for (let i = 0; i < n; i++) unchecked(items[i] = changetype<JSONValue>(stackAt(base + <usize>i)));
    stackTop = base;
    out._items = items;
    return out;
  }

  string(key: bool = false): string {
    this.skipChar(); // the opening quote
    if (this.half) { // (malformed) a string that starts with the low surrogate of a 4-byte character
      const low = String.fromCharCode(lowSurrogate(this.p));
      this.half = false;
      this.p += 4;
      return low + this.body(false);
    }
    return this.body(key);
  }

  // The rest of a string, from `p` (after the opening quote).
  body(key: bool): string {
    const start = this.p;
    const end = this.end;
    let p = start;
    // Eight bytes at a time up to the first '"', '\\' or non-ASCII byte.
    while (p + 8 <= end) {
      const x = load<u64>(p);
      const q = x ^ 0x2222222222222222;
      const b = x ^ 0x5C5C5C5C5C5C5C5C;
      if ((((q - 0x0101010101010101) & ~q) | ((b - 0x0101010101010101) & ~b) | x) & 0x8080808080808080) break;
      p += 8;
    }
    let high: u32 = 0;
    while (p < end) {
      const c = <u32>load<u8>(p);
      if (c == 34) break;
      if (c == 92) return this.escaped(start);
      high |= c;
      p++;
    }
    this.p = p + 1; // after the closing quote
    if (p <= start) return "";
    if (high >= 128) return String.UTF8.decodeUnsafe(start, p - start);
    if (key && start + 8 <= end) {
      const known = knownKey(start, p - start);
      if (known) return known;
    }
    return asciiString(start, p);
  }

  // A string with escapes, from `start` (after the opening quote).
  escaped(start: usize): string {
    const end = this.end;
    // Find the closing quote first: the text is at most one UTF-16 unit per byte.
    let q = start;
    while (q < end) {
      const c = load<u8>(q);
      if (c == 34) break;
      if (c != 92) q++;
      else if (q + 1 < end && load<u8>(q + 1) == 117) q = skipUnits(q + 2, 4, end);
      else q += 2;
    }
    if (q > end) q = end;
    this.p = q + 1;
    const out = __new((q - start) << 1, idof<String>());
    let dst = out;
    let p = start;
    while (p < q) {
      let u0 = <u32>load<u8>(p++);
      if (u0 == 92) {
        if (p >= q) { // the input ends after the backslash
          store<u16>(dst, 0xFFFF);
          dst += 2;
          break;
        }
        const e = <u32>load<u8>(p);
        if (e == 110) u0 = 10;
        else if (e == 116) u0 = 9;
        else if (e == 114) u0 = 13;
        else if (e == 98) u0 = 8;
        else if (e == 102) u0 = 12;
        else if (e == 117) {
          p++;
          let v = 0;
          if (p + 4 <= q) {
            for (let i: usize = 0; i < 4; i++) {
              const d = hexDigit(load<u8>(p + i));
              if (d < 0) { v = -1; break; }
              v = (v << 4) | d;
            }
          } else {
            v = -1;
          }
          if (v >= 0) { // four hex digits
            p += 4;
            store<u16>(dst, v);
            dst += 2;
            continue;
          }
          // Anything else: what `parseInt` makes of the next four UTF-16 units (malformed).
          const stop = min(skipUnits(p, 4, q), q);
          const over = unitsOver;
          let text = String.UTF8.decodeUnsafe(p, stop - p);
          if (over) text = text.substring(0, text.length - 1);
          store<u16>(dst, <i32>parseInt(text, 16));
          dst += 2;
          if (over) { // the low surrogate of the last character follows
            store<u16>(dst, lowSurrogate(stop - 4));
            dst += 2;
          }
          p = stop;
          continue;
        } else if (e < 128) {
          u0 = e; // `\"`, `\\`, `\/`, ...: the character itself
        } else {
          continue; // a non-ASCII character: decoded next round
        }
        p++;
        store<u16>(dst, u0);
        dst += 2;
        continue;
      }
      // UTF-8 (like `String.UTF8.decodeUnsafe`)
      if (u0 & 128) {
        if (p >= q) break;
        const u1 = <u32>load<u8>(p++) & 63;
        if ((u0 & 224) == 192) {
          u0 = (u0 & 31) << 6 | u1;
        } else {
          if (p >= q) break;
          const u2 = <u32>load<u8>(p++) & 63;
          if ((u0 & 240) == 224) {
            u0 = (u0 & 15) << 12 | u1 << 6 | u2;
          } else {
            if (p >= q) break;
            u0 = (u0 & 7) << 18 | u1 << 12 | u2 << 6 | <u32>load<u8>(p++) & 63;
          }
          if (u0 >= 0x10000) {
            u0 -= 0x10000;
            store<u16>(dst, u0 >> 10 | 0xD800);
            dst += 2;
            u0 = (u0 & 0x03FF) | 0xDC00;
          }
        }
      }
      store<u16>(dst, u0);
      dst += 2;
    }
    if (dst == out) return "";
    return changetype<string>(__renew(out, dst - out)); // shrinks in place (the last block)
  }
}

// Arrays and objects below the top level are parsed when first used (with the stub runtime,
// which never frees the input they point into).
// @ts-ignore: decorator
@lazy const LAZY = ASC_RUNTIME == Runtime.Stub;

// Parses the pending contents of `v` (exactly what parsing them right away would have given).
function materialize(v: JSONValue): void {
  const parser = new Parser(v._src, v._end, LAZY);
  v._src = 0;
  if (load<u8>(parser.p) == 123) parser.object(v); else parser.array(v);
}

/**
 * Parses the JSON in the UTF-8 bytes at `ptr` (lenient like `parse`). `event`: the top level of an
 * event, whose `request`, `params` and `record` are parsed right away (they are always used).
 */
export function parseUTF8(ptr: usize, len: usize, event: bool = false): JSONValue {
  const parser = new Parser(ptr, ptr + len, LAZY);
  parser.ws();
  if (parser.p < parser.end) {
    const c = load<u8>(parser.p);
    if (c == 123) return parser.object(newValue(Kind.Obj), event);
    if (c == 91) return parser.array(newValue(Kind.Arr));
  }
  return parser.value();
}

/** Parses JSON text (lenient: malformed input gives a partial value, never a trap). */
export function parse(text: string): JSONValue {
  const bytes = String.UTF8.encode(text); // kept: pending arrays and objects point into it
  return parseUTF8(changetype<usize>(bytes), bytes.byteLength);
}
