//! The shop binary as a user runs it: it starts with no set-up, prints its banner, serves, and
//! on SIGTERM finishes the request in flight before it exits.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The admin API key the tests register through `SHOP_API_KEY`.
const API_KEY: &str = "binary-test-admin-key";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

struct Shop {
    child: Child,
    backend: String,
    storefront: String,
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary and waits for its banner.
fn start() -> (Shop, Vec<String>) {
    let backend = format!("127.0.0.1:{}", free_port());
    let storefront = format!("127.0.0.1:{}", free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_example-shop"))
        .env("DATABASE_URL", "sqlite::memory:")
        .env("SHOP_BACKEND_ADDR", &backend)
        .env("SHOP_STOREFRONT_ADDR", &storefront)
        .env("RUST_LOG", "warn")
        .env("SHOP_API_KEY", API_KEY)
        .env(
            "GLUE_TOKEN_SECRET",
            "binary-test-secret-of-at-least-32-bytes",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the shop binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let (lines, banner) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut printed = Vec::new();
    loop {
        let line = banner
            .recv_timeout(Duration::from_secs(60))
            .expect("the shop prints its banner within a minute");
        let done = line.starts_with("Stop with");
        printed.push(line);
        if done {
            break;
        }
    }
    (
        Shop {
            child,
            backend,
            storefront,
        },
        printed,
    )
}

fn exchange(address: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("the shop accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a timeout");
    stream
        .write_all(request.as_bytes())
        .expect("the request is sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    answer
}

#[test]
fn the_binary_prints_its_addresses_and_serves_both_applications() {
    let (shop, banner) = start();
    let banner = banner.join("\n");
    assert!(
        banner.contains(&format!("http://{}", shop.storefront)),
        "{banner}"
    );
    assert!(
        banner.contains(&format!("http://{}", shop.backend)),
        "{banner}"
    );
    assert!(banner.contains("sqlite::memory:"), "{banner}");
    for credential in [
        "admin@example.com",
        "viewer@example.com",
        "customer1@example.com",
        "change123",
        "SHOP_API_KEY",
    ] {
        assert!(banner.contains(credential), "{credential} in {banner}");
    }

    // Closed without credentials, open with the API key...
    let answer = exchange(
        &shop.backend,
        "GET /customers?page%5Blimit%5D=5 HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let answer = exchange(
        &shop.backend,
        &format!(
            "GET /customers?page%5Blimit%5D=5 HTTP/1.1\r\nHost: shop.test\r\nX-Api-Key: {API_KEY}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"records\":5"), "{answer}");

    // ...and with a token for the demo viewer.
    let form = "grant_type=password&username=viewer%40example.com&password=change123";
    let answer = exchange(
        &shop.backend,
        &format!(
            "POST /token HTTP/1.1\r\nHost: shop.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let token = answer
        .split("\"access_token\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an access token");
    let answer = exchange(
        &shop.backend,
        &format!(
            "GET /customers/DE--1 HTTP/1.1\r\nHost: shop.test\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let answer = exchange(
        &shop.storefront,
        "GET /products/SKU-0001 HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_then_exits_cleanly() {
    let (mut shop, _) = start();
    let body = r#"{"data":{"type":"products","id":"SKU-INFLIGHT","attributes":{"name":"Late","price":1}}}"#;
    let (head, tail) = body.split_at(20);

    // Start a request and leave its body unfinished.
    let mut stream = TcpStream::connect(&shop.backend).expect("the shop accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a timeout");
    write!(
        stream,
        "POST /products HTTP/1.1\r\nHost: shop.test\r\nX-Api-Key: {API_KEY}\r\nContent-Type: application/vnd.api+json\r\nContent-Length: {}\r\n\r\n{head}",
        body.len()
    )
    .expect("the head is sent");
    stream.flush().expect("flushed");
    thread::sleep(Duration::from_millis(300));

    let pid = shop.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    thread::sleep(Duration::from_millis(300));

    // The shop is shutting down, yet the request in flight completes.
    stream.write_all(tail.as_bytes()).expect("the rest is sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(answer.contains("SKU-INFLIGHT"), "{answer}");

    let status = wait(&mut shop.child, Duration::from_secs(30));
    assert!(status.success(), "the shop exits cleanly: {status:?}");
    assert!(
        TcpStream::connect(&shop.backend).is_err(),
        "the backend no longer accepts connections"
    );
}

fn wait(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let step = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    loop {
        if let Some(status) = child.try_wait().expect("the shop process can be waited on") {
            return status;
        }
        assert!(waited < limit, "the shop did not exit within {limit:?}");
        thread::sleep(step);
        waited += step;
    }
}

/// SPEC §13.2: a signing secret shorter than 32 bytes stops the shop at start-up, with a
/// message that says what is wrong.
#[test]
fn a_short_token_secret_is_refused_at_start_up() {
    let output = Command::new(env!("CARGO_BIN_EXE_example-shop"))
        .env("DATABASE_URL", "sqlite::memory:")
        .env("SHOP_BACKEND_ADDR", format!("127.0.0.1:{}", free_port()))
        .env("SHOP_STOREFRONT_ADDR", format!("127.0.0.1:{}", free_port()))
        .env("GLUE_TOKEN_SECRET", "too-short")
        .output()
        .expect("the shop binary runs");
    assert!(!output.status.success());
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains("GLUE_TOKEN_SECRET") && errors.contains("at least 32"),
        "{errors}"
    );
}
