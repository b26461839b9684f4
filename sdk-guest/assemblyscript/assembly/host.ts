// Calls into the host (module `pb_v1`): logging and the operations behind `call`.
import { JSONValue, Writer, parseUTF8 } from "./json";

@external("pb_v1", "log")
declare function _log(level: i32, ptr: usize, len: i32): void;
@external("pb_v1", "call")
declare function _call(opPtr: usize, opLen: i32, reqPtr: usize, reqLen: i32): i64;
@external("pb_v1", "result_read")
declare function _resultRead(dst: usize): void;

function write(level: i32, text: string): void {
  const bytes = String.UTF8.encode(text);
  _log(level, changetype<usize>(bytes), bytes.byteLength);
}

export namespace log {
  export function debug(text: string): void { write(0, text); }
  export function info(text: string): void { write(1, text); }
  export function warn(text: string): void { write(2, text); }
  export function error(text: string): void { write(3, text); }
}

/** The outcome of a host call: `ok` with `value`, or `code` + `error`. */
export class CallResult {
  ok: bool = true;
  value: JSONValue = JSONValue.nul();
  code: string = "";
  error: string = "";
}

/** Calls host operation `op` (`db.query`, `records.save`, ...) with a JSON request. */
export function call(op: string, request: JSONValue): CallResult {
  const opBytes = String.UTF8.encode(op);
  const req = new Writer(256);
  req.value(request);
  const length = _call(changetype<usize>(opBytes), opBytes.byteLength, req.ptr, <i32>req.len);
  const size = <usize>(length < 0 ? -length : length);
  const buffer = heap.alloc(size);
  _resultRead(buffer);
  const value = parseUTF8(buffer, size);
  const result = new CallResult();
  if (length < 0) {
    result.ok = false;
    result.code = value.get("code").asString();
    result.error = value.get("error").asString();
  } else {
    result.value = value;
  }
  return result;
}

export namespace db {
  /** `{"rows": [...]}` of a query. */
  export function query(sql: string, params: JSONValue = JSONValue.arr()): CallResult {
    return call("db.query", JSONValue.obj().set("sql", JSONValue.str(sql)).set("params", params));
  }
  export function exec(sql: string, params: JSONValue = JSONValue.arr()): CallResult {
    return call("db.exec", JSONValue.obj().set("sql", JSONValue.str(sql)).set("params", params));
  }
}

export namespace records {
  export function find(collection: string, id: string): CallResult {
    return call("records.find", JSONValue.obj().set("collection", JSONValue.str(collection)).set("id", JSONValue.str(id)));
  }
  export function save(collection: string, record: JSONValue): CallResult {
    return call("records.save", JSONValue.obj().set("collection", JSONValue.str(collection)).set("record", record));
  }
  export function remove(collection: string, id: string): CallResult {
    return call("records.delete", JSONValue.obj().set("collection", JSONValue.str(collection)).set("id", JSONValue.str(id)));
  }
}

export namespace config {
  export function get(key: string): JSONValue {
    return call("config.get", JSONValue.obj().set("key", JSONValue.str(key))).value;
  }
}
