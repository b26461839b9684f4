//! Test fixture: a hook module for the hooks tests. Routes under `/api/fx/` misbehave on purpose
//! (panic, allocate without end, spin) or exercise the host API (config, fetch, records); record
//! hooks on the `fx_*` collections exercise transactions, nesting, ordering and answers.

use wasmbase_sdk::abi::event;
use wasmbase_sdk::prelude::*;

wasmbase_sdk::hooks!(register);

fn register(hooks: &mut Hooks) {
    hooks.route("GET", "/api/fx/panic", |_| panic!("boom from rust"));
    hooks.route("GET", "/api/fx/alloc", |_| {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(vec![1u8; 1 << 20]);
            if hoard.len() == usize::MAX {
                return Ok(HttpResponse::empty(204));
            }
        }
    });
    hooks.route("GET", "/api/fx/spin", |_| {
        let mut n: u64 = 0;
        loop {
            n = std::hint::black_box(n.wrapping_add(1));
            if n == u64::MAX {
                return Ok(HttpResponse::empty(204));
            }
        }
    });
    hooks.route("GET", "/api/fx/slow", |e| {
        let ms: u64 = e.query_param("ms").and_then(|m| m.parse().ok()).unwrap_or(100);
        let started = std::time::Instant::now();
        while started.elapsed().as_millis() < u128::from(ms) {
            std::hint::spin_loop();
        }
        Ok(HttpResponse::json(200, &json!({"slept": ms, "version": config::get("name")?})))
    });
    hooks
        .route("GET", "/api/fx/config", |_| Ok(HttpResponse::json(200, &config::get("greeting")?)));
    hooks.route("GET", "/api/fx/fetch", |e| {
        let url = e.query_param("url").unwrap_or_default();
        match http::fetch("GET", url, &Map::new(), None) {
            Ok(r) => Ok(HttpResponse::json(200, &json!({"status": r.status, "body": r.body}))),
            Err(error) => {
                Ok(HttpResponse::json(200, &json!({"error": error.code, "message": error.error})))
            }
        }
    });
    hooks.route("POST", "/api/fx/save/{collection}", |e| {
        let fields: Map<String, Value> = e.json()?;
        let saved = records::save(e.param("collection"), &fields)?;
        Ok(HttpResponse::json(200, saved.fields()))
    });
    hooks.route_with_auth("GET", "/api/fx/me", "required", |e| {
        Ok(HttpResponse::json(200, &json!({"id": e.auth.as_ref().map(|a| a.id().to_owned())})))
    });
    hooks.route("*", "/api/fx/any/{*rest}", |e| {
        Ok(HttpResponse::json(200, &json!({"method": e.method, "rest": e.param("rest")})))
    });

    // Model level, inside the transaction: a nested save that rolls back with the write.
    hooks.on_record_create(&["fx_notes"], |e| {
        let title = e.record.get_str("title").to_owned();
        let mut entry = Map::new();
        entry.insert("note".to_owned(), json!(title));
        records::save("fx_log", &entry)?;
        if title == "rollback" {
            return Err(ApiError::bad_request("Rolled back on purpose."));
        }
        Ok(())
    });
    hooks.on_record_after_create(&["fx_notes"], |e| {
        let rows = db::query(
            "SELECT COUNT(*) AS n FROM fx_log WHERE note = ?",
            &[json!(e.record.get_str("title"))],
        )?;
        if rows.first().and_then(|r| r.get("n")).and_then(Value::as_i64) != Some(1) {
            return Err(ApiError::bad_request("The nested write is not visible."));
        }
        Ok(())
    });
    // Hook-made writes that re-enter the hooks until the depth limit stops them.
    hooks.on_record_create(&["fx_loop"], |e| {
        let mut entry = Map::new();
        entry.insert("depth".to_owned(), json!(e.depth));
        records::save("fx_loop", &entry)?;
        Ok(())
    });
    // http.fetch inside a transaction is refused.
    hooks.on_record_create(&["fx_fetch"], |_| {
        match http::fetch("GET", "http://127.0.0.1:1/", &Map::new(), None) {
            Err(error) => Err(ApiError::bad_request(format!("{}: {}", error.code, error.error))),
            Ok(_) => Ok(()),
        }
    });
    // A request hook answering the request itself.
    hooks.on_record_create_request(&["fx_answered"], |e| {
        e.respond(HttpResponse::json(202, &json!({"answered": true})));
        Ok(())
    });
    // A handler that puts a new record in the event's place: the patch is the difference
    // (title changed, body gone, so reset to its zero value).
    hooks.on_record_create_request(&["fx_replaced"], |e| {
        let mut fields = e.record.fields().clone();
        fields.remove("body");
        fields.insert("title".to_owned(), json!(e.record.get_str("title").to_uppercase()));
        e.record = Record::from_map(fields);
        Ok(())
    });
    // The parts of an event read on first use: the request, the requester and the stored record.
    hooks.on_record_update_request(&["fx_seen"], |e| {
        let request = e.request().cloned().unwrap_or_default();
        let header = request.headers.get("x_probe").and_then(Value::as_str).unwrap_or("-");
        let seen = format!(
            "{} {} {} {} {}",
            request.method,
            request.context,
            header,
            e.original().map_or("-", |o| o.get_str("title")),
            e.auth().map_or("-", |a| a.get_str("email")),
        );
        e.record.set("seen", seen);
        Ok(())
    });
    // Ordering: priority first, then module file name.
    hooks.on_record(
        event::RECORD_CREATE_REQUEST,
        HookOptions::collections(&["fx_order"]).with_priority(5),
        |e| append(e, "late"),
    );
    hooks.on_record(
        event::RECORD_CREATE_REQUEST,
        HookOptions::collections(&["fx_order"]).with_priority(-5),
        |e| append(e, "early"),
    );
    // A delete the hooks refuse, and an update patched at model level.
    hooks.on_record_delete_request(&["fx_keep"], |_| Err(ApiError::forbidden("Kept by a hook.")));
    hooks.on_record_update(&["fx_keep"], |e| {
        e.record.set("title", format!("{} (checked)", e.record.get_str("title")));
        Ok(())
    });
    // Cron: counts runs into fx_ticks when that collection exists.
    hooks.cron("tick", "* * * * * *", |_| {
        if !db::query("SELECT 1 FROM _collections WHERE name = 'fx_ticks'", &[])?.is_empty() {
            let mut entry = Map::new();
            entry.insert("n".to_owned(), json!(1));
            records::save("fx_ticks", &entry)?;
        }
        Ok(())
    });
}

fn append(e: &mut RecordEvent, mark: &str) -> Result<(), ApiError> {
    let name = config::get("name")?.as_str().unwrap_or("fx").to_owned();
    let trail = e.record.get_str("trail").to_owned();
    let sep = if trail.is_empty() { "" } else { "," };
    e.record.set("trail", format!("{trail}{sep}{name}:{mark}"));
    Ok(())
}
