#!/usr/bin/env python3
"""Load figures of the demo shop (issue figures, SPEC §13): not a test, a measurement.

    cargo build --release -p example-shop
    python3 examples/shop/benches/load.py target/release/example-shop [SECONDS]

Starts the release shop on a fresh SQLite file, then:

1. a login flood: 400 concurrent POST /token with wrong passwords (400 distinct usernames,
   so the per-username throttle does not answer them: every one reaches password hashing),
   and the shop's peak resident memory (VmHWM) before and after;
2. mixed traffic for SECONDS (60 by default) from 16 clients on keep-alive connections:
   reads of customers and products (70%), product writes (20%), logins (10%); throughput,
   latency percentiles, and the count of 5xx answers (there must be none but the 503s of a
   full hashing pool).
"""

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time

API_KEY = "load-test-admin-key-0123456789abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_memory_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.read()
    return response.status


def login_flood(port, count=400):
    statuses = {}
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def one(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        body = f"grant_type=password&username=flood{n}%40example.com&password=wrong-{n}"
        barrier.wait()
        try:
            status = request(conn, "POST", "/token", body,
                             {"Content-Type": "application/x-www-form-urlencoded"})
        except Exception as error:  # a reset connection counts as a failure
            status = type(error).__name__
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, time.time() - started


def mixed(backend, storefront, seconds, clients=16):
    latencies = []
    statuses = {}
    lock = threading.Lock()
    deadline = time.time() + seconds

    def client(index):
        rng = random.Random(index)
        conns = {
            "backend": http.client.HTTPConnection("127.0.0.1", backend, timeout=30),
            "storefront": http.client.HTTPConnection("127.0.0.1", storefront, timeout=30),
        }
        n = 0
        while time.time() < deadline:
            n += 1
            roll = rng.random()
            if roll < 0.35:
                target, args = "backend", ("GET", f"/customers?page[limit]=10&page[offset]={rng.randrange(50)}",
                                           None, {"X-Api-Key": API_KEY})
            elif roll < 0.70:
                target, args = "storefront", ("GET", f"/products?page[offset]={rng.randrange(190)}", None, {})
            elif roll < 0.90:
                sku = f"LOAD-{index}-{n}"
                doc = {"data": {"type": "products", "attributes": {
                    "sku": sku, "name": f"Load {sku}", "price": 100, "currency": "EUR", "stock": 1}}}
                target, args = "backend", ("POST", "/products", json.dumps(doc),
                                           {"X-Api-Key": API_KEY, "Content-Type": "application/vnd.api+json"})
            else:
                body = "grant_type=password&username=viewer%40example.com&password=change123"
                target, args = "backend", ("POST", "/token", body,
                                           {"Content-Type": "application/x-www-form-urlencoded"})
            began = time.perf_counter()
            try:
                status = request(conns[target], *args)
            except Exception as error:
                status = type(error).__name__
                conns[target] = http.client.HTTPConnection("127.0.0.1", backend if target == "backend" else storefront, timeout=30)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    return {
        "requests": len(latencies),
        "per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(pick(0.50), 2),
        "p99_ms": round(pick(0.99), 2),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else 0,
        "statuses": statuses,
    }


def main():
    binary = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    work = tempfile.mkdtemp(prefix="glue-load-")
    backend, storefront = free_port(), free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite://{work}/shop.db",
               SHOP_BACKEND_ADDR=f"127.0.0.1:{backend}", SHOP_STOREFRONT_ADDR=f"127.0.0.1:{storefront}",
               SHOP_API_KEY=API_KEY, GLUE_TOKEN_SECRET="load-test-token-secret-of-32-bytes!", RUST_LOG="error")
    shop = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", backend), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        before = peak_memory_kib(shop.pid)
        statuses, took = login_flood(backend)
        after = peak_memory_kib(shop.pid)
        print(json.dumps({"login_flood": {"requests": 400, "seconds": round(took, 2), "statuses": statuses,
                                          "peak_rss_mib_before": round(before / 1024, 1),
                                          "peak_rss_mib_after": round(after / 1024, 1)}}))
        result = mixed(backend, storefront, seconds)
        result["peak_rss_mib"] = round(peak_memory_kib(shop.pid) / 1024, 1)
        print(json.dumps({"mixed": result}))
    finally:
        shop.terminate()
        shop.wait()


if __name__ == "__main__":
    main()
