//! Serving a Glue application on the open internet (SPEC §13.3): hyper's HTTP/1 connection
//! driver, with what a hostile client must not be able to do taken away.
//!
//! - a connection whose request headers do not arrive within the header-read timeout (30 s by
//!   default) is closed (hyper's own timeout; slow-loris clients hold nothing for long);
//! - a keep-alive connection idle for the idle timeout (60 s by default: no byte read or
//!   written) is closed gracefully;
//! - at most `max_connections` connections are served at once (1,024 by default); beyond it,
//!   new ones wait in the listener's backlog until one closes;
//! - on shutdown, no connection is accepted, idle ones close, and requests in flight finish
//!   (for at most the grace period, 30 s by default).
//!
//! ```no_run
//! use glue_core::Application;
//! use glue_server::Server;
//! # async fn run() -> std::io::Result<()> {
//! let router = Application::new("api").build();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! Server::new()
//!     .serve(listener, router, async {
//!         let _ = tokio::signal::ctrl_c().await;
//!     })
//!     .await
//! # }
//! ```
//!
//! Any tower service of `Request<hyper::body::Incoming>` serves, so an axum router with the
//! Glue router mounted in it does too.

use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

type BoxError = Box<dyn StdError + Send + Sync>;

/// How a listener is served; see the crate's documentation for what each bound does.
#[derive(Debug, Clone)]
pub struct Server {
    header_read_timeout: Duration,
    idle_timeout: Duration,
    max_connections: usize,
    shutdown_grace: Duration,
}

impl Default for Server {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

impl Server {
    /// The defaults: headers within 30 s, idle connections closed after 60 s, 1,024
    /// connections, 30 s for requests in flight at shutdown.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How long a client has to send a request's headers.
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How long a connection may stay without a byte read or written before it is closed.
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How many connections are served at once (at least one).
    #[must_use]
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// How long requests in flight may take to finish once shutdown begins.
    #[must_use]
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Serves `service` on `listener` until `shutdown` completes, then lets requests in
    /// flight finish (within the grace period) and returns.
    ///
    /// # Errors
    ///
    /// When the listener fails for a reason other than a refused or reset connection.
    pub async fn serve<S, B>(
        &self,
        listener: TcpListener,
        service: S,
        shutdown: impl Future<Output = ()> + Send,
    ) -> io::Result<()>
    where
        S: tower::Service<http::Request<Incoming>, Response = http::Response<B>>
            + Clone
            + Send
            + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: http_body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let slots = Arc::new(Semaphore::new(self.max_connections));
        let (stop, stopping) = watch::channel(false);
        let mut connections = JoinSet::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            // A free slot first: beyond the cap, clients wait in the backlog.
            let slot = tokio::select! {
                slot = Arc::clone(&slots).acquire_owned() => slot.map_err(io::Error::other)?,
                () = &mut shutdown => break,
            };
            let stream = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(error) if transient(&error) => continue,
                    Err(error) => {
                        // Out of file descriptors, or memory: the listener itself is fine;
                        // wait a moment rather than stop serving.
                        tracing::warn!(%error, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let connection = self.connection(stream, service.clone(), stopping.clone());
            connections.spawn(async move {
                connection.await;
                drop(slot);
            });
            // Finished connections leave the set as they go.
            while connections.try_join_next().is_some() {}
        }
        drop(listener);
        let _ = stop.send(true);
        let drained = tokio::time::timeout(self.shutdown_grace, async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                left = connections.len(),
                "requests still in flight after the shutdown grace period were cut"
            );
            connections.abort_all();
        }
        Ok(())
    }

    /// One connection: hyper's driver with the header-read timeout, closed gracefully when
    /// idle or when the server stops.
    fn connection<S, B>(
        &self,
        stream: TcpStream,
        service: S,
        mut stopping: watch::Receiver<bool>,
    ) -> impl Future<Output = ()> + Send + 'static
    where
        S: tower::Service<http::Request<Incoming>, Response = http::Response<B>>
            + Clone
            + Send
            + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: http_body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let idle = self.idle_timeout;
        let header_read_timeout = self.header_read_timeout;
        async move {
            let _ = stream.set_nodelay(true);
            // Every request of the connection knows whom it came from (login throttles count
            // per address).
            let client = stream
                .peer_addr()
                .ok()
                .map(|peer| glue_core::ClientAddress(peer.ip()));
            let service = tower::ServiceExt::map_request(
                service,
                move |mut request: http::Request<Incoming>| {
                    if let Some(client) = client {
                        request.extensions_mut().insert(client);
                    }
                    request
                },
            );
            let activity = Activity::new();
            let io = TokioIo::new(Tracked {
                inner: stream,
                activity: activity.clone(),
            });
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout)
                .keep_alive(true);
            let connection = builder.serve_connection(io, TowerToHyperService::new(service));
            let mut connection = std::pin::pin!(connection);
            let mut closing = false;
            loop {
                let quiet_for = activity.quiet_for();
                let wake = idle
                    .saturating_sub(quiet_for)
                    .max(Duration::from_millis(10));
                tokio::select! {
                    result = connection.as_mut() => {
                        if let Err(error) = result {
                            tracing::debug!(%error, "a connection ended with an error");
                        }
                        return;
                    }
                    changed = stopping.changed(), if !closing => {
                        if changed.is_err() || *stopping.borrow() {
                            closing = true;
                            connection.as_mut().graceful_shutdown();
                        }
                    }
                    () = tokio::time::sleep(wake) => {
                        if activity.quiet_for() >= idle {
                            if closing {
                                // Closing, and still nothing moves (a body that never comes,
                                // an answer never read): the connection is dropped.
                                return;
                            }
                            closing = true;
                            connection.as_mut().graceful_shutdown();
                            activity.touch();
                        }
                    }
                }
            }
        }
    }
}

/// Accept errors that concern one connection, not the listener.
fn transient(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
            | io::ErrorKind::TimedOut
    )
}

/// When a connection last read or wrote a byte.
#[derive(Clone)]
struct Activity {
    start: Instant,
    last: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            last: Arc::new(AtomicU64::new(0)),
        }
    }

    fn touch(&self) {
        let elapsed = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(elapsed, Ordering::Relaxed);
    }

    fn quiet_for(&self) -> Duration {
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last)
    }
}

/// A stream that notes each byte it moves.
struct Tracked {
    inner: TcpStream,
    activity: Activity,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buffers: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, buffers);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
