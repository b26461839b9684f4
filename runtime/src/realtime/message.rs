//! The SSE wire format PocketBase writes: `id:<clientId>\nevent:<name>\ndata:<json>\n\n`, no
//! spaces after the colons, the client id as the id of every message, no retry or comments.
//! See `../shared/spec/realtime.md` §2.

use bytes::{BufMut, Bytes, BytesMut};

/// The name of the first message of every connection.
pub const CONNECT_EVENT: &str = "PB_CONNECT";

/// One encoded message.
pub fn encode(client_id: &str, event: &str, data: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(client_id.len() + event.len() + data.len() + 20);
    out.put_slice(b"id:");
    out.put_slice(client_id.as_bytes());
    out.put_slice(b"\nevent:");
    out.put_slice(event.as_bytes());
    out.put_slice(b"\ndata:");
    out.put_slice(data);
    out.put_slice(b"\n\n");
    out.freeze()
}

/// The `PB_CONNECT` message for `client_id`.
pub fn connect(client_id: &str) -> Bytes {
    let data = serde_json::json!({ "clientId": client_id }).to_string();
    encode(client_id, CONNECT_EVENT, data.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_message_matches_pocketbase_bytes() {
        assert_eq!(
            &connect("abc")[..],
            b"id:abc\nevent:PB_CONNECT\ndata:{\"clientId\":\"abc\"}\n\n"
        );
    }
}
