//! Purging edge caches: the handler of `purge` jobs, which the store writes
//! in every change's transaction, one per configured edge
//! (`[cache] purge`). It sends `PURGE` with the change's keys in
//! `xkey-purge` (a hard change: the pages go) or `xkey-softpurge` (the
//! edge keeps them as stale copies while it refetches), as Varnish's xkey
//! module reads them (`docs/EDGE.md` has the VCL). A failed purge is retried
//! by the queue; it never fails the change that caused it.

use std::time::Duration;

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

use crate::queue::Outcome;
use crate::store::{Job, Purge, PURGE};

/// How long one purge may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Sends purges to edge caches.
#[derive(Default)]
pub struct Purger;

/// Where a target's address points: host, port and path.
pub fn parse_target(url: &str) -> Option<(String, u16, String)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (authority, 80),
    };
    (!host.is_empty()).then(|| (host.to_owned(), port, path.to_owned()))
}

async fn send(p: &Purge) -> Result<u16, String> {
    let (host, port, path) = parse_target(&p.target).ok_or_else(|| format!("not an http:// address: {}", p.target))?;
    let header = if p.hard { "xkey-purge" } else { "xkey-softpurge" };
    let (status, _) = request("PURGE", &host, port, &path, &[(header, p.keys.join(" "))]).await?;
    Ok(status)
}

/// Sends one plain-HTTP request and reads the answer's status and body (up to 64 KB).
pub async fn request(
    method: &str,
    host: &str,
    port: u16,
    path: &str,
    headers: &[(&str, String)],
) -> Result<(u16, Bytes), String> {
    let stream = tokio::net::TcpStream::connect((host, port)).await.map_err(|e| format!("cannot connect: {e}"))?;
    let res = exchange(stream, method, &format!("{host}:{port}"), path, headers).await?;
    Ok((res.status().as_u16(), res.into_body()))
}

/// Sends one HTTP/1.1 request over a connection already made (plain or TLS)
/// and reads the answer, its body up to 64 KB.
pub async fn exchange<S>(
    stream: S,
    method: &str,
    host: &str,
    path: &str,
    headers: &[(&str, String)],
) -> Result<hyper::Response<Bytes>, String>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    use http_body_util::BodyExt;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        conn.await.ok();
    });
    let mut req = hyper::Request::builder().method(method).uri(path).header(hyper::header::HOST, host);
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    let req = req.body(Empty::<Bytes>::new()).map_err(|e| e.to_string())?;
    let res = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let (parts, body) = res.into_parts();
    let bytes = http_body_util::Limited::new(body, 64 * 1024).collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    Ok(hyper::Response::from_parts(parts, bytes))
}

#[async_trait::async_trait]
impl crate::queue::Handler for Purger {
    fn kind(&self) -> &'static str {
        PURGE
    }

    async fn run(&self, job: &Job) -> Outcome {
        let p: Purge = match serde_json::from_str(&job.payload) {
            Ok(p) => p,
            Err(e) => return Outcome::Fail(format!("unreadable purge job: {e}")),
        };
        match tokio::time::timeout(TIMEOUT, send(&p)).await {
            Ok(Ok(s)) if (200..300).contains(&s) => Outcome::Done,
            // The edge refused it for good (not allowed, no such method): retrying will not help.
            Ok(Ok(s)) if (400..500).contains(&s) => Outcome::Fail(format!("{} answered {s}", p.target)),
            Ok(Ok(s)) => Outcome::Retry(format!("{} answered {s}", p.target)),
            Ok(Err(e)) => Outcome::Retry(format!("{}: {e}", p.target)),
            Err(_) => Outcome::Retry(format!("{}: no answer within {TIMEOUT:?}", p.target)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_plain_http_addresses() {
        assert_eq!(parse_target("http://varnish:6081/"), Some(("varnish".into(), 6081, "/".into())));
        assert_eq!(parse_target("http://127.0.0.1"), Some(("127.0.0.1".into(), 80, "/".into())));
        assert_eq!(parse_target("https://edge.example/"), None);
    }
}
