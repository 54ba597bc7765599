//! An HTTP service on the standard library only: one thread per connection, one
//! request per connection (`Connection: close`). Kubernetes probes `GET /healthz`.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// The service's name (the Cargo package name).
pub const NAME: &str = env!("CARGO_PKG_NAME");

/// Serves connections from `listener` forever.
pub fn serve(listener: TcpListener) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                thread::spawn(move || {
                    if let Err(e) = handle(stream) {
                        eprintln!("connection failed: {e}");
                    }
                });
            }
            // A failed accept (for example too many open files) must not stop the server.
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
}

fn handle(stream: TcpStream) -> io::Result<()> {
    // A client that never finishes its request must not hold a thread forever.
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Skip the headers: the routes need none, and GET requests have no body.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim_end().is_empty() {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default();
    let (status, body) = route(method, path);
    let mut out = &stream;
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    out.flush()
}

/// The status line and JSON body for a request.
pub fn route(method: &str, path: &str) -> (&'static str, String) {
    match (method, path) {
        ("GET", "/healthz") => ("200 OK", r#"{"status":"ok"}"#.to_owned()),
        // NAME is a DNS label, so it needs no JSON escaping.
        ("GET", "/") => ("200 OK", format!(r#"{{"service":"{NAME}"}}"#)),
        ("GET", _) => ("404 Not Found", r#"{"error":"not found"}"#.to_owned()),
        _ => (
            "405 Method Not Allowed",
            r#"{"error":"method not allowed"}"#.to_owned(),
        ),
    }
}
