// Example hook in AssemblyScript: GET /api/hello/{name} answers 200 {"message":"Hello NAME!"}.
import { Hooks, HttpResponse, JSONValue, RouteEvent } from "@wasmbase/sdk-as/assembly";
export { pb_alloc, pb_manifest, pb_handle } from "@wasmbase/sdk-as/assembly";

function hello(e: RouteEvent): HttpResponse {
  return HttpResponse.json(200, JSONValue.obj().set("message", JSONValue.str("Hello " + e.param("name") + "!")));
}

Hooks.route("GET", "/api/hello/{name}", hello);
