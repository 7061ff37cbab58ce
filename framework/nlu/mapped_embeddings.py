"""A served model's word-embedding table read through a file mapping, not kept on the heap.

Why: a served model reads only the rows of the tokens its users type (a few thousand), but
the whole table sat in every worker's memory: 45 MB of MiniLM's 30,522 x 384 floats, 159 MB
of the pruned multilingual base's 108,318 pieces, the largest single item of a worker's
RSS (benchmarks/serve_memory.py). Mapped from a file, a row is read from disk the first
time a token needs it, and only the pages read count in the worker's memory; they are the
kernel's page cache, shared by the workers of a machine and reclaimable under pressure.
The values are the same float32 bytes, so no answer changes.

What it is not: a change of the model file or of training. The mapped file is a copy of
the table in the serving cache (`$DIALOG_SERVING_CACHE`, else `cache_dir()/serving`;
`<key>.f32`, written once and atomically, shared by workers and restarts), never the model folder's own file: training
rewrites that in place while a server may serve it (hot reload), and a mapped file cut
short under a reader crashes it (SIGBUS). Where the cache cannot be written, or is itself
memory (tmpfs), or `DIALOG_MAP_EMBEDDINGS=0`, the table stays on the heap as before.

The file's key: the model file's content fingerprint where the loader set one on the network
(`TABLE_KEY`, framework.nlu.torchscript: the CRC-32s torch wrote into the file, read in a
millisecond), else the SHA-256 of the table itself (~0.1 s for telecom_zh's 159 MB on an
idle machine, ~0.5 s under load). Either way rows spread over the file are compared with
the table before it is used.
"""
from __future__ import annotations

import hashlib
import logging
import mmap
import os
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TABLE_SUFFIX = "word_embeddings.weight"  # BERT / XLM-R naming, in the trace as in transformers
KEEP_DAYS = 7  # cache files nobody used for this long are removed when a new one is written
# the tables, the quantised networks (framework.nlu.quantized_cache), the tokenizers (compact_unigram)
KEPT_PATTERNS = ("*.f32", "*.pt", "*.tok")
TABLE_KEY = "dialog_table_key"  # attribute of a loaded network: its table's file name in the cache
PROBE_ROWS = 64  # rows compared between the file and the table before the file is used
_MEMORY_FILESYSTEMS = {"tmpfs", "ramfs", "devtmpfs", "hugetlbfs"}


def map_word_embeddings(network: Any, cache: Path | None = None) -> int:
    """Replace `network`'s word-embedding table by a mapping of the same values; returns the
    bytes that left the heap (0: the table stays where it was, with the reason logged)."""
    import numpy as np
    import torch

    if os.environ.get("DIALOG_MAP_EMBEDDINGS", "1") == "0":
        return 0
    name, table = next(((n, p) for n, p in network.named_parameters() if n.endswith(TABLE_SUFFIX)), (None, None))
    if table is None or table.dtype != torch.float32 or not table.is_contiguous() or table.dim() != 2:
        return 0
    values = table.detach().numpy()
    cache = serving_cache() if cache is None else cache
    try:
        cache.mkdir(parents=True, exist_ok=True)
        kind = filesystem_type(cache)
        if memory_filesystem(kind):
            log.info("word embeddings kept on the heap: the serving cache %s is in memory (%s)", cache, kind)
            return 0
        path = cache / f"{table_key(network, name, values)}.f32"
        if not path.exists() or path.stat().st_size != values.nbytes:
            write_table(path, values)
        mapped = open_mapping(path, values.nbytes)
    except OSError as err:
        log.warning("word embeddings kept on the heap: the serving cache %s cannot be used (%s)", cache, err)
        return 0
    rows = mapped.reshape(values.shape)
    # the file is ours by name; check it is the table
    probe = sorted({0, len(values) - 1, *range(0, len(values), max(1, len(values) // PROBE_ROWS))})
    if not np.array_equal(rows[probe], values[probe]):
        log.warning("word embeddings kept on the heap: %s differs from the model's table", path)
        return 0
    owner = network
    for part in name.split(".")[:-1]:
        owner = getattr(owner, part)
    setattr(owner, name.rsplit(".", 1)[1], torch.nn.Parameter(torch.from_numpy(rows), requires_grad=False))
    log.info("word embeddings (%d x %d, %.0f MB) read through a mapping of %s", *values.shape,
             values.nbytes / 2**20, path)
    return values.nbytes


def table_key(network: Any, name: str, values) -> str:
    """The table's file name in the cache (without .f32): from the loader's fingerprint of the
    model file (the parameter's name and shape added), else the SHA-256 of the values."""
    fingerprint = getattr(network, TABLE_KEY, None)
    if fingerprint:
        return hashlib.sha256(f"{fingerprint}\0{name}\0{values.shape}".encode()).hexdigest()[:32]
    return hashlib.sha256(values.data).hexdigest()[:32]


def memory_filesystem(kind: str) -> bool:
    """Whether a filesystem type keeps its files in memory (a mapping of them would be RSS)."""
    return kind in _MEMORY_FILESYSTEMS


def serving_cache() -> Path:
    """$DIALOG_SERVING_CACHE, else the `serving` folder of the base models' cache folder."""
    if os.environ.get("DIALOG_SERVING_CACHE"):
        return Path(os.environ["DIALOG_SERVING_CACHE"])
    from framework.nlu.base_models import cache_dir

    return cache_dir() / "serving"


def open_mapping(path: Path, size: int):
    """A private (copy-on-write, never written back) float32 mapping of `path`, read a page
    at a time: no read-ahead of rows nobody asked for. Pages of the file cached but mapped by
    no one are dropped first, or the kernel would map them in around each first read."""
    import numpy as np

    with open(path, "rb") as f:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        region = mmap.mmap(f.fileno(), size, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    if hasattr(mmap, "MADV_RANDOM"):
        region.madvise(mmap.MADV_RANDOM)
    os.utime(path)  # in use: kept by `prune`
    return np.frombuffer(region, dtype=np.float32)  # keeps `region` alive


def write_table(path: Path, values) -> None:
    """Write `values` to `path` atomically (another worker may write the same file at once)."""
    write_atomically(path, values.tofile)
    prune(path.parent, keep=path)


def write_atomically(path: Path, write) -> None:
    """`write(open binary file)` into a temporary file beside `path`, synced, then renamed to
    `path`: a reader (another worker, a mapping) never sees a file cut short. The serving
    cache's one way of writing: tables, quantised networks, tokenizers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def prune(directory: Path, keep: Path, days: float = KEEP_DAYS) -> None:
    """Remove the tables and quantised networks no server used for `days` (a server still
    mapping a table keeps it: an unlinked file lives on until it is unmapped)."""
    cutoff = time.time() - days * 86400
    for old in (p for pattern in KEPT_PATTERNS for p in directory.glob(pattern)):
        try:
            if old != keep and old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def filesystem_type(path: Path) -> str:
    """The type of the filesystem holding `path` ("" when unknown), from /proc/self/mounts."""
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return ""
    resolved, best, kind = str(Path(path).resolve()), "", ""
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        if (resolved == point or resolved.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind
