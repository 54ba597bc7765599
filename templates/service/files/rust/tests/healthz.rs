//! Start the real server on a free port and talk HTTP to it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn get(path: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let addr = listener.local_addr().expect("local address");
    std::thread::spawn(move || service::serve(listener));
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the response");
    response
}

#[test]
fn healthz_is_ok() {
    let response = get("/healthz");
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.ends_with("\r\n\r\n{\"status\":\"ok\"}"),
        "{response}"
    );
}

#[test]
fn root_names_the_service() {
    let response = get("/");
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(
        response.contains(&format!("\"service\":\"{}\"", service::NAME)),
        "{response}"
    );
}

#[test]
fn unknown_path_is_not_found() {
    assert!(get("/nope").starts_with("HTTP/1.1 404 Not Found\r\n"));
}
