"""Draw the sample articles' lead images into content/images/sample/.

Simple illustrations (gradients and shapes, no text, no photos) so the sample site has lead
images we made ourselves. Deterministic: running it again gives the same pictures.

    .venv/bin/python scripts/make_sample_images.py [--out content/images/sample]
"""

from __future__ import annotations

import argparse
import logging
import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 675
# Drawn at twice the size and scaled down: Pillow's shapes have no anti-aliasing of their own.
SCALE = 2
MAX_BYTES = 120_000

Color = tuple[int, int, int]


def _mix(a: Color, b: Color, t: float) -> Color:
    return tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))  # type: ignore[return-value]


def vertical_gradient(size: tuple[int, int], top: Color, bottom: Color) -> Image.Image:
    """A top-to-bottom gradient, built from a 1-pixel column (fast at any size)."""
    w, h = size
    column = Image.new("RGB", (1, h))
    for y in range(h):
        column.putpixel((0, y), _mix(top, bottom, y / max(h - 1, 1)))
    return column.resize((w, h))


def _canvas(top: Color, bottom: Color) -> tuple[Image.Image, ImageDraw.ImageDraw, int, int]:
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    img = vertical_gradient((w, h), top, bottom)
    return img, ImageDraw.Draw(img), w, h


def _sun(draw: ImageDraw.ImageDraw, x: int, y: int, r: int, color: Color) -> None:
    draw.ellipse((x - r, y - r, x + r, y + r), fill=color)


def _hills(draw: ImageDraw.ImageDraw, w: int, base: int, amp: int, color: Color, phase: float):
    points = [(0, base)]
    for x in range(0, w + 40, 40):
        points.append((x, base - amp * (0.6 + 0.4 * math.sin(x / w * 5 + phase))))
    points += [(w, base + 2000), (0, base + 2000)]
    draw.polygon(points, fill=color)


def city_hall() -> Image.Image:
    """A columned civic building with a flag: councils and city halls (정치)."""
    img, d, w, h = _canvas((120, 170, 220), (225, 236, 246))
    _sun(d, int(w * 0.82), int(h * 0.2), 90, (255, 236, 179))
    d.rectangle((0, int(h * 0.78), w, h), fill=(112, 128, 96))
    left, right, top = int(w * 0.22), int(w * 0.78), int(h * 0.38)
    d.polygon([(left - 40, top), (w // 2, int(h * 0.2)), (right + 40, top)], fill=(236, 232, 222))
    d.rectangle((left - 40, top, right + 40, top + 40), fill=(214, 208, 196))
    cols = 8
    step = (right - left) / (cols - 1)
    for i in range(cols):
        cx = int(left + i * step)
        d.rectangle((cx - 22, top + 40, cx + 22, int(h * 0.72)), fill=(246, 243, 236))
        d.rectangle((cx - 30, int(h * 0.72) - 20, cx + 30, int(h * 0.72)), fill=(214, 208, 196))
    for k in range(4):
        y = int(h * 0.72) + k * 22
        d.rectangle((left - 60 - k * 30, y, right + 60 + k * 30, y + 22), fill=(200, 194, 182))
    pole_x = w // 2
    d.rectangle((pole_x - 6, int(h * 0.04), pole_x + 6, int(h * 0.2)), fill=(90, 90, 90))
    # A made-up city banner (green with a white wave), not any real flag.
    fy0, fy1 = int(h * 0.05), int(h * 0.14)
    d.rectangle((pole_x + 6, fy0, pole_x + 170, fy1), fill=(38, 128, 96))
    wave = [(pole_x + 20 + k * 6, (fy0 + fy1) // 2 + 14 * math.sin(k / 4)) for k in range(25)]
    d.line(wave, fill=(255, 255, 255), width=10)
    return img


def market() -> Image.Image:
    """Striped awnings of a traditional market street (경제)."""
    img, d, w, h = _canvas((255, 214, 160), (255, 245, 228))
    d.rectangle((0, int(h * 0.8), w, h), fill=(150, 120, 96))
    palette = [(214, 69, 65), (38, 120, 178), (245, 171, 53), (46, 150, 100)]
    stalls = 5
    sw = w // stalls
    for i in range(stalls):
        x0 = i * sw + 20
        x1 = (i + 1) * sw - 20
        top = int(h * 0.3) + (i % 2) * 40
        d.rectangle((x0 + 20, top + 120, x1 - 20, int(h * 0.8)), fill=(120, 84, 60))
        stripes = 6
        stripe_w = (x1 - x0) / stripes
        for s in range(stripes):
            color = palette[i % len(palette)] if s % 2 == 0 else (250, 248, 240)
            sx0 = x0 + s * stripe_w
            d.polygon(
                [(sx0, top), (sx0 + stripe_w, top), (sx0 + stripe_w + 10, top + 120),
                 (sx0 - 10, top + 120)],
                fill=color,
            )  # fmt: skip
        for k in range(5):
            cx = x0 + 50 + k * (x1 - x0 - 100) / 4
            cy = int(h * 0.68)
            fruit = [(230, 90, 40), (250, 200, 50), (120, 180, 60)][(i + k) % 3]
            d.ellipse((cx - 28, cy - 28, cx + 28, cy + 28), fill=fruit)
        d.rectangle((x0 + 10, int(h * 0.72), x1 - 10, int(h * 0.76)), fill=(90, 62, 44))
    return img


def industrial_park() -> Image.Image:
    """Factories, chimneys and a gear: investment and jobs (경제)."""
    img, d, w, h = _canvas((180, 205, 225), (238, 242, 245))
    _hills(d, w, int(h * 0.62), 120, (160, 185, 170), 1.2)
    ground = int(h * 0.8)
    d.rectangle((0, ground, w, h), fill=(90, 100, 110))
    x = int(w * 0.08)
    for i, bw in enumerate((300, 420, 260, 360)):
        top = ground - (260 + 60 * (i % 2))
        d.rectangle((x, top, x + bw, ground), fill=(70, 90, 120) if i % 2 else (96, 118, 150))
        teeth = 4
        tw = bw / teeth
        for t in range(teeth):
            tx = x + t * tw
            d.polygon([(tx, top), (tx + tw, top - 70), (tx + tw, top)], fill=(60, 76, 100))
        for wx in range(int(x + 30), int(x + bw - 40), 70):
            d.rectangle((wx, top + 60, wx + 36, top + 100), fill=(255, 224, 140))
        if i in (1, 3):
            cx = x + bw - 70
            d.rectangle((cx, top - 260, cx + 44, top), fill=(180, 70, 60))
            for p in range(4):
                r = 40 + p * 18
                cy = top - 300 - p * 70
                d.ellipse((cx - r + p * 40, cy - r, cx + r + p * 40, cy + r), fill=(245, 245, 245))
        x += bw + 40
    gx, gy, gr = int(w * 0.85), int(h * 0.25), 120
    for k in range(12):
        a = k * math.pi / 6
        d.regular_polygon((gx + gr * math.cos(a), gy + gr * math.sin(a), 34), 4,
                          rotation=math.degrees(a), fill=(240, 160, 40))  # fmt: skip
    d.ellipse((gx - gr, gy - gr, gx + gr, gy + gr), fill=(240, 160, 40))
    d.ellipse((gx - 45, gy - 45, gx + 45, gy + 45), fill=(200, 220, 235))
    return img


def lantern_festival() -> Image.Image:
    """Hanji lanterns on strings over a night street (문화)."""
    img, d, w, h = _canvas((20, 24, 60), (70, 50, 110))
    rng = random.Random(7)
    for _ in range(160):
        x, y = rng.randrange(w), rng.randrange(int(h * 0.5))
        r = rng.choice((2, 3, 4))
        d.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 230))
    d.rectangle((0, int(h * 0.85), w, h), fill=(30, 26, 40))
    glow = Image.new("RGB", img.size, (0, 0, 0))
    gd = ImageDraw.Draw(glow)
    colors = [(255, 120, 80), (255, 200, 90), (240, 90, 120), (120, 200, 255), (255, 160, 60)]
    for row in range(3):
        base = int(h * (0.22 + row * 0.2))
        sag = 80
        pts = [(x, base + sag * math.sin(math.pi * x / w)) for x in range(0, w + 1, 20)]
        d.line(pts, fill=(180, 160, 140), width=4)
        for i in range(9):
            x = int((i + 0.5 + (row % 2) * 0.5) * w / 9.5)
            y = int(base + sag * math.sin(math.pi * x / w)) + 20
            c = colors[(i + row) % len(colors)]
            gd.ellipse((x - 110, y - 70, x + 110, y + 190), fill=tuple(v // 3 for v in c))
            d.line((x, y - 20, x, y), fill=(180, 160, 140), width=4)
            d.rounded_rectangle((x - 50, y, x + 50, y + 120), radius=36, fill=c)
            d.rectangle((x - 36, y - 6, x + 36, y + 8), fill=(60, 40, 30))
            d.rectangle((x - 36, y + 112, x + 36, y + 126), fill=(60, 40, 30))
    glow = glow.filter(ImageFilter.GaussianBlur(60))
    return ImageChops.add(img, glow)


def concert_stage() -> Image.Image:
    """A stage with spotlights and an audience: concerts and performances (문화)."""
    img, d, w, h = _canvas((16, 16, 30), (40, 30, 60))
    beams = Image.new("RGB", img.size, (0, 0, 0))
    bd = ImageDraw.Draw(beams)
    stage_top = int(h * 0.62)
    for i, c in enumerate([(90, 60, 160), (160, 60, 90), (60, 120, 160), (150, 120, 50)]):
        sx = int(w * (0.15 + i * 0.23))
        tx = int(w * (0.35 + i * 0.1))
        bd.polygon([(sx - 20, 0), (sx + 20, 0), (tx + 180, stage_top), (tx - 180, stage_top)],
                   fill=c)  # fmt: skip
    beams = beams.filter(ImageFilter.GaussianBlur(24))
    img = ImageChops.add(img, beams)
    d = ImageDraw.Draw(img)
    d.rectangle((0, stage_top, w, stage_top + 60), fill=(120, 80, 50))
    d.rectangle((0, stage_top + 60, w, h), fill=(24, 20, 30))
    d.rectangle((0, 0, int(w * 0.08), stage_top), fill=(140, 20, 40))
    d.rectangle((int(w * 0.92), 0, w, stage_top), fill=(140, 20, 40))
    for i in range(5):
        px = int(w * (0.3 + i * 0.1))
        d.ellipse((px - 26, stage_top - 190, px + 26, stage_top - 138), fill=(20, 20, 24))
        d.rounded_rectangle((px - 36, stage_top - 140, px + 36, stage_top), radius=20,
                            fill=(20, 20, 24))  # fmt: skip
    rng = random.Random(3)
    for row in range(3):
        y = stage_top + 140 + row * 110
        for k in range(16):
            x = int((k + 0.5 * (row % 2)) * w / 15.5) + rng.randrange(-10, 10)
            d.ellipse((x - 40, y - 40, x + 40, y + 40), fill=(10, 8, 14))
            d.rectangle((x - 60, y + 30, x + 60, y + 200), fill=(10, 8, 14))
    for k in range(6):
        x = int(w * (0.2 + k * 0.12))
        y = int(h * (0.18 + 0.08 * (k % 3)))
        d.ellipse((x, y, x + 36, y + 28), fill=(255, 230, 150))
        d.rectangle((x + 30, y - 70, x + 36, y + 14), fill=(255, 230, 150))
    return img


def harbor() -> Image.Image:
    """A small port with fishing boats at sunrise: coastal towns and fisheries (경제)."""
    img, d, w, h = _canvas((255, 170, 120), (255, 230, 190))
    _sun(d, int(w * 0.3), int(h * 0.5), 130, (255, 240, 200))
    _hills(d, w, int(h * 0.5), 90, (120, 110, 150), 0.4)
    sea_top = int(h * 0.55)
    sea = vertical_gradient((w, h - sea_top), (60, 110, 160), (20, 60, 110))
    img.paste(sea, (0, sea_top))
    d = ImageDraw.Draw(img)
    for k in range(14):
        y = sea_top + 30 + k * 45
        x = (k * 173) % (w - 300)
        d.line((x, y, x + 260, y), fill=(140, 180, 210), width=4)
    d.rectangle((int(w * 0.72), sea_top - 20, w, sea_top + 40), fill=(110, 100, 90))
    d.rectangle((int(w * 0.9), sea_top - 220, int(w * 0.93), sea_top - 20), fill=(240, 240, 240))
    d.rectangle((int(w * 0.895), sea_top - 260, int(w * 0.935), sea_top - 220), fill=(220, 60, 50))
    for i, (bx, by, c) in enumerate([(0.12, 0.72, (230, 80, 60)), (0.42, 0.8, (40, 120, 200)),
                                     (0.62, 0.68, (250, 190, 60))]):  # fmt: skip
        x, y = int(w * bx), int(h * by)
        d.polygon([(x, y), (x + 360, y), (x + 310, y + 80), (x + 40, y + 80)], fill=c)
        d.rectangle((x + 120, y - 90, x + 230, y), fill=(245, 245, 240))
        d.rectangle((x + 140, y - 70, x + 170, y - 40), fill=(90, 140, 190))
        d.rectangle((x + 260, y - 200, x + 268, y), fill=(80, 70, 60))
        d.line((x + 264, y - 190, x + 330 + i * 10, y - 10), fill=(80, 70, 60), width=4)
    return img


def library() -> Image.Image:
    """Bookshelves and an open book: libraries and reading programmes (문화)."""
    img, d, w, h = _canvas((250, 240, 222), (236, 220, 196))
    shelf_colors = [(180, 70, 60), (60, 110, 150), (220, 170, 70), (80, 140, 100), (130, 90, 150)]
    rng = random.Random(11)
    for row in range(3):
        y1 = int(h * (0.28 + row * 0.24))
        d.rectangle((int(w * 0.05), y1, int(w * 0.95), y1 + 24), fill=(130, 90, 60))
        x = int(w * 0.06)
        while x < int(w * 0.93):
            bw = rng.randrange(36, 70)
            bh = rng.randrange(170, 240)
            c = shelf_colors[rng.randrange(len(shelf_colors))]
            d.rectangle((x, y1 - bh, x + bw, y1), fill=c)
            d.rectangle((x + 8, y1 - bh + 30, x + bw - 8, y1 - bh + 40), fill=(245, 235, 210))
            x += bw + rng.randrange(4, 10)
    d.rectangle((0, int(h * 0.82), w, h), fill=(160, 110, 70))
    cx, cy = w // 2, int(h * 0.86)
    d.polygon([(cx, cy), (cx - 380, cy - 60), (cx - 400, cy + 90), (cx, cy + 140)],
              fill=(255, 252, 244))  # fmt: skip
    d.polygon([(cx, cy), (cx + 380, cy - 60), (cx + 400, cy + 90), (cx, cy + 140)],
              fill=(250, 246, 236))  # fmt: skip
    for k in range(5):
        y = cy - 20 + k * 28
        d.line((cx - 340, y - 40 + k * 4, cx - 40, y + 10), fill=(190, 180, 160), width=5)
        d.line((cx + 40, y + 10, cx + 340, y - 40 + k * 4), fill=(190, 180, 160), width=5)
    return img


def ballot() -> Image.Image:
    """A ballot box and a raised-hands chart: council votes and budgets (정치)."""
    img, d, w, h = _canvas((210, 228, 240), (245, 248, 252))
    for i, v in enumerate((0.35, 0.55, 0.45, 0.7, 0.6)):
        x = int(w * (0.08 + i * 0.07))
        d.rectangle((x, int(h * (0.85 - v * 0.6)), x + 60, int(h * 0.85)), fill=(90, 140, 200))
    d.rectangle((0, int(h * 0.85), w, h), fill=(170, 180, 190))
    bx0, bx1 = int(w * 0.5), int(w * 0.85)
    by0, by1 = int(h * 0.42), int(h * 0.88)
    d.polygon([(bx0, by0), (bx0 + 80, by0 - 90), (bx1 + 80, by0 - 90), (bx1, by0)],
              fill=(220, 228, 236))  # fmt: skip
    d.polygon([(bx1, by0), (bx1 + 80, by0 - 90), (bx1 + 80, by1 - 90), (bx1, by1)],
              fill=(180, 190, 200))  # fmt: skip
    d.rectangle((bx0, by0, bx1, by1), fill=(240, 244, 248))
    slot_x = (bx0 + bx1) // 2 + 40
    d.polygon([(slot_x - 110, by0 - 40), (slot_x - 90, by0 - 60), (slot_x + 130, by0 - 60),
               (slot_x + 110, by0 - 40)], fill=(60, 70, 80))  # fmt: skip
    d.polygon([(slot_x - 60, by0 - 50), (slot_x + 60, by0 - 50), (slot_x + 80, by0 - 260),
               (slot_x - 40, by0 - 260)], fill=(255, 255, 255), outline=(150, 150, 150),
              width=4)  # fmt: skip
    d.ellipse((slot_x - 20, by0 - 200, slot_x + 40, by0 - 140), outline=(200, 50, 60), width=10)
    d.ellipse(((bx0 + bx1) // 2 - 70, (by0 + by1) // 2 - 70, (bx0 + bx1) // 2 + 70,
               (by0 + by1) // 2 + 70), outline=(40, 90, 160), width=14)  # fmt: skip
    return img


SCENES: dict[str, Callable[[], Image.Image]] = {
    "city-hall.jpg": city_hall,
    "market.jpg": market,
    "industrial-park.jpg": industrial_park,
    "lantern-festival.jpg": lantern_festival,
    "concert-stage.jpg": concert_stage,
    "harbor.jpg": harbor,
    "library.jpg": library,
    "ballot.jpg": ballot,
}


def save(img: Image.Image, path: Path) -> int:
    """Scale to the final size and save as a JPEG under MAX_BYTES; return its size."""
    img = img.resize((WIDTH, HEIGHT), Image.LANCZOS)
    for quality in (85, 80, 75, 70, 60):
        img.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
        size = path.stat().st_size
        if size <= MAX_BYTES:
            return size
    raise ValueError(f"{path}: {size} bytes even at quality 60 (limit {MAX_BYTES})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_out = Path(__file__).resolve().parents[1] / "content" / "images" / "sample"
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    for name, draw in SCENES.items():
        size = save(draw(), args.out / name)
        logger.info("%s: %d bytes", args.out / name, size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
