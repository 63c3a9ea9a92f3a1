#!/usr/bin/python3
"""Object-removal cases on real photos: a real object silhouette (COCO outline from
shared/data/silhouettes, dilated 3 px as a user's brush would) is pasted onto a real photo, so the
ground truth under the hole is the untouched photo. Hole sizes are spread over 3-30 % of the photo
(bucketed 3-10 / 10-20 / 20-30 %). Deterministic (fixed seed).

  /usr/bin/python3 prepare.py OUT_DIR [--quick]     writes photo PNGs, masks and cases.json

Photos: the 24 Kodak images, 10 held-out landscapes (models/landscape-dcgan64 manifest), 6 faces,
and the colour photos Debian's python3-skimage ships (the only ones marked showable: shared/data
pictures must never be shown or committed). Plus a hand-drawn hole over coffee.png's real spoon (issue 12): it has no ground truth (the truth
under it is the spoon), so it is only looked at and blob-checked, never averaged in.
--quick keeps a fixed 8-case subset of the same cases (same masks) for fast iteration."""
import csv, json, os, sys
import numpy as np
import cv2
import skimage.data

OUT = sys.argv[1]
QUICK = '--quick' in sys.argv
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..')
SHARED = os.path.join(ROOT, '..', 'shared', 'data')
SEED = 12012
BUCKETS = [(0.03, 0.10), (0.10, 0.20), (0.20, 0.30)]
DILATE = 3   # px, like a brush stroke drawn just outside the object
MARGIN = 10  # px kept between hole and photo edge, so the ring used by the blob check exists
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(SEED)


def read(path):
    im = cv2.imread(path, cv2.IMREAD_COLOR)
    if im is None:
        sys.exit(f'prepare.py: cannot read {path}')
    return im


# ------------------------------------------------------------------ photos (group, id, path, cases)
photos = []
kodak = os.path.join(SHARED, 'kodak')
if not os.path.isdir(kodak):
    sys.exit(f'prepare.py: {kodak} is missing (this benchmark needs ../shared/data)')
for f in sorted(os.listdir(kodak)):
    if f.endswith('.png'):
        photos.append(('kodak', f[:-4], os.path.join(kodak, f), 2))
held = json.load(open(os.path.join(ROOT, 'models', 'landscape-dcgan64', 'manifest.json')))['data']['heldOut']['files']
for f in sorted(held)[:10]:  # held out of the landscape model's training: fair to test on
    photos.append(('landscapes', 'land_' + f.split('.')[0], os.path.join(SHARED, 'landscapes', f), 1))
faces = sorted(os.listdir(os.path.join(SHARED, 'faces')))
picked = 0
for i in np.random.default_rng(SEED).permutation(len(faces)):
    im = cv2.imread(os.path.join(SHARED, 'faces', faces[i]))
    if im is not None and min(im.shape[:2]) >= 200:  # skip thumbnails: a hole in a 128 px face is noise
        photos.append(('faces', 'face_' + faces[i].rsplit('.', 1)[0], os.path.join(SHARED, 'faces', faces[i]), 1))
        picked += 1
        if picked == 6:
            break
for name, f in [('astronaut', 'astronaut.png'), ('coffee', 'coffee.png'), ('chelsea', 'chelsea.png'),
                ('rocket', 'rocket.jpg'), ('motorcycle', 'motorcycle_left.png')]:
    photos.append(('skimage', name, os.path.join(skimage.data.data_dir, f), 2))

# ------------------------------------------------------------------ silhouettes
SIL = os.path.join(SHARED, 'silhouettes')
sil_rows = list(csv.DictReader(open(os.path.join(SIL, 'manifest.csv'))))
sil_rows.sort(key=lambda r: r['file'])
DISK = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * DILATE + 1, 2 * DILATE + 1))


def render(sil, s):
    """The silhouette scaled by s, binarised, padded and dilated by DILATE px."""
    h, w = sil.shape
    m = cv2.resize(sil, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_LINEAR)
    m = cv2.copyMakeBorder((m >= 128).astype(np.uint8) * 255, DILATE, DILATE, DILATE, DILATE, cv2.BORDER_CONSTANT, 0)
    return cv2.dilate(m, DISK)


def object_hole(H, W, target):
    """A silhouette resized so that its dilated area is `target` of the photo, placed at random."""
    for _ in range(500):
        row = sil_rows[rng.integers(len(sil_rows))]
        sil = cv2.imread(os.path.join(SIL, row['file']), cv2.IMREAD_GRAYSCALE)
        if rng.random() < 0.5:
            sil = sil[:, ::-1].copy()
        lo, hi = 0.01, 4 * max(H, W) / max(sil.shape)
        for _ in range(30):  # bisection on the scale: the dilated area grows monotonically with it
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if (render(sil, mid) > 0).sum() < target * H * W else (lo, mid)
        m = render(sil, hi)
        mh, mw = m.shape
        if mh > H - 2 * MARGIN or mw > W - 2 * MARGIN:
            continue  # too sparse a shape to reach this area inside the photo: try another object
        y, x = rng.integers(MARGIN, H - MARGIN - mh + 1), rng.integers(MARGIN, W - MARGIN - mw + 1)
        full = np.zeros((H, W), np.uint8)
        full[y:y + mh, x:x + mw] = m
        return full, row['file']
    sys.exit(f'prepare.py: no silhouette fits {W}x{H} at {target:.2f}')


def spoon_hole(H, W):
    """coffee.png's spoon, hand-traced (the handle's visible top, neck and bowl), dilated."""
    m = np.zeros((H, W), np.uint8)
    # the part of the handle between these two is hidden behind the cup
    handle = [(396, 72), (404, 66), (418, 66), (424, 74), (421, 90), (414, 110), (407, 112)]
    bowl = [(372, 214), (384, 204), (392, 212), (392, 236), (402, 252), (407, 278), (403, 302), (392, 318),
            (372, 326), (348, 324), (332, 314), (326, 296), (330, 272), (342, 254), (362, 240), (370, 228)]
    cv2.fillPoly(m, [np.array(handle, np.int32), np.array(bowl, np.int32)], 255)
    return cv2.dilate(m, DISK)


def bucket_of(f):
    return next((f'{int(lo*100)}-{int(hi*100)} %' for lo, hi in BUCKETS if f < hi), '20-30 %') if f >= 0.03 else '<3 %'


cases, k = [], 0
for group, pid, path, n in photos:
    img = read(path)
    H, W = img.shape[:2]
    cv2.imwrite(os.path.join(OUT, f'{pid}.png'), img)  # PNG, so Node and Python decode identical pixels
    jobs = [(chr(ord('a') + j), None) for j in range(n)] + ([('spoon', 'spoon')] if pid == 'coffee' else [])
    for tag, special in jobs:
        if special:
            m, sil, target = spoon_hole(H, W), 'hand-traced spoon polygon', None
        else:
            lo, hi = BUCKETS[k % len(BUCKETS)]
            k += 1
            target = float(rng.uniform(lo + 0.005, hi - 0.005))
            m, sil = object_hole(H, W, target)
        cid = f'{pid}_{tag}'
        cv2.imwrite(os.path.join(OUT, f'{cid}_mask.png'), m)
        f = float((m > 0).mean())
        cases.append({'id': cid, 'group': group, 'photo': f'{pid}.png', 'mask': f'{cid}_mask.png', 'silhouette': sil,
                      'target': target, 'fraction': f, 'bucket': bucket_of(f), 'width': W, 'height': H,
                      'showable': group == 'skimage', 'has_truth': special is None})  # under the spoon is the spoon

if QUICK:  # a fixed spread: every bucket on Kodak, one landscape, one face, two skimage + the spoon
    want, keep = {'kodak': 3, 'landscapes': 1, 'faces': 1, 'skimage': 2}, []
    for c in cases:
        seen = {x['bucket'] for x in keep if x['group'] == c['group']}
        if c['id'] == 'coffee_spoon' or (want[c['group']] > 0 and c['bucket'] not in seen):
            keep.append(c)
            want[c['group']] -= c['id'] != 'coffee_spoon'
    cases = keep
json.dump({'seed': SEED, 'quick': QUICK, 'cases': cases}, open(os.path.join(OUT, 'cases.json'), 'w'), indent=1)
b = {x: sum(c['bucket'] == x for c in cases) for x in sorted({c['bucket'] for c in cases})}
print(f'prepare.py: {len(cases)} cases in {OUT}; per bucket {b}')
