"""Token Status List at scale: civicred vs a raw zlib baseline, measured in the same run.

Run: ``.venv/bin/python bench/status_list.py [--entries N] [--revoked-percent P]`` (~20 s).

Input: a 2-bit list of 10,000,000 entries with 1 % of them INVALID at random (seeded) indices,
the shape of a large, privacy-friendly list (§12.5, §13.4 of draft-ietf-oauth-status-list-20).
Baseline: ``zlib.compress(raw, 9)`` / ``zlib.decompress`` of the very same raw bytes, and a bare
bit-twiddling lookup into those bytes. Ratios are what to read; absolute times vary by machine.
Sizes are compared with two Shannon bounds: the order-0 entropy of the raw bytes, and the
information in the set of revoked indices, log2 C(n, k) bits.
"""

from __future__ import annotations

import argparse
import gzip
import math
import random
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import per_second

from verifier.jose import CREDENTIAL_ALGORITHMS
from verifier.signing import LocalSigner, generate_private_key
from verifier.status import (
    StatusList,
    TokenStatus,
    decode_status_list_cwt,
    decode_status_list_jwt,
    encode_status_list_cwt,
    encode_status_list_jwt,
)

URI = "https://status.civicred.example/lists/bench"
IAT, TTL = 1_800_000_000, 43_200
NOW = IAT + 60


def best_of(*fns: Callable[[], object], rounds: int = 5) -> list[float]:
    """Best wall time (s) of each function; calls are interleaved so drift hits all alike."""
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def order0_entropy_bytes(raw: bytes) -> float:
    """Order-0 Shannon bound of ``raw``: n * H(byte distribution), in bytes."""
    n = len(raw)
    bits = -sum(c * math.log2(c / n) for c in Counter(raw).values())
    return bits / 8


def index_set_entropy_bytes(n: int, k: int) -> float:
    """log2 C(n, k) / 8: the information in *which* k of n indices are revoked."""
    bits = (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)) / math.log(2)
    return bits / 8


def main(workdir: Path) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--revoked-percent", type=float, default=1.0)
    args = parser.parse_args()
    n, k = args.entries, round(args.entries * args.revoked_percent / 100)
    rng = random.Random(2026)
    revoked = rng.sample(range(n), k)
    signer = LocalSigner(generate_private_key("ES256"))
    verify = {"key": signer.public_key(), "policy": CREDENTIAL_ALGORITHMS, "expected_uri": URI}
    claims = {"uri": URI, "signer": signer, "iat": IAT, "exp": IAT + 86_400, "ttl": TTL}

    def build() -> StatusList:
        status_list = StatusList(n, bits=2)
        for index in revoked:
            status_list.set(index, TokenStatus.INVALID)
        return status_list

    status_list = build()
    raw = status_list.to_bytes()

    def publish_jwt() -> str:
        token = encode_status_list_jwt(build(), **claims)  # type: ignore[arg-type]
        (workdir / "list.jwt").write_text(token)
        return token

    def publish_cwt() -> bytes:
        token = encode_status_list_cwt(build(), **claims)  # type: ignore[arg-type]
        (workdir / "list.cwt").write_bytes(token)
        return token

    # -- sizes -----------------------------------------------------------------------------------
    lst = status_list.compressed()
    baseline = zlib.compress(raw, 9)
    jwt, cwt = publish_jwt(), publish_cwt()
    order0, index_bound = order0_entropy_bytes(raw), index_set_entropy_bytes(n, k)
    jwt_gzip = len(gzip.compress(jwt.encode(), 6))  # §8.2: HTTP Content-Encoding for JWTs

    # -- times -----------------------------------------------------------------------------------
    (t_build,) = best_of(build)
    t_zc, t_compress, t_pub_jwt, t_pub_cwt = best_of(
        lambda: zlib.compress(raw, 9), status_list.compressed, publish_jwt, publish_cwt, rounds=5
    )
    t_zd, t_dec_jwt, t_dec_cwt = best_of(
        lambda: zlib.decompress(baseline),
        lambda: decode_status_list_jwt(jwt, now=NOW, **verify),  # type: ignore[arg-type]
        lambda: decode_status_list_cwt(cwt, now=NOW, **verify),  # type: ignore[arg-type]
        rounds=30,
    )

    # -- lookups ---------------------------------------------------------------------------------
    token = decode_status_list_jwt(jwt, now=NOW, **verify)  # type: ignore[arg-type]
    inflated = zlib.decompress(baseline)
    probes = [rng.randrange(n) for _ in range(1000)]
    assert all(token.status(i) == (inflated[i >> 2] >> ((i & 3) << 1)) & 3 for i in probes)
    assert sum(token.status(i) == TokenStatus.INVALID for i in revoked[:1000]) == min(k, 1000)

    def ours() -> None:
        status = token.status
        for i in probes:
            status(i)

    def bare() -> None:
        for i in probes:
            (inflated[i >> 2] >> ((i & 3) << 1)) & 3

    lookups, raw_lookups = 1000 * per_second(ours), 1000 * per_second(bare)

    # -- report ----------------------------------------------------------------------------------
    print(f"Token Status List bench: {n:,} entries x 2 bits, {k:,} INVALID ({100 * k / n:.2f} %)")
    print(
        f"raw {len(raw):,} B, ES256, best of 5-30 interleaved runs; baseline: zlib on the same bytes"
    )
    rows: list[tuple[str, str, str, str]] = [
        ("size (bytes)", "civicred", "baseline", "ratio"),
        ("lst (zlib 9) vs raw zlib", f"{len(lst):,}", f"{len(baseline):,}", _x(len(lst), len(baseline))),
        ("JWT token vs raw zlib", f"{len(jwt):,}", f"{len(baseline):,}", _x(len(jwt), len(baseline))),
        ("JWT + HTTP gzip (§8.2) vs raw zlib", f"{jwt_gzip:,}", f"{len(baseline):,}",
         _x(jwt_gzip, len(baseline))),
        ("CWT token vs raw zlib", f"{len(cwt):,}", f"{len(baseline):,}", _x(len(cwt), len(baseline))),
        ("lst vs order-0 entropy of raw", f"{len(lst):,}", f"{order0:,.0f}", _x(len(lst), order0)),
        ("lst vs log2 C(n,k) of indices", f"{len(lst):,}", f"{index_bound:,.0f}", _x(len(lst), index_bound)),
        ("time (ms)", "civicred", "zlib", "ratio"),
        ("build (set k entries)", _ms(t_build), "-", "-"),
        ("compress vs zlib.compress", _ms(t_compress), _ms(t_zc), _x(t_compress, t_zc)),
        ("build+compress+sign+publish JWT", _ms(t_pub_jwt), _ms(t_zc), _x(t_pub_jwt, t_zc)),
        ("build+compress+sign+publish CWT", _ms(t_pub_cwt), _ms(t_zc), _x(t_pub_cwt, t_zc)),
        ("decode JWT (verify+inflate)", _ms(t_dec_jwt), _ms(t_zd), _x(t_dec_jwt, t_zd)),
        ("decode CWT (verify+inflate)", _ms(t_dec_cwt), _ms(t_zd), _x(t_dec_cwt, t_zd)),
        ("lookups (M/s)", "civicred", "bare bytes", "slowdown"),
        ("token.status(i) vs raw[i>>2]", f"{lookups / 1e6:.2f}", f"{raw_lookups / 1e6:.2f}",
         _x(raw_lookups, lookups)),
    ]  # fmt: skip
    widths = [max(len(row[c]) for row in rows) for c in range(4)]
    for row in rows:
        if row[0] in ("size (bytes)", "time (ms)", "lookups (M/s)"):
            print()
        cells = zip(row, widths, strict=True)
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(cells)))
    print("\n(with independent entries the two bounds coincide: n*H(p) ~ log2 C(n, k))")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def _x(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.2f}x"


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="civicred-bench-") as tmp:
        main(Path(tmp))
