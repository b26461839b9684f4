//! A server-sent events client on a raw TCP connection: opens `GET /api/realtime` exactly as
//! an `EventSource` would (no Authorization header unless the test adds one), keeps the
//! response head, decodes the chunked body and hands every complete message over with its
//! raw bytes, so tests can compare the wire layout as well as the parsed fields. Dropping the
//! client closes the connection (a client that vanishes).

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// One thing the stream produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A message, terminated by a blank line.
    Message(SseMessage),
    /// The server ended the stream (or the connection broke).
    Closed,
}

/// One server-sent event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseMessage {
    /// The message exactly as sent, blank-line terminator included.
    pub raw: String,
    /// The `id:` field.
    pub id: String,
    /// The `event:` field.
    pub event: String,
    /// The `data:` field (lines joined with `\n`).
    pub data: String,
    /// How many HTTP chunks the message was spread over (1 when the body is not chunked).
    pub chunks: usize,
}

/// An open SSE connection.
#[derive(Debug)]
pub struct SseClient {
    /// Response status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    frames: mpsc::UnboundedReceiver<Frame>,
    reader: JoinHandle<()>,
}

impl SseClient {
    /// Connects to `base` (`http://127.0.0.1:port`) and requests `path` with `headers`.
    pub async fn connect(
        base: &str,
        path: &str,
        headers: &[(String, String)],
    ) -> anyhow::Result<Self> {
        let host = base.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let mut stream = TcpStream::connect(&host).await?;
        let mut head = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n"
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await?;
        let mut buffer = Vec::new();
        let split = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at;
            }
            let mut chunk = [0u8; 4096];
            let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
                .await
                .map_err(|_| anyhow::anyhow!("no response head from {base}{path}"))??;
            anyhow::ensure!(read > 0, "connection closed before the response head");
            buffer.extend_from_slice(&chunk[..read]);
        };
        let (status, headers) = parse_head(&String::from_utf8_lossy(&buffer[..split]))?;
        let rest = buffer[split + 4..].to_vec();
        let chunked = headers
            .get("transfer-encoding")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        let (tx, frames) = mpsc::unbounded_channel();
        let reader = tokio::spawn(read_body(stream, rest, chunked, tx));
        Ok(Self { status, headers, frames, reader })
    }

    /// Every frame received so far, without waiting.
    pub fn drain(&mut self) -> Vec<Frame> {
        let mut out = Vec::new();
        while let Ok(frame) = self.frames.try_recv() {
            out.push(frame);
        }
        out
    }

    /// Waits up to `timeout` for the next frame.
    pub async fn next(&mut self, timeout: Duration) -> Option<Frame> {
        tokio::time::timeout(timeout, self.frames.recv()).await.ok().flatten()
    }
}

impl Drop for SseClient {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

fn parse_head(head: &str) -> anyhow::Result<(u16, HeaderMap)> {
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("bad status line in {head:?}"))?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { continue };
        headers.append(
            HeaderName::from_bytes(name.trim().as_bytes())?,
            HeaderValue::from_str(value.trim())?,
        );
    }
    Ok((status, headers))
}

/// Reads the body until the connection ends, turning it into frames.
async fn read_body(
    mut stream: TcpStream,
    mut pending: Vec<u8>,
    chunked: bool,
    tx: mpsc::UnboundedSender<Frame>,
) {
    let mut body = Vec::new();
    let mut dechunker = Dechunker::default();
    loop {
        if chunked {
            dechunker.feed(&mut pending, &mut body);
        } else {
            body.append(&mut pending);
        }
        while let Some(message) = take_message(&mut body, &mut dechunker) {
            if tx.send(Frame::Message(message)).is_err() {
                return;
            }
        }
        if dechunker.done {
            break;
        }
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(read) => pending.extend_from_slice(&chunk[..read]),
        }
    }
    let _ = tx.send(Frame::Closed);
}

/// Decodes `Transfer-Encoding: chunked` incrementally, noting where each chunk ended.
#[derive(Default)]
struct Dechunker {
    remaining: usize,
    in_data: bool,
    done: bool,
    /// Body bytes decoded so far.
    decoded: usize,
    /// Body bytes taken off as messages so far.
    taken: usize,
    /// Where chunks ended (as counts of decoded bytes) after the last message taken.
    chunk_ends: std::collections::VecDeque<usize>,
}

impl Dechunker {
    fn feed(&mut self, input: &mut Vec<u8>, out: &mut Vec<u8>) {
        loop {
            if self.done {
                return;
            }
            if self.in_data {
                if self.remaining > 0 {
                    let take = self.remaining.min(input.len());
                    out.extend(input.drain(..take));
                    self.remaining -= take;
                    self.decoded += take;
                    if self.remaining > 0 {
                        return;
                    }
                    self.chunk_ends.push_back(self.decoded);
                }
                if input.len() < 2 {
                    return;
                }
                input.drain(..2);
                self.in_data = false;
            }
            let Some(end) = input.windows(2).position(|w| w == b"\r\n") else { return };
            let line = String::from_utf8_lossy(&input[..end]).into_owned();
            input.drain(..end + 2);
            let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16);
            match size {
                Ok(0) | Err(_) => self.done = true,
                Ok(size) => {
                    self.remaining = size;
                    self.in_data = true;
                }
            }
        }
    }

    /// Counts the chunks the next `len` bytes of the body came in, and forgets them.
    fn take(&mut self, len: usize) -> usize {
        let end = self.taken + len;
        let mut splits = 0;
        while let Some(&at) = self.chunk_ends.front() {
            if at > end {
                break;
            }
            if at < end {
                splits += 1;
            }
            self.chunk_ends.pop_front();
        }
        self.taken = end;
        splits + 1
    }
}

/// Takes the first complete message (up to a blank line) off `body`.
fn take_message(body: &mut Vec<u8>, dechunker: &mut Dechunker) -> Option<SseMessage> {
    let end = body.windows(2).position(|w| w == b"\n\n")?;
    let raw_bytes: Vec<u8> = body.drain(..end + 2).collect();
    let chunks = dechunker.take(raw_bytes.len());
    let raw = String::from_utf8_lossy(&raw_bytes).into_owned();
    let mut message = SseMessage {
        raw: raw.clone(),
        id: String::new(),
        event: String::new(),
        data: String::new(),
        chunks,
    };
    let mut data_lines = Vec::new();
    for line in raw.trim_end_matches('\n').split('\n') {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => value.clone_into(&mut message.id),
            "event" => value.clone_into(&mut message.event),
            "data" => data_lines.push(value),
            _ => {}
        }
    }
    message.data = data_lines.join("\n");
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dechunks_across_reads_and_splits_messages() {
        let mut dechunker = Dechunker::default();
        let mut body = Vec::new();
        let mut input = b"5\r\nid:ab\r\n1".to_vec();
        dechunker.feed(&mut input, &mut body);
        input.extend_from_slice(b"2\r\n\nevent:x\ndata:{}\n\n\r\n");
        dechunker.feed(&mut input, &mut body);
        input.extend_from_slice(b"c\r\nid:ab\ndata:1\r\n2\r\n\n\n\r\n0\r\n\r\n");
        dechunker.feed(&mut input, &mut body);
        assert!(dechunker.done);
        let message = take_message(&mut body, &mut dechunker).unwrap();
        assert_eq!((message.id.as_str(), message.event.as_str()), ("ab", "x"));
        assert_eq!(message.data, "{}");
        assert_eq!(message.raw, "id:ab\nevent:x\ndata:{}\n\n");
        assert_eq!(message.chunks, 2);
        let message = take_message(&mut body, &mut dechunker).unwrap();
        assert_eq!((message.data.as_str(), message.chunks), ("1", 2));
        assert!(take_message(&mut body, &mut dechunker).is_none());
    }

    #[test]
    fn a_message_in_one_chunk_counts_one() {
        let mut dechunker = Dechunker::default();
        let mut body = Vec::new();
        let mut input = b"17\r\nid:ab\nevent:x\ndata:{}\n\n\r\n6\r\nid:c\n\n\r\n".to_vec();
        dechunker.feed(&mut input, &mut body);
        let message = take_message(&mut body, &mut dechunker).unwrap();
        assert_eq!((message.raw.as_str(), message.chunks), ("id:ab\nevent:x\ndata:{}\n\n", 1));
        let message = take_message(&mut body, &mut dechunker).unwrap();
        assert_eq!((message.id.as_str(), message.chunks), ("c", 1));
    }
}
