//! Connection limits: slow headers are cut off, and a full server makes new
//! connections wait rather than fail.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::spawn_with;

/// Opens a connection that sends half a request's headers and then nothing.
async fn slow_client(addr: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").await.unwrap();
    s
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    let app = spawn_with(false, |c| c.server.header_timeout_secs = 1).await;
    let addr = app.base_url.trim_start_matches("http://").to_owned();
    let mut slow = slow_client(&addr).await;
    let start = Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the server still holds the connection after 5 s");
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(3), "{waited:?}");
    // A reader with a whole request is served as usual.
    assert_eq!(app.get("/healthz").await.0, 200);
}

#[tokio::test]
async fn a_full_server_makes_new_connections_wait_not_fail() {
    let app = spawn_with(false, |c| {
        c.server.header_timeout_secs = 1;
        c.server.max_connections = 1;
    })
    .await;
    let addr = app.base_url.trim_start_matches("http://").to_owned();
    let _slow = slow_client(&addr).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let start = Instant::now();
    // The only slot is taken until the slow client is cut off; then this one is served.
    let fresh = reqwest::Client::new();
    let r = fresh.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(500), "served at once although the server was full: {waited:?}");
    assert!(waited < Duration::from_secs(4), "{waited:?}");
}
