"""How fast is the engine on a big image, beside the kernel's overlayfs?

Builds a base layer of 50,000 files and 30 layers on top, each modifying
1,000 files (copy-up) through the union, then measures per-operation times:
lookup (stat over 31 layers), copy-up (open O_RDWR on a lower file), listing
(a merged directory) and the walk of the whole merged tree. The same
operations run on a real overlayfs mount of the same layers in a tmpfs
(root and overlayfs needed; skipped otherwise).

    .venv/bin/python bench/engine_bench.py [--files 50000] [--layers 30] [--touch 1000]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.engine import Dir, File, Inode, Layer, UnionFS  # noqa: E402
from app.verify.kernel import mount_layers, overlay_available  # noqa: E402
from app.engine.tarball import chain_ids  # noqa: E402

FILES_PER_DIR = 100


def base_layer(files: int) -> tuple[Layer, list[str], list[str]]:
    layer = Layer()
    paths, dirs = [], []
    layer.put("/usr", Dir())
    layer.put("/usr/share", Dir())
    for d in range(files // FILES_PER_DIR):
        dpath = f"/usr/share/pkg{d:04d}"
        layer.put(dpath, Dir())
        dirs.append(dpath)
        for f in range(FILES_PER_DIR):
            path = f"{dpath}/file{f:03d}.txt"
            layer.put(path, File(Inode(b"%s\n" % path.encode() * 4)))
            paths.append(path)
    return layer.freeze(), paths, dirs


def timed(fn, items) -> float:
    """Mean seconds per call of ``fn`` over ``items``."""
    start = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - start) / max(1, len(items))


def bench_engine(args, rng) -> tuple[dict, list[Layer], list[str], list[str]]:
    out: dict[str, float] = {}
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    base, paths, dirs = base_layer(args.files)
    layers = [base]
    for n in range(args.layers):
        fs = UnionFS(layers)
        for path in rng.sample(paths, args.touch):
            fs.write(path, b"layer %d\n" % n, append=True)
        layers.append(fs.upper.freeze())
    out["build_s"] = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out["peak_traced_MiB"] = peak / 2**20
    out["maxrss_MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    sample = rng.sample(paths, 2000)
    t0 = time.perf_counter()
    fs = UnionFS(layers)
    out["union_create_s"] = time.perf_counter() - t0
    out["lookup_cold_us"] = timed(lambda p: fs.stat(p), sample) * 1e6
    out["lookup_warm_us"] = timed(lambda p: fs.stat(p), sample) * 1e6
    fresh = UnionFS(layers)
    out["lookup_new_union_us"] = timed(lambda p: fresh.stat(p), sample) * 1e6
    out["read_us"] = timed(lambda p: fs.read(p), sample) * 1e6
    out["copy_up_us"] = timed(lambda p: fs.open_rw(p), rng.sample(paths, 1000)) * 1e6
    out["listdir_100_us"] = timed(lambda d: fs.listdir(d), rng.sample(dirs, min(200, len(dirs)))) * 1e6
    t0 = time.perf_counter()
    n = len(UnionFS(layers).walk("/"))
    out["walk_all_s"] = time.perf_counter() - t0
    out["walk_entries"] = n
    t0 = time.perf_counter()
    UnionFS(layers).walk("/")
    out["walk_again_cached_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    chain_ids(layers)
    out["diff_ids_all_layers_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    chain_ids(layers)
    out["diff_ids_again_us"] = (time.perf_counter() - t0) * 1e6
    return out, layers, paths, dirs


def bench_kernel(layers, paths, dirs, rng) -> dict:
    ok, reason = overlay_available()
    if not ok:
        return {"skipped": reason}
    sample = rng.sample(paths, 2000)
    copy = rng.sample(paths, 1000)
    listing = rng.sample(dirs, min(200, len(dirs)))

    def measure(merged: str, upper: str) -> dict:
        out: dict[str, float] = {}
        out["lookup_us"] = timed(lambda p: os.stat(merged + p), sample) * 1e6

        def read(p):
            with open(merged + p, "rb") as f:
                f.read()
        out["read_us"] = timed(read, sample) * 1e6
        out["copy_up_us"] = timed(lambda p: os.close(os.open(merged + p, os.O_RDWR)), copy) * 1e6
        out["listdir_100_us"] = timed(lambda d: os.listdir(merged + d), listing) * 1e6
        t0 = time.perf_counter()
        n = sum(len(d) + len(f) for _, d, f in os.walk(merged))
        out["walk_all_s"] = time.perf_counter() - t0
        out["walk_entries"] = n
        return out

    t0 = time.perf_counter()
    result = mount_layers(layers, measure)
    result["materialize_mount_walk_total_s"] = time.perf_counter() - t0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--layers", type=int, default=30)
    parser.add_argument("--touch", type=int, default=1_000)
    parser.add_argument("--no-kernel", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"image: {args.files} files in the base + {args.layers} layers x {args.touch} files modified")
    engine, layers, paths, dirs = bench_engine(args, rng)
    print("engine:")
    for key, value in engine.items():
        print(f"  {key:22} {value:12.2f}" if isinstance(value, float) else f"  {key:22} {value:>12}")
    if not args.no_kernel:
        kernel = bench_kernel(layers, paths, dirs, rng)
        print("kernel overlayfs (tmpfs, same layers):")
        for key, value in kernel.items():
            print(f"  {key:22} {value:12.2f}" if isinstance(value, float) else f"  {key:22} {value:>12}")


if __name__ == "__main__":
    main()
