"""Load generator for the brokerage benchmark: brokers and providers working a day at once.

Run as its own process by `bench/brokerage/run.py`. Every broker and provider is
an asyncio task with its own keep-alive HTTP/1.1 connection, speaking plain HTTP
over asyncio streams (a client library would spend more CPU than the server and
measure itself). Brokers open the day's requests, read the queue, compare offers,
award and reopen hand-backs; providers declare capacity, read the requests open
to them, offer, read their awards and now and then hand one back. Prints one JSON
line: calls, latencies, statuses by action, and the offers and awards made.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

API = "/api/v1/brokerage"
IDLE_SECONDS = 2.0


def refused_by_design(status: int, body: bytes) -> bool:
    """The workflow's clear refusal of a race, not an error: a broker awarding what another
    just awarded, an offer on a request awarded meanwhile (409), or on a request no longer
    open to the provider since it declared no spare hours there (403 saying so)."""
    return status == 409 or (status == 403 and b"not open to offers" in body)


@dataclass
class Tally:
    """What every client saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    refusals: int = 0
    by_action: dict[str, list[float]] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    offers: list[int] = field(default_factory=list)
    awards: list[int] = field(default_factory=list)
    hand_backs: int = 0
    created: list[int] = field(default_factory=list)


class Connection:
    """One user's keep-alive connection."""

    def __init__(self, host: str, port: int, token: str, tally: Tally) -> None:
        self.host, self.port, self.token, self.tally = host, port, token, tally
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0

    async def call(
        self, action: str, method: str, path: str, body: Any = None, key: str | None = None
    ) -> tuple[int, Any]:
        """One request; (status, parsed JSON body or None). Transport failures count as errors."""
        if self.writer is not None and time.perf_counter() - self.used > IDLE_SECONDS:
            # The server closes a keep-alive connection idle for 5 s (uvicorn's default):
            # like a browser, open a new one rather than write into a closing socket.
            self.writer.close()
            self.writer = None
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        payload = b"" if body is None else json.dumps(body).encode()
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Authorization: Bearer {self.token}\r\nContent-Length: {len(payload)}\r\n"
            + ("Content-Type: application/json\r\n" if body is not None else "")
            + (f"Idempotency-Key: {key}\r\n" if key else "")
            + "\r\n"
        )
        started = time.perf_counter()
        try:
            self.writer.write(head.encode() + payload)
            raw = await self.reader.readuntil(b"\r\n\r\n")
            lines = raw.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ")[1])
            length = next(
                int(x.split(":", 1)[1]) for x in lines if x.lower().startswith("content-length:")
            )
            data = await self.reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, StopIteration, IndexError) as error:
            self.tally.latencies.append(time.perf_counter() - started)
            self.tally.errors += 1
            self.tally.error_samples.append(f"{action}: {type(error).__name__}")
            self.writer.close()
            self.writer = None
            return 0, None
        self.used = time.perf_counter()
        self.tally.latencies.append(self.used - started)
        self.tally.by_action.setdefault(action, []).append(self.used - started)
        label = f"{action} {status}"
        self.tally.statuses[label] = self.tally.statuses.get(label, 0) + 1
        parsed = json.loads(data) if data else None
        if status >= 400 and refused_by_design(status, data):
            self.tally.refusals += 1
        elif status >= 400:
            self.tally.errors += 1
            if len(self.tally.error_samples) < 20:
                self.tally.error_samples.append(f"{label}: {data[:200]!r}")
        return status, parsed

    def close(self) -> None:
        """Close the connection."""
        if self.writer is not None:
            self.writer.close()


async def pause(rng: random.Random, think: float) -> None:
    """A person's pause between two actions."""
    if think:
        await asyncio.sleep(rng.expovariate(1 / think))


async def broker(
    con: Connection, name: str, day: dict[str, Any], stop_at: float, think: float, seed: int
) -> None:
    """Open requests from the day's list, award the best offer, reopen hand-backs."""
    rng = random.Random(seed)
    tally = con.tally
    await asyncio.sleep(rng.uniform(0, 5 * think))
    n = 0
    while time.perf_counter() < stop_at:
        n += 1
        if day["requests"] and rng.random() < 0.5:
            body = day["requests"].pop()
            status, made = await con.call(
                "create", "POST", f"{API}/requests", body, key=f"{name}-c-{n}"
            )
            if status == 201:
                tally.created.append(made["request_id"])
            await pause(rng, think)
            continue
        status, queue = await con.call("queue", "GET", f"{API}/requests")
        if status != 200:
            await pause(rng, think)
            continue
        items = queue["items"]
        handed = [r for r in items if r["state"] == "handed_back"]
        offered = [r for r in items if r["state"] == "offered"]
        if handed and rng.random() < 0.5:
            rid = rng.choice(handed)["request_id"]
            await con.call(
                "reopen", "POST", f"{API}/requests/{rid}/reopen", {"why": "re-source"},
                key=f"{name}-r-{n}",
            )  # fmt: skip
        elif offered:
            # Brokers look at the oldest first, so two of them often race for one request.
            rid = rng.choice(offered[:5])["request_id"]
            status, offers = await con.call("offers", "GET", f"{API}/requests/{rid}/offers")
            made = [o for o in (offers or {}).get("items", []) if o["status"] == "made"]
            if made:
                best = min(made, key=lambda o: (o["rate_gbp_per_hour"], o["start_date"]))
                key = f"{name}-a-{n}"
                status, won = await con.call(
                    "award", "POST", f"{API}/requests/{rid}/award",
                    {"offer_id": best["offer_id"], "why": "lowest price"}, key=key,
                )  # fmt: skip
                if status == 200:
                    tally.awards.append(won["award_id"])
                    if rng.random() < 0.2:  # a network blip: the broker's browser retries
                        again, same = await con.call(
                            "award-retry", "POST", f"{API}/requests/{rid}/award",
                            {"offer_id": best["offer_id"], "why": "lowest price"}, key=key,
                        )  # fmt: skip
                        if again != 200 or same["award_id"] != won["award_id"]:
                            tally.errors += 1
                            tally.error_samples.append(f"retry changed the award of {rid}")
        await pause(rng, think)


async def provider(
    con: Connection, me: dict[str, Any], stop_at: float, think: float, seed: int
) -> None:
    """Declare capacity, offer on requests open to it, now and then hand an award back."""
    rng = random.Random(seed)
    tally = con.tally
    offered: set[int] = set()
    # People start work over the first minutes, not all in the same second.
    await asyncio.sleep(rng.uniform(0, 10 * think))
    for district in me["districts"]:
        body = {"kind": "home_care_hours", "area": district, "amount": rng.choice((10, 20, 40))}
        await con.call("capacity", "POST", f"{API}/capacity", body)
        await pause(rng, think)
    n = 0
    while time.perf_counter() < stop_at:
        n += 1
        roll = rng.random()
        if roll < 0.08:
            status, awards = await con.call("awards", "GET", f"{API}/awards")
            live = [a for a in (awards or {}).get("items", []) if a["ended_at"] is None]
            if live and rng.random() < 0.5:
                rid = rng.choice(live)["request_id"]
                body = {"reason": "carer left", "notice_date": me["notice_date"]}
                status, _ = await con.call(
                    "hand-back", "POST", f"{API}/requests/{rid}/hand-back", body,
                    key=f"{me['provider_id']}-h-{n}",
                )  # fmt: skip
                if status == 200:
                    tally.hand_backs += 1
        elif roll < 0.12:
            body = {"kind": "home_care_hours", "area": rng.choice(me["districts"]),
                    "amount": rng.choice((0, 10, 20, 40))}  # fmt: skip
            await con.call("capacity", "POST", f"{API}/capacity", body)
        else:
            status, open_now = await con.call("open", "GET", f"{API}/requests")
            fresh = [r for r in (open_now or {}).get("items", []) if r["request_id"] not in offered]
            if fresh and rng.random() < 0.6:
                rid = rng.choice(fresh)["request_id"]
                body = {
                    "start_date": me["start_date"],
                    "rate_gbp_per_hour": round(rng.uniform(21, 29), 2),
                    "notes": "",
                }
                status, made = await con.call(
                    "offer", "POST", f"{API}/requests/{rid}/offers", body,
                    key=f"{me['provider_id']}-o-{n}",
                )  # fmt: skip
                offered.add(rid)
                if status == 201 and not made.get("replayed"):
                    tally.offers.append(made["offer_id"])
        await pause(rng, think)


async def main_async(args: argparse.Namespace, day: dict[str, Any]) -> dict[str, Any]:
    """Run every broker and provider until the time is up; the tally."""
    where = urlsplit(day["base"])
    host, port = where.hostname or "127.0.0.1", int(where.port or 80)
    tally = Tally()
    stop_at = time.perf_counter() + args.seconds
    tasks = []
    connections = []
    for k, token in enumerate(day["broker_tokens"]):
        con = Connection(host, port, token, tally)
        connections.append(con)
        tasks.append(broker(con, f"b{k}", day, stop_at, args.think, seed=k))
    for k, me in enumerate(day["providers"]):
        con = Connection(host, port, me["token"], tally)
        connections.append(con)
        tasks.append(provider(con, me, stop_at, args.think, seed=1000 + k))
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    for con in connections:
        con.close()
    lat = sorted(tally.latencies)

    def pct(q: float) -> float:
        return round(1000 * lat[min(len(lat) - 1, int(q * len(lat)))], 1) if lat else 0.0

    return {
        "calls": len(lat),
        "seconds": round(elapsed, 1),
        "rps": round(len(lat) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(1000 * lat[-1], 1) if lat else 0.0,
        "errors": tally.errors,
        "refusals": tally.refusals,
        "p95_ms_by_action": {
            action: round(1000 * sorted(v)[min(len(v) - 1, int(0.95 * len(v)))], 1)
            for action, v in sorted(tally.by_action.items())
        },
        "error_samples": tally.error_samples[:20],
        "statuses": dict(sorted(tally.statuses.items())),
        "offers": tally.offers,
        "awards": tally.awards,
        "hand_backs": tally.hand_backs,
        "created": tally.created,
        "left_to_open": len(day["requests"]),
    }


def main() -> None:
    """Read the day (JSON on standard input), run it, print RESULT and the tally as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause per user (s)")
    parser.add_argument("--cpu", type=int, default=None, help="pin the generator to this CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        import os

        os.sched_setaffinity(0, {args.cpu})
    day = json.loads(sys.stdin.read())
    result = asyncio.run(main_async(args, day))
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
