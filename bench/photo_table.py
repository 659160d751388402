"""The test faces through the photo-check engine, as the Markdown table of
docs/notes/issue-18-engine.md: python -m bench.photo_table."""

from __future__ import annotations

from jiaodui_photos.checks import CheckSettings, Counterpart, FaceAnalyser, check_photo
from jiaodui_runtime.testing import faces

HEADER = (
    "| image | size | findings (code=value) | face width / centre offset / eyes / head top (px)"
    " | face luminance / contrast | background std / luminance | compared with (admission:"
    " that person, `smaller`) | distance | verdict |\n" + "|---" * 9 + "|"
)


def main() -> None:
    analyser = FaceAnalyser(CheckSettings())
    admission = {p: analyser.analyse(faces.portrait(p, "smaller")).embedding for p in faces.PEOPLE}

    def line(name: str, jpeg: bytes, against: str) -> str:
        r = check_photo(analyser, jpeg, counterpart=Counterpart(admission[against]))
        m = r.measurements
        found = ", ".join(f"{f.code}={f.value}" for f in r.findings) or "–"
        geometry = (
            f"{m['face_width']:.0f} / {m['centre_x'] - m['width'] / 2:+.0f} / {m['eye_y']:.0f}"
            f" / {m['head_top_y']:.0f}{'*' if m['head_top_estimated'] else ''}"
            if "face_width" in m
            else "–"
        )
        c = r.comparison
        distance = f"{c.distance:.3f}" if c and c.distance is not None else "–"
        return (
            f"| {name} | {len(jpeg) // 1000} KB | {found} | {geometry} | {m['luminance']:.0f} / "
            f"{m['contrast']:.0f} | {m['background_std']:.1f} / {m['background_luminance']:.0f} | "
            f"{against} | {distance} | {c.verdict if c else '–'} |"
        )

    print(HEADER)
    for person in faces.PEOPLE:
        for variant in faces.VARIANTS:
            print(line(f"portrait({person}, {variant})", faces.portrait(person, variant), person))
    for person in faces.PEOPLE:
        other = next(q for q in faces.PEOPLE if q != person)
        print(line(f"portrait({person}) vs {other}", faces.portrait(person), other))
    print(line("unique_portrait(7)", faces.unique_portrait(7), "astronaut"))
    print(line("unique_portrait(8, hopper)", faces.unique_portrait(8, "hopper"), "hopper"))
    for weight in (0.3, 0.45, 0.55, 0.6):
        print(line(f"blend({weight})", faces.blend(weight), "astronaut"))
    for name, make in [
        ("two_faces()", faces.two_faces),
        ("no_face() (coffee.png)", faces.no_face),
        ("blank()", faces.blank),
        ("too_dark()", faces.too_dark),
        ("off_centre()", faces.off_centre),
        ("small_face()", faces.small_face),
        ("portrait(size=(600, 800))", lambda: faces.portrait(size=(600, 800))),
    ]:
        print(line(name, make(), "astronaut"))


if __name__ == "__main__":
    main()
