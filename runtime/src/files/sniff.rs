//! Content sniffing for uploads: PocketBase checks `mimeTypes` against the detected type, not
//! the client's header. Common binary formats by magic bytes, UTF-8 text as
//! `text/plain; charset=utf-8`, everything else `application/octet-stream`.

/// The detected content type and its usual extension (with the dot).
pub fn sniff(data: &[u8]) -> (&'static str, &'static str) {
    const SIGNATURES: &[(&[u8], &str, &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
        (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
        (b"GIF87a", "image/gif", ".gif"),
        (b"GIF89a", "image/gif", ".gif"),
        (b"%PDF-", "application/pdf", ".pdf"),
        (b"PK\x03\x04", "application/zip", ".zip"),
        (b"\x1f\x8b", "application/gzip", ".gz"),
        (b"BM", "image/bmp", ".bmp"),
        (b"\x00\x00\x01\x00", "image/x-icon", ".ico"),
        (b"OggS", "application/ogg", ".ogg"),
        (b"ID3", "audio/mpeg", ".mp3"),
        (b"\x1aE\xdf\xa3", "video/webm", ".webm"),
    ];
    for (magic, mime, ext) in SIGNATURES {
        if data.starts_with(magic) {
            return (mime, ext);
        }
    }
    if data.len() >= 12 && &data[..4] == b"RIFF" {
        match &data[8..12] {
            b"WEBP" => return ("image/webp", ".webp"),
            b"WAVE" => return ("audio/wav", ".wav"),
            b"AVI " => return ("video/x-msvideo", ".avi"),
            _ => {}
        }
    }
    if data.len() >= 12 && &data[4..8] == b"ftyp" {
        return ("video/mp4", ".mp4");
    }
    let head = &data[..data.len().min(512)];
    let trimmed =
        head.iter().position(|b| !b.is_ascii_whitespace()).map_or(&[][..], |i| &head[i..]);
    if trimmed.starts_with(b"<svg")
        || (trimmed.starts_with(b"<?xml") && head.windows(4).any(|w| w == b"<svg"))
    {
        return ("image/svg+xml", ".svg");
    }
    if std::str::from_utf8(head).is_ok() || is_truncated_utf8(head) {
        let json_like = trimmed.starts_with(b"{") || trimmed.starts_with(b"[");
        if json_like && serde_json::from_slice::<serde_json::Value>(data).is_ok() {
            return ("application/json", ".json");
        }
        return ("text/plain; charset=utf-8", ".txt");
    }
    ("application/octet-stream", "")
}

fn is_truncated_utf8(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > head.len(),
    }
}

/// The media type without parameters (`text/plain; charset=utf-8` → `text/plain`).
pub fn essence(mime: &str) -> &str {
    mime.split(';').next().unwrap_or(mime).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_common_types() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest").0, "image/png");
        assert_eq!(sniff(b"hello notes\n").0, "text/plain; charset=utf-8");
        assert_eq!(sniff(&[0u8, 159, 146, 150]).0, "application/octet-stream");
        assert_eq!(essence("text/plain; charset=utf-8"), "text/plain");
    }
}
