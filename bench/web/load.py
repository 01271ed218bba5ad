"""Load generator for the web benchmark: N concurrent keep-alive clients on loopback.

Run as its own process by `bench/web/run.py` (so the server's CPU is not the
generator's). Each client holds one HTTP/1.1 keep-alive connection and speaks
plain HTTP over asyncio streams: a general-purpose client library spends more
CPU per request than the server does, and would measure itself. Bodies are
read in full (Content-Length). Prints one JSON line: requests, errors, seconds,
latencies.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from urllib.parse import urlsplit


async def client(
    host: str, port: int, urls: list[str], stop_at: float, think: float, seed: int
) -> tuple[list[float], int, dict[str, int]]:
    """One client: request URLs in a shuffled cycle until `stop_at`; latencies in seconds."""
    order = urls[:]
    random.Random(seed).shuffle(order)
    latencies: list[float] = []
    errors = 0
    statuses: dict[str, int] = {}
    reader, writer = await asyncio.open_connection(host, port)
    i = 0
    while time.perf_counter() < stop_at:
        url = order[i % len(order)]
        i += 1
        request = f"GET {url} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\n\r\n"
        started = time.perf_counter()
        try:
            writer.write(request.encode())
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            code = lines[0].split(" ")[1]
            length = next(
                int(x.split(":", 1)[1]) for x in lines if x.lower().startswith("content-length:")
            )
            await reader.readexactly(length)
            if int(code) >= 400:
                errors += 1
        except (OSError, asyncio.IncompleteReadError, StopIteration, IndexError) as error:
            code = type(error).__name__
            errors += 1
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
        latencies.append(time.perf_counter() - started)
        statuses[code] = statuses.get(code, 0) + 1
        if think:
            await asyncio.sleep(random.expovariate(1 / think))
    writer.close()
    return latencies, errors, statuses


async def main(
    base: str, urls: list[str], clients: int, seconds: float, think: float
) -> dict[str, object]:
    """Run the clients and summarise."""
    where = urlsplit(base)
    host, port = where.hostname or "127.0.0.1", where.port or 80
    started = time.perf_counter()
    stop_at = started + seconds
    done = await asyncio.gather(
        *(client(host, port, urls, stop_at, think, seed) for seed in range(clients))
    )
    elapsed = time.perf_counter() - started
    latencies = sorted(t for lat, _, _ in done for t in lat)
    statuses: dict[str, int] = {}
    for _, _, counted in done:
        for code, n in counted.items():
            statuses[code] = statuses.get(code, 0) + n

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "errors": sum(e for _, e, _ in done),
        "statuses": statuses,
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(0.50), 2),
        "p95_ms": round(pct(0.95), 2),
        "p99_ms": round(pct(0.99), 2),
        "max_ms": round(latencies[-1] * 1000, 2),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between requests (s)")
    parser.add_argument("--cpu", type=int, default=None, help="pin this process to one CPU")
    args = parser.parse_args()
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    paths = [line.strip() for line in sys.stdin if line.strip()]
    result = asyncio.run(main(args.base, paths, args.clients, args.seconds, args.think))
    print("RESULT " + json.dumps(result))
