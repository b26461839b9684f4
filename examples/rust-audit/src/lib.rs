//! Example hook: after a successful create, update or delete in any collection other than
//! `audit_log`, when a base collection `audit_log` exists, inserts
//! `{collection, record, action}` into it (through the records API of the host, so its own
//! validation and hooks apply).

use wasmbase_sdk::prelude::*;

wasmbase_sdk::hooks!(register);

fn register(hooks: &mut Hooks) {
    hooks.on_record_after_create_success(&["*"], |e| audit(e, "create"));
    hooks.on_record_after_update_success(&["*"], |e| audit(e, "update"));
    hooks.on_record_after_delete_success(&["*"], |e| audit(e, "delete"));
}

fn audit(e: &mut RecordEvent, action: &str) -> Result<(), ApiError> {
    if e.collection.name == "audit_log" {
        return Ok(());
    }
    let exists =
        db::query("SELECT 1 FROM _collections WHERE name = 'audit_log' AND type = 'base'", &[])?;
    if exists.is_empty() {
        return Ok(());
    }
    let mut entry = Map::new();
    entry.insert("collection".to_owned(), json!(e.collection.name));
    entry.insert("record".to_owned(), json!(e.record.id()));
    entry.insert("action".to_owned(), json!(action));
    records::save("audit_log", &entry)?;
    Ok(())
}
