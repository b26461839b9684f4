//! The SSE wire format PocketBase writes: `id:<clientId>\nevent:<name>\ndata:<json>\n\n`, no
//! spaces after the colons, the client id as the id of every message, no retry or comments.
//! See `../shared/spec/realtime.md` §2.

use bytes::{BufMut, Bytes, BytesMut};

/// The name of the first message of every connection.
pub const CONNECT_EVENT: &str = "PB_CONNECT";

/// The part of every message that names the client: `id:<clientId>\n`. Made once per client;
/// each message is this followed by a [`body`] shared by every client that gets it.
pub fn prefix(client_id: &str) -> Bytes {
    let mut out = BytesMut::with_capacity(client_id.len() + 4);
    out.put_slice(b"id:");
    out.put_slice(client_id.as_bytes());
    out.put_u8(b'\n');
    out.freeze()
}

/// The rest of a message: `event:<name>\ndata:<json>\n\n`.
pub fn body(event: &str, data: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(event.len() + data.len() + 14);
    out.put_slice(b"event:");
    out.put_slice(event.as_bytes());
    out.put_slice(b"\ndata:");
    out.put_slice(data);
    out.put_slice(b"\n\n");
    out.freeze()
}

/// One whole message: a client's [`prefix`] followed by a [`body`], in one buffer so that it
/// goes out as one HTTP chunk.
pub fn framed(prefix: &[u8], body: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(prefix.len() + body.len());
    out.put_slice(prefix);
    out.put_slice(body);
    out.freeze()
}

/// The body of the `PB_CONNECT` message for `client_id`.
pub fn connect(client_id: &str) -> Bytes {
    let data = serde_json::json!({ "clientId": client_id }).to_string();
    body(CONNECT_EVENT, data.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_message_matches_pocketbase_bytes() {
        let message = framed(&prefix("abc"), &connect("abc"));
        assert_eq!(&message[..], b"id:abc\nevent:PB_CONNECT\ndata:{\"clientId\":\"abc\"}\n\n");
    }
}
