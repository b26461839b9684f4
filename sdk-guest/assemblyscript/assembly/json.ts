// A small JSON value type for hooks: parse, build, stringify. Objects keep their key order.

export const enum Kind { Null, Bool, Num, Str, Arr, Obj }

export class JSONValue {
  kind: Kind = Kind.Null;
  b: bool = false;
  n: f64 = 0;
  s: string = "";
  items: JSONValue[] = [];
  keys: string[] = [];
  values: Map<string, JSONValue> = new Map<string, JSONValue>();

  static nul(): JSONValue { return new JSONValue(); }
  static bool(v: bool): JSONValue { const j = new JSONValue(); j.kind = Kind.Bool; j.b = v; return j; }
  static num(v: f64): JSONValue { const j = new JSONValue(); j.kind = Kind.Num; j.n = v; return j; }
  static str(v: string): JSONValue { const j = new JSONValue(); j.kind = Kind.Str; j.s = v; return j; }
  static arr(): JSONValue { const j = new JSONValue(); j.kind = Kind.Arr; return j; }
  static obj(): JSONValue { const j = new JSONValue(); j.kind = Kind.Obj; return j; }

  isNull(): bool { return this.kind == Kind.Null; }
  isObj(): bool { return this.kind == Kind.Obj; }

  /** Sets a key of an object (keeps the first position of an existing key). */
  set(key: string, value: JSONValue): JSONValue {
    if (!this.values.has(key)) this.keys.push(key);
    this.values.set(key, value);
    return this;
  }
  /** Appends to an array. */
  push(value: JSONValue): JSONValue { this.items.push(value); return this; }
  has(key: string): bool { return this.kind == Kind.Obj && this.values.has(key); }
  /** A key of an object (null value when missing). */
  get(key: string): JSONValue {
    if (this.kind != Kind.Obj || !this.values.has(key)) return JSONValue.nul();
    return this.values.get(key);
  }
  /** The string (empty when not a string). */
  asString(): string { return this.kind == Kind.Str ? this.s : ""; }
  asNumber(): f64 { return this.kind == Kind.Num ? this.n : 0; }
  asBool(): bool { return this.kind == Kind.Bool ? this.b : false; }

  stringify(): string {
    switch (this.kind) {
      case Kind.Null: return "null";
      case Kind.Bool: return this.b ? "true" : "false";
      case Kind.Num: {
        if (!isFinite(this.n)) return "null";
        if (this.n == Math.floor(this.n) && Math.abs(this.n) < 1e15) return (<i64>this.n).toString();
        return this.n.toString();
      }
      case Kind.Str: return quote(this.s);
      case Kind.Arr: {
        const parts = new Array<string>();
        for (let i = 0; i < this.items.length; i++) parts.push(this.items[i].stringify());
        return "[" + parts.join(",") + "]";
      }
      default: {
        const parts = new Array<string>();
        for (let i = 0; i < this.keys.length; i++) {
          const k = this.keys[i];
          parts.push(quote(k) + ":" + this.values.get(k).stringify());
        }
        return "{" + parts.join(",") + "}";
      }
    }
  }
}

function hex4(code: i32): string {
  const digits = "0123456789abcdef";
  let out = "";
  for (let shift = 12; shift >= 0; shift -= 4) out += digits.charAt((code >> shift) & 15);
  return out;
}

export function quote(s: string): string {
  let out = "\"";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 34) out += "\\\"";
    else if (c == 92) out += "\\\\";
    else if (c == 10) out += "\\n";
    else if (c == 13) out += "\\r";
    else if (c == 9) out += "\\t";
    else if (c < 32) out += "\\u" + hex4(c);
    else out += String.fromCharCode(c);
  }
  return out + "\"";
}

class Parser {
  pos: i32 = 0;
  constructor(public text: string) {}

  ws(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c == 32 || c == 9 || c == 10 || c == 13) this.pos++; else break;
    }
  }

  value(): JSONValue {
    this.ws();
    if (this.pos >= this.text.length) return JSONValue.nul();
    const c = this.text.charCodeAt(this.pos);
    if (c == 123) return this.object();
    if (c == 91) return this.array();
    if (c == 34) return JSONValue.str(this.string());
    if (this.text.startsWith("true", this.pos)) { this.pos += 4; return JSONValue.bool(true); }
    if (this.text.startsWith("false", this.pos)) { this.pos += 5; return JSONValue.bool(false); }
    if (this.text.startsWith("null", this.pos)) { this.pos += 4; return JSONValue.nul(); }
    const start = this.pos;
    while (this.pos < this.text.length) {
      const d = this.text.charCodeAt(this.pos);
      if ((d >= 48 && d <= 57) || d == 45 || d == 43 || d == 46 || d == 101 || d == 69) this.pos++; else break;
    }
    return JSONValue.num(parseFloat(this.text.substring(start, this.pos)));
  }

  object(): JSONValue {
    const out = JSONValue.obj();
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) == 125) { this.pos++; return out; }
    while (this.pos < this.text.length) {
      this.ws();
      const key = this.string();
      this.ws();
      this.pos++; // ':'
      out.set(key, this.value());
      this.ws();
      const c = this.text.charCodeAt(this.pos++);
      if (c == 125) break;
    }
    return out;
  }

  array(): JSONValue {
    const out = JSONValue.arr();
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) == 93) { this.pos++; return out; }
    while (this.pos < this.text.length) {
      out.push(this.value());
      this.ws();
      const c = this.text.charCodeAt(this.pos++);
      if (c == 93) break;
    }
    return out;
  }

  string(): string {
    this.pos++; // opening quote
    let out = "";
    let start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c == 34) break;
      if (c == 92) {
        out += this.text.substring(start, this.pos);
        const e = this.text.charCodeAt(this.pos + 1);
        this.pos += 2;
        if (e == 110) out += "\n";
        else if (e == 116) out += "\t";
        else if (e == 114) out += "\r";
        else if (e == 98) out += "\b";
        else if (e == 102) out += "\f";
        else if (e == 117) {
          out += String.fromCharCode(<i32>parseInt(this.text.substring(this.pos, this.pos + 4), 16));
          this.pos += 4;
        } else out += String.fromCharCode(e);
        start = this.pos;
        continue;
      }
      this.pos++;
    }
    out += this.text.substring(start, this.pos);
    this.pos++; // closing quote
    return out;
  }
}

/** Parses JSON text (lenient: malformed input gives a partial value, never a trap). */
export function parse(text: string): JSONValue {
  return new Parser(text).value();
}
