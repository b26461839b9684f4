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
import { JSONValue, parse, quote } from "./json";

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
    return "{\"action\":\"reject\",\"status\":" + this.status.toString() + ",\"message\":" + quote(this.message) +
      ",\"data\":" + this.data.stringify() + "}";
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
    const e = this.error;
    if (e) return e.toJSON();
    let out = "{\"action\":\"respond\",\"status\":" + this.status.toString() + ",\"headers\":" + this.headers.stringify();
    const body = this.body;
    if (body) out += ",\"body\":" + body.stringify();
    const text = this.text;
    if (text !== null) out += ",\"text\":" + quote(text);
    return out + "}";
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

const decls = new Array<string>();
const kinds = new Array<i32>(); // 0 record, 1 route, 2 cron
const recordHandlers = new Map<i32, RecordHandler>();
const routeHandlers = new Map<i32, RouteHandler>();
const cronHandlers = new Map<i32, CronHandler>();
const routeDecls = new Array<string>();
const cronDecls = new Array<string>();

function names(list: string[]): string {
  const parts = new Array<string>();
  for (let i = 0; i < list.length; i++) parts.push(quote(list[i]));
  return "[" + parts.join(",") + "]";
}

/** Registration: call these at the top level of the entry file. */
export namespace Hooks {
  /** A record hook on `event` (`onRecordCreateRequest`, `onRecordAfterUpdateSuccess`, ...). */
  export function onRecord(event: string, collections: string[], handler: RecordHandler, priority: i32 = 0, fields: string[] = []): void {
    const id = kinds.length;
    kinds.push(0);
    recordHandlers.set(id, handler);
    decls.push("{\"event\":" + quote(event) + ",\"collections\":" + names(collections) + ",\"fields\":" + names(fields) +
      ",\"priority\":" + priority.toString() + ",\"handler\":" + id.toString() + "}");
  }
  /** A custom route (`method` or `*`; `{param}` segments). */
  export function route(method: string, path: string, handler: RouteHandler, auth: string = "optional"): void {
    const id = kinds.length;
    kinds.push(1);
    routeHandlers.set(id, handler);
    routeDecls.push("{\"method\":" + quote(method) + ",\"path\":" + quote(path) + ",\"auth\":" + quote(auth) +
      ",\"handler\":" + id.toString() + "}");
  }
  /** A cron job (five fields, six with seconds, or a macro; UTC). */
  export function cron(name: string, schedule: string, handler: CronHandler): void {
    const id = kinds.length;
    kinds.push(2);
    cronHandlers.set(id, handler);
    cronDecls.push("{\"name\":" + quote(name) + ",\"schedule\":" + quote(schedule) + ",\"handler\":" + id.toString() + "}");
  }
}

// Buffers handed to the host stay reachable here (the stub runtime never frees anyway).
let lastOutput: ArrayBuffer = new ArrayBuffer(0);

function hand(text: string): i64 {
  lastOutput = String.UTF8.encode(text);
  return (<i64>changetype<usize>(lastOutput) << 32) | <i64>lastOutput.byteLength;
}

export function pb_alloc(len: i32): i32 {
  return <i32>heap.alloc(<usize>len);
}

export function pb_manifest(): i64 {
  return hand("{\"abi\":1,\"hooks\":[" + decls.join(",") + "],\"routes\":[" + routeDecls.join(",") + "],\"crons\":[" +
    cronDecls.join(",") + "]}");
}

function recordResponse(e: RecordEvent, before: JSONValue, error: ApiError | null): string {
  if (error) return error.toJSON();
  const response = e.response;
  if (response) return response.toJSON();
  const set = JSONValue.obj();
  const unset = new Array<string>();
  for (let i = 0; i < e.record.keys.length; i++) {
    const key = e.record.keys[i];
    const value = e.record.get(key);
    if (!before.has(key) || before.get(key).stringify() != value.stringify()) set.set(key, value);
  }
  for (let i = 0; i < before.keys.length; i++) if (!e.record.has(before.keys[i])) unset.push(before.keys[i]);
  return "{\"action\":\"continue\",\"set\":" + set.stringify() + ",\"unset\":" + names(unset) + "}";
}

export function pb_handle(ptr: i32, len: i32): i64 {
  const event = parse(String.UTF8.decodeUnsafe(<usize>ptr, <usize>len));
  const id = <i32>event.get("handler").asNumber();
  if (id < 0 || id >= kinds.length) return hand(ApiError.badRequest("no such handler").toJSON());
  const kind = kinds[id];
  if (kind == 1) {
    const e = new RouteEvent();
    const request = event.get("request");
    e.method = request.get("method").asString();
    e.path = request.get("path").asString();
    e.query = request.get("query");
    e.headers = request.get("headers");
    e.params = event.get("params");
    e.body = event.get("body").asString();
    e.auth = event.get("auth");
    return hand(routeHandlers.get(id)(e).toJSON());
  }
  if (kind == 2) {
    const e = new CronEvent();
    e.name = event.get("name").asString();
    const error = cronHandlers.get(id)(e);
    return hand(error ? error.toJSON() : "{\"action\":\"continue\"}");
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
  const before = parse(e.record.stringify());
  const error = recordHandlers.get(id)(e);
  return hand(recordResponse(e, before, error));
}
