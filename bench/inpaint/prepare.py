#!/usr/bin/python3
"""Generates the inpainting benchmark set: real photos (Debian python3-skimage data images) with
synthetic object-shaped and free-form masks of 2-25 % of the image (ground truth known), plus the
two speed photos. Writes PNGs and cases.json into the output folder. Deterministic (fixed seeds)."""
import json, os, sys
import numpy as np
import cv2
import skimage.data

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
DATA = skimage.data.data_dir
rng = np.random.default_rng(20260)

PHOTOS = [
    ('astronaut', 'astronaut.png'), ('coffee', 'coffee.png'), ('chelsea', 'chelsea.png'),
    ('rocket', 'rocket.jpg'), ('motorcycle', 'motorcycle_left.png'), ('ihc', 'ihc.png'),
    ('brick', 'brick.png'), ('grass', 'grass.png'),
]


def load(name):
    im = cv2.imread(os.path.join(DATA, name), cv2.IMREAD_COLOR)  # BGR, grey files become 3 channels
    if im is None:
        sys.exit(f'prepare.py: cannot read {name} from {DATA}')
    return im


def person(h, w, frac, r):
    """A standing-person silhouette (head, torso, legs) scaled to cover `frac` of the image."""
    cx, cy = r.uniform(0.25, 0.75) * w, r.uniform(0.35, 0.75) * h

    def draw(s):
        m = np.zeros((h, w), np.uint8)
        cv2.ellipse(m, (int(cx), int(cy - 1.15 * s)), (int(0.18 * s), int(0.22 * s)), 0, 0, 360, 255, -1)
        cv2.ellipse(m, (int(cx), int(cy - 0.45 * s)), (int(0.32 * s), int(0.5 * s)), 0, 0, 360, 255, -1)
        cv2.line(m, (int(cx - 0.15 * s), int(cy)), (int(cx - 0.22 * s), int(cy + 0.9 * s)), 255, max(1, int(0.16 * s)))
        cv2.line(m, (int(cx + 0.15 * s), int(cy)), (int(cx + 0.22 * s), int(cy + 0.9 * s)), 255, max(1, int(0.16 * s)))
        cv2.line(m, (int(cx - 0.3 * s), int(cy - 0.75 * s)), (int(cx - 0.55 * s), int(cy - 0.1 * s)), 255, max(1, int(0.1 * s)))
        return m
    return fit(draw, h, w, frac)


def blob(h, w, frac, r):
    """A smooth random blob (an object) scaled to cover `frac` of the image."""
    cx, cy = r.uniform(0.2, 0.8) * w, r.uniform(0.2, 0.8) * h
    k = 9
    radii = r.uniform(0.6, 1.0, k)
    ang = np.sort(r.uniform(0, 2 * np.pi, k))

    def draw(s):
        m = np.zeros((h, w), np.uint8)
        pts = np.stack([cx + s * radii * np.cos(ang), cy + s * radii * np.sin(ang)], 1).astype(np.int32)
        cv2.fillPoly(m, [pts], 255)
        return cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
    return fit(draw, h, w, frac)


def fit(draw, h, w, frac):
    lo, hi = 1.0, 4.0 * max(h, w)
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if (draw(mid) > 0).mean() < frac:
            lo = mid
        else:
            hi = mid
    return draw(hi)


def freeform(h, w, frac, r):
    """Free-form brush strokes (as in GLCIC/DeepFill mask generators) until `frac` is covered."""
    m = np.zeros((h, w), np.uint8)
    while (m > 0).mean() < frac:
        x, y = r.uniform(0, w), r.uniform(0, h)
        width = int(r.uniform(0.015, 0.04) * min(h, w)) + 2
        a = r.uniform(0, 2 * np.pi)
        for _ in range(int(r.integers(3, 8))):
            a += r.uniform(-1.2, 1.2)
            L = r.uniform(0.05, 0.15) * min(h, w)
            nx, ny = np.clip(x + L * np.cos(a), 0, w - 1), np.clip(y + L * np.sin(a), 0, h - 1)
            cv2.line(m, (int(x), int(y)), (int(nx), int(ny)), 255, width)
            x, y = nx, ny
            if (m > 0).mean() >= frac:
                break
    return m


cases = []
for pid, fname in PHOTOS:
    img = load(fname)
    h, w = img.shape[:2]
    cv2.imwrite(os.path.join(OUT, f'{pid}.png'), img)
    for kind, frac in [('object', 0.02), ('object', 0.05), ('object', 0.10), ('object', 0.25), ('freeform', 0.05), ('freeform', 0.15)]:
        gen = (person if rng.random() < 0.5 else blob) if kind == 'object' else freeform
        m = gen(h, w, frac, rng)
        cid = f'{pid}_{kind}{int(round(frac * 100)):02d}'
        cv2.imwrite(os.path.join(OUT, f'{cid}_mask.png'), m)
        cases.append({'id': cid, 'photo': f'{pid}.png', 'mask': f'{cid}_mask.png', 'kind': kind,
                      'target': frac, 'fraction': float((m > 0).mean()), 'width': w, 'height': h})


def speed_photo(fname, w, h, seed):
    """An upscaled real photo with film-grain-like noise, so it is not unnaturally smooth."""
    im = cv2.resize(load(fname), (w, h), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    noise = np.random.default_rng(seed).normal(0, 4, im.shape).astype(np.float32)
    return np.clip(im + noise, 0, 255).astype(np.uint8)


speed = []
for sid, fname, (w, h), frac in [('speed_2000x1500_5pct', 'motorcycle_left.png', (2000, 1500), 0.05),
                                 ('speed_12mp_1pct', 'coffee.png', (4000, 3000), 0.01)]:
    img = speed_photo(fname, w, h, 7)
    cv2.imwrite(os.path.join(OUT, f'{sid}.png'), img)
    m = blob(h, w, frac, np.random.default_rng(11))
    cv2.imwrite(os.path.join(OUT, f'{sid}_mask.png'), m)
    # a second image to clone from in the Poisson blending comparison: the photo shifted by 60 px
    src = np.roll(img, (37, 60), axis=(0, 1))
    cv2.imwrite(os.path.join(OUT, f'{sid}_src.png'), src)
    speed.append({'id': sid, 'photo': f'{sid}.png', 'mask': f'{sid}_mask.png', 'src': f'{sid}_src.png',
                  'fraction': float((m > 0).mean()), 'width': w, 'height': h})

json.dump({'quality': cases, 'speed': speed}, open(os.path.join(OUT, 'cases.json'), 'w'), indent=1)
print(f'prepare.py: {len(cases)} quality cases, {len(speed)} speed cases in {OUT}')
