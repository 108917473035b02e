//! `example-bench-server PORT`: the benchmark's customers on `127.0.0.1:PORT` (8080 by
//! default), for `../shared/perf` (`GLUE_SERVER_CMD="target/release/example-bench-server
//! {port}"`).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("usage: example-bench-server PORT (got {arg:?})"),
            )
        })?,
        None => 8080,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let app = example_bench_server::app(&format!("http://127.0.0.1:{port}"));
    axum::serve(listener, app).await
}
