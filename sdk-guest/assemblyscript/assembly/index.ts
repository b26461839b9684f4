// wasmbase hooks in AssemblyScript (`pb_v1`). Register at the top level of your entry file and
// re-export the three entry points:
//
//   import { Hooks, RouteEvent, HttpResponse, JSONValue } from "@wasmbase/sdk-as/assembly";
//   export { pb_alloc, pb_manifest, pb_handle } from "@wasmbase/sdk-as/assembly";
//
//   function hello(e: RouteEvent): HttpResponse {
//     return HttpResponse.json(200, JSONValue.obj().set("message", JSONValue.str("Hi " + e.param("name"))));
//   }
//   Hooks.route("GET", "/api/hello/{name}", hello);
//
// Build with `asc entry.ts -o hook.wasm -O3 --runtime stub`. See docs/hooks-abi.md.
import { JSONValue, Kind, Writer, parseUTF8 } from "./json";

export { JSONValue, parse } from "./json";
export { log, call, CallResult, db, records, config } from "./host";

/** A rejection: status, message and field errors (`data.<field> = {code, message}`). */
export class ApiError {
  data: JSONValue = JSONValue.obj();
  constructor(public status: i32, public message: string) {}
  static badRequest(message: string): ApiError { return new ApiError(400, message); }
  static forbidden(message: string): ApiError { return new ApiError(403, message); }
  static notFound(message: string): ApiError { return new ApiError(404, message); }
  field(name: string, code: string, message: string): ApiError {
    this.data.set(name, JSONValue.obj().set("code", JSONValue.str(code)).set("message", JSONValue.str(message)));
    return this;
  }
  toJSON(): string {
    const w = new Writer(128);
    this.write(w);
    return w.toString();
  }
  /** `toJSON()` into `w` (UTF-8). */
  write(w: Writer): void {
    w.ascii("{\"action\":\"reject\",\"status\":");
    w.int(this.status);
    w.ascii(",\"message\":");
    w.quote(this.message);
    w.ascii(",\"data\":");
    w.value(this.data);
    w.byte(125);
  }
}

/** An HTTP answer (routes, or a request hook answering itself). */
export class HttpResponse {
  headers: JSONValue = JSONValue.obj();
  body: JSONValue | null = null;
  text: string | null = null;
  error: ApiError | null = null;
  constructor(public status: i32) {}
  static json(status: i32, body: JSONValue): HttpResponse { const r = new HttpResponse(status); r.body = body; return r; }
  static text(status: i32, text: string): HttpResponse { const r = new HttpResponse(status); r.text = text; return r; }
  /** A rejection instead of an answer. */
  static reject(error: ApiError): HttpResponse { const r = new HttpResponse(error.status); r.error = error; return r; }
  header(name: string, value: string): HttpResponse { this.headers.set(name, JSONValue.str(value)); return this; }
  toJSON(): string {
    const w = new Writer(128);
    this.write(w);
    return w.toString();
  }
  /** `toJSON()` into `w` (UTF-8). */
  write(w: Writer): void {
    const e = this.error;
    if (e) { e.write(w); return; }
    w.ascii("{\"action\":\"respond\",\"status\":");
    w.int(this.status);
    w.ascii(",\"headers\":");
    w.value(this.headers);
    const body = this.body;
    if (body) { w.ascii(",\"body\":"); w.value(body); }
    const text = this.text;
    if (text !== null) { w.ascii(",\"text\":"); w.quote(text); }
    w.byte(125);
  }
}

/** A record event. Change `record` to patch the write; `respond` to answer the request. */
export class RecordEvent {
  name: string = "";
  collection: JSONValue = JSONValue.obj();
  record: JSONValue = JSONValue.obj();
  original: JSONValue = JSONValue.nul();
  auth: JSONValue = JSONValue.nul();
  request: JSONValue = JSONValue.nul();
  tx: bool = false;
  depth: i32 = 0;
  response: HttpResponse | null = null;
  collectionName(): string { return this.collection.get("name").asString(); }
  respond(response: HttpResponse): void { this.response = response; }
}

/** A request to a custom route. */
export class RouteEvent {
  method: string = "";
  path: string = "";
  params: JSONValue = JSONValue.obj();
  query: JSONValue = JSONValue.obj();
  headers: JSONValue = JSONValue.obj();
  body: string = "";
  auth: JSONValue = JSONValue.nul();
  param(name: string): string { return this.params.get(name).asString(); }
}

/** A cron run. */
export class CronEvent {
  name: string = "";
}

type RecordHandler = (e: RecordEvent) => ApiError | null;
type RouteHandler = (e: RouteEvent) => HttpResponse;
type CronHandler = (e: CronEvent) => ApiError | null;

// Registrations keep their raw parameters: the manifest is only built by `pb_manifest`, not in
// the start function every (fresh) instance runs. A linked list in handler id order (globals
// that start as null need no code in the start function).
class Reg {
  next: Reg | null = null;
  constructor(public id: i32, public kind: i32) {} // kind: 0 record, 1 route, 2 cron
}
class RecordReg extends Reg {
  constructor(id: i32, public event: string, public collections: string[], public fields: string[],
    public priority: i32, public handler: RecordHandler) { super(id, 0); }
}
class RouteReg extends Reg {
  constructor(id: i32, public method: string, public path: string, public auth: string,
    public handler: RouteHandler) { super(id, 1); }
}
class CronReg extends Reg {
  constructor(id: i32, public name: string, public schedule: string, public handler: CronHandler) { super(id, 2); }
}

let firstReg: Reg | null = null;
let lastReg: Reg | null = null;
let regCount: i32 = 0;

function add(reg: Reg): void {
  const last = lastReg;
  if (last) last.next = reg; else firstReg = reg;
  lastReg = reg;
  regCount++;
}

function findReg(id: i32): Reg | null {
  let reg = firstReg;
  while (reg && reg.id != id) reg = reg.next;
  return reg;
}

function copyOf(list: string[]): string[] {
  const n = list.length;
  const out = changetype<string[]>(__newArray(n, alignof<usize>(), idof<string[]>()));
  for (let i = 0; i < n; i++) unchecked(out[i] = list[i]);
  return out;
}

/** Registration: call these at the top level of the entry file. */
export namespace Hooks {
  /** A record hook on `event` (`onRecordCreateRequest`, `onRecordAfterUpdateSuccess`, ...). */
  export function onRecord(event: string, collections: string[], handler: RecordHandler, priority: i32 = 0, fields: string[] = []): void {
    add(new RecordReg(regCount, event, copyOf(collections), copyOf(fields), priority, handler));
  }
  /** A custom route (`method` or `*`; `{param}` segments). */
  export function route(method: string, path: string, handler: RouteHandler, auth: string = "optional"): void {
    add(new RouteReg(regCount, method, path, auth, handler));
  }
  /** A cron job (five fields, six with seconds, or a macro; UTC). */
  export function cron(name: string, schedule: string, handler: CronHandler): void {
    add(new CronReg(regCount, name, schedule, handler));
  }
}

// The output stays in linear memory until the instance is dropped (the stub runtime never frees).
function hand(w: Writer): i64 {
  return (<i64>w.ptr << 32) | <i64>w.len;
}

export function pb_alloc(len: i32): i32 {
  return <i32>heap.alloc(<usize>len);
}

export function pb_manifest(): i64 {
  const regs = new Array<Reg>();
  let next = firstReg;
  while (next) {
    regs.push(next);
    next = next.next;
  }
  const w = new Writer(512);
  w.ascii("{\"abi\":1");
  const lists = ["hooks", "routes", "crons"];
  for (let kind = 0; kind < lists.length; kind++) {
    w.ascii(",\"");
    w.ascii(lists[kind]);
    w.ascii("\":[");
    let first = true;
    for (let i = 0; i < regs.length; i++) {
      const reg = regs[i];
      if (reg.kind != kind) continue;
      if (!first) w.byte(44);
      first = false;
      writeDecl(w, reg);
    }
    w.byte(93);
  }
  w.byte(125);
  return hand(w);
}

// One manifest entry (`hooks`, `routes` or `crons` by the registration's kind).
function writeDecl(w: Writer, reg: Reg): void {
  if (reg.kind == 0) {
    const r = changetype<RecordReg>(reg);
    w.ascii("{\"event\":");
    w.quote(r.event);
    w.ascii(",\"collections\":");
    w.names(r.collections);
    w.ascii(",\"fields\":");
    w.names(r.fields);
    w.ascii(",\"priority\":");
    w.int(r.priority);
  } else if (reg.kind == 1) {
    const r = changetype<RouteReg>(reg);
    w.ascii("{\"method\":");
    w.quote(r.method);
    w.ascii(",\"path\":");
    w.quote(r.path);
    w.ascii(",\"auth\":");
    w.quote(r.auth);
  } else {
    const r = changetype<CronReg>(reg);
    w.ascii("{\"name\":");
    w.quote(r.name);
    w.ascii(",\"schedule\":");
    w.quote(r.schedule);
  }
  w.ascii(",\"handler\":");
  w.int(reg.id);
  w.byte(125);
}

// Compares the `n` bytes at `a` and `b`.
function sameBytes(a: usize, b: usize, n: usize): bool {
  while (n >= 8) {
    if (load<u64>(a) != load<u64>(b)) return false;
    a += 8; b += 8; n -= 8;
  }
  while (n) {
    if (load<u8>(a) != load<u8>(b)) return false;
    a++; b++; n--;
  }
  return true;
}

// Position of `key` in `list` (-1 when missing), looking at `hint` first.
function indexIn(list: string[], key: string, hint: i32): i32 {
  const n = list.length;
  if (<u32>hint < <u32>n && changetype<usize>(unchecked(list[hint])) == changetype<usize>(key)) return hint;
  for (let i = 0; i < n; i++) if (unchecked(list[i]) == key) return i;
  return -1;
}

// The answer of a record hook that neither rejected nor responded: the top-level fields of the
// record whose JSON changed (`set`) and the ones removed (`unset`).
function recordContinue(w: Writer, record: JSONValue, beforeKeys: string[], before: Writer, ends: StaticArray<usize>): void {
  w.ascii("{\"action\":\"continue\",\"set\":{");
  const isObj = record.kind == Kind.Obj;
  const scratch = new Writer(64);
  const keys = record.keys;
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = unchecked(keys[i]);
    let j = isObj ? record._find(key, i) : -1;
    const value = j >= 0 ? record._at(j) : JSONValue.nul();
    scratch.len = 0;
    scratch.value(value);
    j = indexIn(beforeKeys, key, i);
    if (j >= 0) {
      const from = j ? ends[j - 1] : 0;
      if (ends[j] - from == scratch.len && sameBytes(before.ptr + from, scratch.ptr, scratch.len)) continue;
    }
    if (!first) w.byte(44);
    first = false;
    w.quote(key);
    w.byte(58);
    w.bytes(scratch.ptr, scratch.len);
  }
  w.ascii("},\"unset\":[");
  first = true;
  for (let i = 0; i < beforeKeys.length; i++) {
    const key = unchecked(beforeKeys[i]);
    if (isObj && record._find(key, i) >= 0) continue;
    if (!first) w.byte(44);
    first = false;
    w.quote(key);
  }
  w.ascii("]}");
}

export function pb_handle(ptr: i32, len: i32): i64 {
  const event = parseUTF8(<usize>ptr, <usize>len, true);
  const reg = findReg(<i32>event.get("handler").asNumber());
  if (!reg) {
    const w = new Writer(128);
    ApiError.badRequest("no such handler").write(w);
    return hand(w);
  }
  if (reg.kind == 1) {
    const e = new RouteEvent();
    const request = event.get("request");
    e.method = request.get("method").asString();
    e.path = request.get("path").asString();
    e.query = request.get("query");
    e.headers = request.get("headers");
    e.params = event.get("params");
    e.body = event.get("body").asString();
    e.auth = event.get("auth");
    const response = changetype<RouteReg>(reg).handler(e);
    const w = new Writer(256);
    response.write(w);
    return hand(w);
  }
  if (reg.kind == 2) {
    const e = new CronEvent();
    e.name = event.get("name").asString();
    const error = changetype<CronReg>(reg).handler(e);
    const w = new Writer(128);
    if (error) error.write(w); else w.ascii("{\"action\":\"continue\"}");
    return hand(w);
  }
  const e = new RecordEvent();
  e.name = event.get("event").asString();
  e.collection = event.get("collection");
  e.record = event.get("record");
  e.original = event.get("original");
  e.auth = event.get("auth");
  e.request = event.get("request");
  e.tx = event.get("tx").asBool();
  e.depth = <i32>event.get("depth").asNumber();
  // The JSON of each top-level field before the handler runs, to send only what it changed.
  const beforeKeys = e.record.isObj() ? copyOf(e.record.keys) : new Array<string>();
  const before = new Writer(256);
  const ends = new StaticArray<usize>(beforeKeys.length);
  for (let i = 0; i < beforeKeys.length; i++) {
    before.value(e.record._at(i));
    unchecked(ends[i] = before.len);
  }
  const error = changetype<RecordReg>(reg).handler(e);
  const w = new Writer(256);
  if (error) error.write(w);
  else {
    const response = e.response;
    if (response) response.write(w);
    else recordContinue(w, e.record, beforeKeys, before, ends);
  }
  return hand(w);
}
