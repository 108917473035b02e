//! The server's bounds over real sockets (SPEC §13.3), with short timeouts: a client that
//! sends half its headers is cut off, an idle keep-alive connection is closed, connections
//! beyond the cap wait, and shutdown lets the request in flight finish.

use std::convert::Infallible;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use glue_server::Server;
use http_body_util::Full;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// Answers `ok`, after `/slow` half a second; `/whoami` answers the client's address as the
/// server gave it.
#[derive(Clone)]
struct Hello;

impl tower::Service<http::Request<hyper::body::Incoming>> for Hello {
    type Response = http::Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, Infallible>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<hyper::body::Incoming>) -> Self::Future {
        Box::pin(async move {
            if request.method() == http::Method::POST {
                // Read the body, as a router does before it answers.
                let _ = http_body_util::BodyExt::collect(request.into_body()).await;
                return Ok(http::Response::new(Full::new(Bytes::from_static(b"ok"))));
            }
            if request.uri().path() == "/whoami" {
                let client = request
                    .extensions()
                    .get::<glue_core::ClientAddress>()
                    .map_or_else(|| "unknown".to_owned(), |client| client.0.to_string());
                return Ok(http::Response::new(Full::new(Bytes::from(client))));
            }
            if request.uri().path() == "/slow" {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Ok(http::Response::new(Full::new(Bytes::from_static(b"ok"))))
        })
    }
}

async fn start(server: Server) -> (SocketAddr, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        server
            .serve(listener, Hello, async {
                let _ = stopped.await;
            })
            .await
            .expect("serves");
    });
    (address, stop, task)
}

const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n";

/// Reads until the peer closes; what was read.
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut all = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buffer = [0u8; 1024];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) => return true,
                Ok(n) => all.extend_from_slice(&buffer[..n]),
                Err(error) if error.kind() == ErrorKind::ConnectionReset => return true,
                Err(_) => return false,
            }
        }
    })
    .await;
    matches!(read, Ok(true)).then_some(all)
}

#[tokio::test]
async fn half_sent_headers_are_cut_off() {
    let (address, _stop, _task) =
        start(Server::new().header_read_timeout(Duration::from_millis(300))).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: te")
        .await
        .unwrap();
    let closed = read_to_close(&mut stream, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "the connection stays open");
    // The server still serves others.
    let mut other = TcpStream::connect(address).await.unwrap();
    other.write_all(REQUEST).await.unwrap();
    let mut buffer = [0u8; 256];
    let n = other.read(&mut buffer).await.unwrap();
    assert!(String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let (address, _stop, _task) =
        start(Server::new().idle_timeout(Duration::from_millis(300))).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(REQUEST).await.unwrap();
    let answer = read_to_close(&mut stream, Duration::from_secs(5))
        .await
        .expect("closed once idle");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_one() {
    let (address, _stop, _task) = start(
        Server::new()
            .max_connections(1)
            .idle_timeout(Duration::from_secs(30)),
    )
    .await;
    let mut first = TcpStream::connect(address).await.unwrap();
    first.write_all(REQUEST).await.unwrap();
    let mut buffer = [0u8; 256];
    assert!(first.read(&mut buffer).await.unwrap() > 0);
    // The second is accepted by the kernel but not served while the first is open.
    let mut second = TcpStream::connect(address).await.unwrap();
    second.write_all(REQUEST).await.unwrap();
    let waiting = tokio::time::timeout(Duration::from_millis(300), second.read(&mut buffer)).await;
    assert!(waiting.is_err(), "served beyond the cap");
    drop(first);
    let n = tokio::time::timeout(Duration::from_secs(5), second.read(&mut buffer))
        .await
        .expect("served once a slot is free")
        .unwrap();
    assert!(String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn shutdown_lets_the_request_in_flight_finish() {
    let (address, stop, task) = start(Server::new()).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let answer = read_to_close(&mut stream, Duration::from_secs(5))
        .await
        .expect("answered, then closed");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the server returns")
        .unwrap();
    assert!(
        TcpStream::connect(address).await.is_err(),
        "still listening"
    );
}

#[tokio::test]
async fn a_body_that_never_comes_does_not_hold_the_connection() {
    let (address, _stop, _task) =
        start(Server::new().idle_timeout(Duration::from_millis(300))).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n")
        .await
        .unwrap();
    // Headers complete, body never sent: closed after two idle periods, not held.
    let closed = read_to_close(&mut stream, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "the connection stays open");
}

/// Every request carries the address of its client (SPEC §13.2 throttles per address).
#[tokio::test]
async fn requests_carry_the_client_address() {
    let (address, _stop, _task) = start(Server::new()).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /whoami HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_to_close(&mut stream, Duration::from_secs(5))
        .await
        .expect("the answer ends");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n127.0.0.1"), "{answer}");
}
