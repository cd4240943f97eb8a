//! Accepting connections: hyper's HTTP/1 server with the limits `axum::serve`
//! does not set. A client gets `header_timeout_secs` to send a request's
//! headers (slow-header attacks hold a connection for nothing), and at most
//! `max_connections` connections are served at once; beyond that, new ones
//! wait in the kernel's queue instead of starving the readers already served.
//! On shutdown the listener closes and requests in flight finish (up to 30 s).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use futures_util::future::Either;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Limits of the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub max_connections: usize,
}

/// What answers a request before the router, when it can (the page cache's
/// fast lane): the router and its layers are not even cloned for it.
pub type Front = Arc<dyn Fn(&hyper::Request<Incoming>, SocketAddr) -> Option<axum::response::Response> + Send + Sync>;

/// Serves `router` on `listener` until `shutdown` resolves; `front` answers
/// first when it can.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    front: Option<Front>,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        stream.set_nodelay(true).ok();
        let router = router.clone();
        let front = front.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            // The router is cloned only for the requests it answers.
            match front.as_ref().and_then(|f| f(&req, peer)) {
                Some(res) => Either::Left(std::future::ready(Ok::<_, std::convert::Infallible>(res))),
                None => {
                    req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                    Either::Right(router.clone().oneshot(req.map(axum::body::Body::new)))
                }
            }
        });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that goes away or breaks the protocol is no server error.
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(30)) => tracing::warn!("requests still running after 30 s; stopping"),
    }
    Ok(())
}
