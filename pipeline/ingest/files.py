"""Local inputs: files and folders to ingest, and what a manifest says about them."""

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import DirectivesError
from pipeline.parse.limits import read_file
from pipeline.settings import BUNDLED_CORPUS, SUPPORTED_SUFFIXES

# What is known of the files in a folder, one row a file (`file` relative to the folder;
# `url`, `source`, `province` where known). SOURCES.tsv is the same table as collections
# of public documents ship it (its other columns are not read).
MANIFESTS = ("manifest.tsv", "SOURCES.tsv")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    url: str
    source: str | None = None
    province: str | None = None

    @property
    def name(self) -> str:
        return self.path.name

    def read_bytes(self) -> bytes:
        """The file's bytes; a FIFO or device, or a file past `Limits.file_bytes`, is refused (LimitError)."""
        return read_file(self.path)


def _manifest_for(folder: Path) -> dict[Path, dict]:
    """Rows of the nearest manifest at or above `folder`, by resolved file path."""
    for directory in [folder, *folder.parents]:
        for name in MANIFESTS:
            manifest = directory / name
            if manifest.is_file():
                try:
                    with manifest.open(encoding="utf-8") as handle:
                        return {
                            (directory / row["file"]).resolve(): row
                            for row in csv.DictReader(handle, delimiter="\t")
                            if row.get("file")
                        }
                except (UnicodeDecodeError, csv.Error) as error:
                    raise DirectivesError(f"{manifest}: not a UTF-8 tab-separated table ({error})") from error
    return {}


def discover(paths: Sequence[str | Path] | None = None) -> list[SourceFile]:
    """The supported files among `paths` (folders are walked), or the bundled corpus."""
    roots = [Path(p) for p in paths] if paths else [BUNDLED_CORPUS]
    found: list[SourceFile] = []
    for root in roots:
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such file or folder")
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        manifest = _manifest_for(root if root.is_dir() else root.parent)
        for path in files:
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            known = manifest.get(path.resolve(), {})
            found.append(
                SourceFile(
                    path=path,
                    url=known.get("url") or path.resolve().as_uri(),
                    source=known.get("source") or None,
                    province=known.get("province") or None,
                )
            )
    return found
