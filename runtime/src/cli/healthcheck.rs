//! `wasmbase healthcheck [--url=URL] [--timeout=SECONDS]`: one blocking HTTP GET, exit 0 on a
//! `200`, 1 otherwise with a Go-log-style line. Made for container `HEALTHCHECK`s in images
//! without a shell or curl, so it uses nothing but `std::net` (plain HTTP, no TLS).
//!
//! The default URL follows `WASMBASE_HTTP` (the listen address `serve` reads too), with an
//! unspecified host (`0.0.0.0`, `[::]`, empty) replaced by loopback, so an image that moves the
//! port through the environment needs no change to its health check.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::args::HealthcheckArgs;

/// The address probed when neither `--url` nor `WASMBASE_HTTP` says otherwise.
const DEFAULT_ADDR: &str = "127.0.0.1:8090";

/// Runs the check; `Err` carries the line to print.
pub fn run(args: &HealthcheckArgs) -> Result<(), String> {
    let url = match &args.url {
        Some(url) => url.clone(),
        None => default_url(std::env::var("WASMBASE_HTTP").ok().as_deref()),
    };
    let timeout = Duration::from_secs(args.timeout.max(1));
    match get_status(&url, timeout) {
        Ok(200) => Ok(()),
        Ok(status) => Err(format!("healthcheck {url}: unhealthy, HTTP status {status}")),
        Err(error) => Err(format!("healthcheck {url}: {error}")),
    }
}

/// `http://HOST:PORT/api/health` for a `serve --http` address.
pub fn default_url(listen: Option<&str>) -> String {
    let listen = listen.map(str::trim).filter(|s| !s.is_empty()).unwrap_or(DEFAULT_ADDR);
    let (host, port) = match listen.rsplit_once(':') {
        Some((host, port)) => (host, port),
        None => (listen, "8090"),
    };
    let host = match host {
        "" | "0.0.0.0" => "127.0.0.1",
        "[::]" | "::" => "[::1]",
        other => other,
    };
    format!("http://{host}:{port}/api/health")
}

/// Sends `GET url` and returns the response's status code.
pub fn get_status(url: &str, timeout: Duration) -> Result<u16, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("invalid URL: {e}"))?;
    if parsed.scheme() != "http" {
        return Err(format!(
            "unsupported scheme {:?} (only http:// is supported)",
            parsed.scheme()
        ));
    }
    let host = parsed.host_str().ok_or("invalid URL: no host")?;
    let port = parsed.port_or_known_default().unwrap_or(80);
    let mut target = parsed.path().to_owned();
    if let Some(query) = parsed.query() {
        target.push('?');
        target.push_str(query);
    }
    let deadline = Instant::now() + timeout;
    let mut stream = connect(host, port, timeout)?;
    let remaining =
        || deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
    stream.set_write_timeout(Some(remaining())).map_err(|e| e.to_string())?;
    let host_header = match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: wasmbase-healthcheck\r\n\
         Accept: */*\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(|e| format!("cannot send the request: {e}"))?;
    // Only the status line matters: read until its end, at most 1 KiB.
    let mut head = Vec::with_capacity(256);
    let mut buf = [0_u8; 256];
    while !head.windows(2).any(|w| w == b"\r\n") && head.len() < 1024 {
        stream.set_read_timeout(Some(remaining())).map_err(|e| e.to_string())?;
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("no response: {e}")),
        }
    }
    parse_status_line(&head).ok_or_else(|| {
        if head.is_empty() {
            "no response: the connection was closed".to_owned()
        } else {
            "not an HTTP response".to_owned()
        }
    })
}

fn connect(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, String> {
    // `url` keeps IPv6 hosts in brackets; `ToSocketAddrs` wants them bare.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = (bare, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    let mut last = format!("cannot resolve {host}");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = format!("dial tcp {addr}: {e}"),
        }
    }
    Err(last)
}

/// `HTTP/1.1 200 OK` → 200.
fn parse_status_line(head: &[u8]) -> Option<u16> {
    let line = head.split(|&b| b == b'\r' || b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split(' ');
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    let code = parts.next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_url_follows_the_listen_address() {
        assert_eq!(default_url(None), "http://127.0.0.1:8090/api/health");
        assert_eq!(default_url(Some("")), "http://127.0.0.1:8090/api/health");
        assert_eq!(default_url(Some("0.0.0.0:8090")), "http://127.0.0.1:8090/api/health");
        assert_eq!(default_url(Some(":9000")), "http://127.0.0.1:9000/api/health");
        assert_eq!(default_url(Some("[::]:8091")), "http://[::1]:8091/api/health");
        assert_eq!(default_url(Some("10.1.2.3:80")), "http://10.1.2.3:80/api/health");
        assert_eq!(default_url(Some("example.com")), "http://example.com:8090/api/health");
    }

    #[test]
    fn parses_status_lines() {
        assert_eq!(parse_status_line(b"HTTP/1.1 200 OK\r\n"), Some(200));
        assert_eq!(parse_status_line(b"HTTP/1.0 503 Service Unavailable\r\nx: y"), Some(503));
        assert_eq!(parse_status_line(b"HTTP/1.1 204"), Some(204));
        assert_eq!(parse_status_line(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(parse_status_line(b"HTTP/1.1 2000 x\r\n"), None);
        assert_eq!(parse_status_line(b""), None);
    }

    #[test]
    fn rejects_bad_urls() {
        let t = Duration::from_secs(1);
        assert!(get_status("https://127.0.0.1/", t).unwrap_err().contains("only http://"));
        assert!(get_status("not a url", t).unwrap_err().contains("invalid URL"));
    }
}
