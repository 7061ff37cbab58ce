"""A model's quantised TorchScript network kept in the serving cache, so that a start loads it
instead of quantising the float32 trace again.

Why: quantising is most of a start's model-loading time (issue 11, start to first answer <
3 s): on this machine ~0.9 CPU s for MiniLM's 6 layers and ~1.8 s for multilingual-e5-small's
12, against 0.1-0.25 s to load the quantised network from a file. Loading it also never puts
the float32 Linear weights on the heap, which left ~40 MB of RSS behind on telecom_zh.

What it is not: another scheme. The file is `framework.nlu.int8.quantize_script`'s own
result, saved with `torch.jit.save` (the frozen graph with its packed int8 weights as
constants and the word-embedding table that `framework.nlu.mapped_embeddings` maps); the answers are the
same to the bit (tests/test_perf_start_cache.py).

Never a stale network: the file's name is a digest of everything its contents depend on:
the model file's fingerprint (`weights_fingerprint`: every entry's CRC-32 and size from
the zip's central directory, which torch computes from the bytes it saves, read in a
millisecond where hashing the file would read it all; and the file's size and modification
time, since torch does not check the CRCs when it loads: bytes changed in place without
them would otherwise go unseen), the precision, the modules kept in float32, the int8
scheme and this CPU's activation bits, the torch version, and the bytes of int8.py and int8_linear.py.
A retrained, replaced or edited model file gets another name, and so does a change of the
quantising code; a copy that does not keep the modification time is quantised once more.
A model file without CRCs (torch can save without them) is never cached. Files are written atomically beside the mapped tables
(`$DIALOG_SERVING_CACHE`, else `cache_dir()/serving`), shared by workers and restarts, and
pruned with them after a week unused. Off: `DIALOG_QUANTIZED_CACHE=0`; skipped where the
cache is in memory (tmpfs) or cannot be written.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
import zipfile
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIX = ".pt"  # <digest>.<precision>.pt


def weights_fingerprint(path: str | Path, with_stat: bool = True) -> str | None:
    """A digest of the TorchScript (zip) file: its size and modification time (ns), and from
    its central directory every entry's name, size and CRC-32. None where the file is not a
    zip or an entry with bytes has no CRC (saved with torch's CRC-32 off): then nothing may
    be keyed on it. Without `with_stat`, the entries alone: the same for a copy of the file
    (framework.nlu.onnx_runtime.trace_digest, a model folder's own ONNX file)."""
    try:
        with open(path, "rb") as f, zipfile.ZipFile(f) as archive:  # one file, even if replaced meanwhile
            stat, entries = os.fstat(f.fileno()), archive.infolist()
    except (OSError, zipfile.BadZipFile):
        return None
    digest = hashlib.sha256(f"{stat.st_size}\0{stat.st_mtime_ns}\n".encode() if with_stat else b"")
    for entry in entries:
        if entry.file_size and not entry.CRC:
            return None
        digest.update(f"{entry.filename}\0{entry.file_size}\0{entry.CRC}\n".encode())
    return digest.hexdigest()


def cache_name(fingerprint: str, precision: str, float_modules: str | None = None) -> str:
    """The cached file's name for this model, precision and the code that quantises it."""
    import torch

    from framework.nlu import int8

    key = {"weights": fingerprint, "precision": precision, "float_modules": float_modules, "scheme": int8.SCHEME,
           "activation_bits": int8.activation_bits() if precision == "int8" else None, "torch": torch.__version__,
           "code": hashlib.sha256(b"".join(Path(int8.__file__).with_name(f).read_bytes()
                                           for f in ("int8.py", "int8_linear.py"))).hexdigest()}
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]
    return f"{digest}.{precision}{SUFFIX}"


def load_trace(script_path: Path, precision: str | None, float_modules: str | None = None,
               cache: Path | None = None) -> tuple:
    """(network, its fingerprint): the trace at `script_path`, quantised by
    `int8.quantize_script` at `precision` (None: float32, never cached): from the serving
    cache when it holds it, else quantised now and saved there for next time. The fingerprint
    is `weights_fingerprint` of the file the network was made from, or None where that is not
    known for sure (no CRCs; the file changed while it was read: then nothing is saved)."""
    from framework.nlu.mapped_embeddings import filesystem_type, memory_filesystem, serving_cache

    def read_file():
        before = weights_fingerprint(script_path)
        network = jit_load(script_path)
        after = weights_fingerprint(script_path)  # a model written meanwhile: not this network's
        return network, before if before == after else None

    def quantise():
        from framework.nlu.int8 import quantize_script

        network, fingerprint = read_file()
        return quantize_script(network, float_modules, precision), fingerprint

    if not precision:
        return read_file()
    fingerprint = weights_fingerprint(script_path)
    if os.environ.get("DIALOG_QUANTIZED_CACHE", "1") == "0" or fingerprint is None:
        return quantise()
    cache = serving_cache() if cache is None else cache
    if memory_filesystem(filesystem_type(cache)):
        return quantise()
    path = cache / cache_name(fingerprint, precision, float_modules)
    if path.is_file():
        try:
            network = jit_load(path)
            os.utime(path)  # in use: kept by the pruning of unused files
            log.info("%s network of %s read from %s", precision, script_path, path)
            return network, fingerprint
        except Exception as err:  # a damaged file: quantise again and replace it
            log.warning("quantised network %s not usable (%s): quantising again", path, err)
    network, read = quantise()
    if read != fingerprint:
        return network, read
    try:
        save_atomically(network, path)
    except OSError as err:
        log.warning("quantised network not kept: the serving cache %s cannot be written (%s)", cache, err)
    return network, fingerprint


def jit_load(path: Path):
    """A TorchScript file on the CPU, in eval mode."""
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit: deprecated, still supported
        return torch.jit.load(str(path), map_location="cpu").eval()


def save_atomically(network, path: Path) -> None:
    """torch.jit.save into `path`, atomically (another worker may write the same file at once)."""
    import torch

    from framework.nlu.mapped_embeddings import prune, write_atomically

    def save(f):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit: deprecated, still supported
            torch.jit.save(network, f)

    write_atomically(path, save)
    prune(path.parent, keep=path)
