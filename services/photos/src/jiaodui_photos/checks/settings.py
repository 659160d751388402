"""Thresholds of the machine checks (prefix ``JIAODUI_PHOTOS_CHECK_``).

The geometry numbers are those of the national rules for electronic registration
photos (高等教育学历证书电子注册图像采集规范, 教毕指〔2017〕99号), in pixels of the
standard 480×640 frame: head top 50–110 px below the top edge, eyes 200–300 px,
face 180–300 px wide, JPEG quality at least 60. The rest (centring tolerance,
background, exposure, file size, comparison) are chosen by measurement; the
reasons are in docs/notes/issue-18-engine.md.
"""

from __future__ import annotations

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class CheckSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JIAODUI_PHOTOS_CHECK_", extra="ignore", frozen=True
    )

    # the standard frame (学信网: 480 wide, 640 high)
    photo_width: int = 480
    photo_height: int = 640
    # geometry, in pixels of the standard frame, measured from its top edge
    head_top_min: float = 50.0
    head_top_max: float = 110.0
    eye_line_min: float = 200.0
    eye_line_max: float = 300.0
    face_width_min: float = 180.0
    face_width_max: float = 300.0
    # "左右对称": how far the face centre may sit from the frame's centre line
    centre_tolerance: float = 48.0
    # background: the corners and the strip above the head
    background_std_max: float = 12.0  # spread of the pixels inside one patch
    background_spread_max: float = 24.0  # colour distance between patches (no gradient)
    background_luminance_min: float = 130.0  # light blue (100,197,255) is 175
    # exposure of the face (the whole image when there is none), luminance 0–255
    luminance_min: float = 70.0
    luminance_max: float = 215.0
    clipped_max: float = 0.10  # share of the face's pixels at 250+ (blown out)
    contrast_min: float = 18.0  # standard deviation of the face's luminance
    # file
    jpeg_quality_min: float = 60.0
    file_bytes_min: int = 10_000
    file_bytes_max: int = 1_048_576
    # engine: HOG upsampling (0 finds faces from ~80 px wide, 4× faster than 1)
    detector_upsample: int = 0
    num_jitters: int = 1
    max_side: int = 1280  # larger uploads are scaled down before detection
    # comparison: euclidean distance of dlib's 128-d embeddings
    pass_max: float = 0.50
    fail_min: float = 0.60
    # findings that alone put a photo under review; the others are reported
    blocking_codes: frozenset[str] = frozenset({"no_face", "several_faces", "unreadable"})

    @model_validator(mode="after")
    def _ordered(self) -> CheckSettings:
        if not 0 < self.pass_max <= self.fail_min:
            raise ValueError("need 0 < pass_max <= fail_min")
        return self
