"""corrections' own objects, built once by the composition root (bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass

from jiaodui_runtime.blobs import BlobStore

from jiaodui_corrections.settings import CorrectionsSettings

SOURCE = "/jiaodui/corrections"


@dataclass
class Corrections:
    settings: CorrectionsSettings
    scans: BlobStore
