#!/usr/bin/python3
"""Piedimonte pairs (issue 13): align each archival original to a person's restored version, derive a
rough damage mask from the aligned difference, and (given detector masks) score the detectors.

  /usr/bin/python3 bench/restore/learned/piedimonte.py align DATA_DIR OUT_DIR
      aligns the 9 pairs of DATA_DIR/old-photos/piedimonte, writes OUT_DIR/<name>.truth.png (255 =
      damage, in the original's pixel frame), OUT_DIR/<name>.valid.png (where the restored version
      covers the original), OUT_DIR/<name>.look.png (original | aligned restored | |diff| | mask, for
      looking at) and OUT_DIR/align.json (alignment quality per pair).
  /usr/bin/python3 bench/restore/learned/piedimonte.py score OUT_DIR [TOL]
      reads OUT_DIR/<name>.<detector>.png (written by piedimonte-masks.ts) and prints precision/recall
      of each detector against the derived masks (TOL px tolerance, default 3, as for film-r-pairs).

Everything it writes is derived from photos whose rights are undocumented: write it outside the
repository (e.g. /tmp) and never commit it.
"""
import json
import os
import sys

import cv2
import numpy as np

# original -> the restored version used as rough ground truth (grey restorations, not the colourised ones)
PAIRS = [
    ('Ciminiera_cotonificio_dalla_pretura', 'Ciminiera_cotonificio_dalla_pretura-restored'),
    ('Cotonificio_retro_convento', 'Cotonificio_retro_convento-restored'),
    ('PiazzaCarmine_processione_dal_Ponte_SLucia_verso_ruderiCotonificio_anni60',
     'PiazzaCarmine_processione_dal_Ponte_SLucia_verso_ruderiCotonificio_anni60_restored'),
    ('Piazza_Carmine-anni-1940-1950', 'Piazza_Carmine-anni-1940-1950-restored'),
    ('ViaAntonioGaetani_1910', 'ViaAntonioGaetani_1910-restored'),
    ('ViaCarmine-ponte_torano_verso_piazza_carmine_1900', 'ViaCarmine-ponte_torano_verso_piazza_carmine_1900-restored'),
    ('Via_Carmine_Cotonificio', 'Via_Carmine_Cotonificio_denoise'),
    ('abbattimento_ciminera_1972', 'abbattimento_ciminera_1972-restored'),
    ('piazzacarmine_con_ciminiera', 'piazzacarmine_con_ciminiera-restored'),
]


def luma(path):
    im = cv2.imread(path, cv2.IMREAD_COLOR)
    if im is None:
        raise SystemExit(f'cannot read {path}')
    b, g, r = [im[..., i].astype(np.float32) for i in range(3)]
    return 0.299 * r + 0.587 * g + 0.114 * b


def u8(a):
    return np.clip(a, 0, 255).astype(np.uint8)


def feature_homography(orig, rest):
    """SIFT + ratio test + RANSAC: H maps restored pixels to original pixels."""
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
    a, b = clahe.apply(u8(orig)), clahe.apply(u8(rest))
    sift = cv2.SIFT_create(nfeatures=8000)
    ka, da = sift.detectAndCompute(a, None)
    kb, db = sift.detectAndCompute(b, None)
    matches = cv2.BFMatcher(cv2.NORM_L2).knnMatch(db, da, k=2)
    good = [m for m, n in (p for p in matches if len(p) == 2) if m.distance < 0.75 * n.distance]
    src = np.float32([kb[m.queryIdx].pt for m in good]).reshape(-1, 1, 2)
    dst = np.float32([ka[m.trainIdx].pt for m in good]).reshape(-1, 1, 2)
    H, inl = cv2.findHomography(src, dst, cv2.RANSAC, 3.0, maxIters=5000, confidence=0.999)
    inl = inl.ravel().astype(bool)
    return H, src[inl], dst[inl], len(good)


def ecc_refine(orig, rest, H):
    """ECC (homography) on blurred luma, started from the feature homography; returns (H, cc)."""
    W = np.linalg.inv(H).astype(np.float32)  # original frame -> restored frame (ECC's warp)
    t = cv2.GaussianBlur(orig, (0, 0), 1.5)
    i = cv2.GaussianBlur(rest, (0, 0), 1.5)
    crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 200, 1e-6)
    try:
        cc, W = cv2.findTransformECC(t, i, W, cv2.MOTION_HOMOGRAPHY, crit, None, 5)
    except cv2.error:
        return H, float('nan')
    return np.linalg.inv(W.astype(np.float64)), float(cc)


def block_shifts(a, b, valid, n=4):
    """Residual misalignment: phase-correlation shift of each of n×n blocks (px)."""
    h, w = a.shape
    out = []
    win = None
    for by in range(n):
        for bx in range(n):
            y0, y1, x0, x1 = by * h // n, (by + 1) * h // n, bx * w // n, (bx + 1) * w // n
            if valid[y0:y1, x0:x1].mean() < 0.98:
                continue
            pa = a[y0:y1, x0:x1].astype(np.float64)
            pb = b[y0:y1, x0:x1].astype(np.float64)
            if pa.std() < 3 or pb.std() < 3:
                continue
            win = cv2.createHanningWindow((x1 - x0, y1 - y0), cv2.CV_64F)
            (dx, dy), resp = cv2.phaseCorrelate(pa, pb, win)
            if resp > 0.05:
                out.append(float(np.hypot(dx, dy)))
    return out


def tone_match(src, ref, valid):
    """Global monotone grey mapping of src onto ref (median of ref per src level), then the slow
    residual (σ = long side / 12) removed, so only local differences remain."""
    s = u8(src)
    lut = np.zeros(256, np.float32)
    have = np.zeros(256, bool)
    sv, rv = s[valid], ref[valid]
    for g in range(256):
        sel = rv[sv == g]
        if sel.size >= 20:
            lut[g] = np.median(sel)
            have[g] = True
    idx = np.arange(256)
    lut = np.interp(idx, idx[have], lut[have]).astype(np.float32)
    lut = np.maximum.accumulate(lut)
    mapped = lut[s]
    sigma = max(ref.shape) / 12
    resid = np.where(valid, ref - mapped, 0).astype(np.float32)
    wsum = cv2.GaussianBlur(valid.astype(np.float32), (0, 0), sigma)
    slow = cv2.GaussianBlur(resid, (0, 0), sigma) / np.maximum(wsum, 1e-3)
    return mapped + slow


def shift_tolerant_diff(a, b, r=1):
    """min over shifts within ±r px of |a − shift(b)| (tolerates sub-pixel misalignment at edges)."""
    best = np.full(a.shape, np.inf, np.float32)
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            sb = np.roll(np.roll(b, dy, 0), dx, 1)
            best = np.minimum(best, np.abs(a - sb))
    return best


def local_affine(src, ref, valid, r=12, eps=25.0):
    """Guided-filter style local tone map: ref ≈ a·src + b in each (2r+1)² window, a and b
    smoothed; local re-toning (lifted shadows, local contrast) is absorbed, while marks narrower than
    the window (scratches, spots, dust) are not."""
    k = (2 * r + 1, 2 * r + 1)
    w = valid.astype(np.float32)
    n = np.maximum(cv2.boxFilter(w, -1, k, normalize=True), 1e-3)
    box = lambda x: cv2.boxFilter(x * w, -1, k, normalize=True) / n
    ms, mr = box(src), box(ref)
    vs = box(src * src) - ms * ms
    cov = box(src * ref) - ms * mr
    a = cov / (vs + eps)
    b = mr - a * ms
    return box(a) * src + box(b)


def damage_mask(orig, aligned, valid):
    matched = local_affine(tone_match(aligned, orig, valid), orig, valid)
    d = shift_tolerant_diff(cv2.GaussianBlur(orig, (0, 0), 0.7), cv2.GaussianBlur(matched, (0, 0), 0.7))
    d[~valid] = 0
    med = float(np.median(d[valid]))
    mad = float(np.median(np.abs(d[valid] - med))) * 1.4826
    thr = max(med + 6 * mad, 14.0)
    m = (d > thr).astype(np.uint8)
    # drop isolated specks of grain and re-sharpened texture (components under 6 px), fill pinholes
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    nlab, lab, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    keep = np.zeros(nlab, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= 6
    m = keep[lab]
    return m, d, matched, {'diffMedian': round(med, 2), 'diffMadSigma': round(mad, 2), 'threshold': round(thr, 2)}


def align(data, out):
    base = os.path.join(data, 'old-photos', 'piedimonte')
    os.makedirs(out, exist_ok=True)
    report = []
    for o_name, r_name in PAIRS:
        orig = luma(os.path.join(base, o_name + '.jpg'))
        rest = luma(os.path.join(base, r_name + '.jpg'))
        h, w = orig.shape
        H0, src, dst, n_good = feature_homography(orig, rest)
        H, cc = ecc_refine(orig, rest, H0)
        if not np.isfinite(cc):
            H = H0
        aligned = cv2.warpPerspective(rest, H, (w, h), flags=cv2.INTER_LINEAR)
        cover = cv2.warpPerspective(np.ones(rest.shape, np.uint8), H, (w, h), flags=cv2.INTER_NEAREST)
        valid = cv2.erode(cover, np.ones((17, 17), np.uint8)) > 0
        # the print's own edge (black frame lines, ragged borders) is redrawn or cropped by restorers:
        # a margin of 2 % of the short side is left out of the comparison
        m = max(12, round(0.02 * min(h, w)))
        valid[:m] = False
        valid[-m:] = False
        valid[:, :m] = False
        valid[:, -m:] = False
        reproj = cv2.perspectiveTransform(src, H) - dst
        err = np.hypot(reproj[..., 0], reproj[..., 1]).ravel()
        shifts = block_shifts(cv2.GaussianBlur(orig, (0, 0), 1), cv2.GaussianBlur(aligned, (0, 0), 1), valid)
        mask, d, matched, thr = damage_mask(orig, aligned, valid)
        scale = float(np.sqrt(abs(np.linalg.det(H[:2, :2]))))
        row = {
            'pair': o_name,
            'restored': r_name,
            'size': f'{w}x{h}',
            'restoredSize': f'{rest.shape[1]}x{rest.shape[0]}',
            'scaleRestoredToOriginal': round(scale, 4),
            'siftMatches': n_good,
            'siftInliers': int(len(src)),
            'inlierErrorMedianPx': round(float(np.median(err)), 3),
            'inlierErrorP90Px': round(float(np.percentile(err, 90)), 3),
            'eccCorrelation': round(cc, 4) if np.isfinite(cc) else None,
            'blockShiftMedianPx': round(float(np.median(shifts)), 3) if shifts else None,
            'blockShiftMaxPx': round(float(np.max(shifts)), 3) if shifts else None,
            'blocks': len(shifts),
            'validFraction': round(float(valid.mean()), 4),
            'damageFraction': round(float(mask[valid].mean()), 4),
            **thr,
        }
        report.append(row)
        print(json.dumps(row), flush=True)
        cv2.imwrite(os.path.join(out, o_name + '.truth.png'), mask.astype(np.uint8) * 255)
        cv2.imwrite(os.path.join(out, o_name + '.valid.png'), valid.astype(np.uint8) * 255)
        over = cv2.cvtColor(u8(orig), cv2.COLOR_GRAY2BGR)
        over[mask] = (0, 0, 255)
        look = np.hstack([cv2.cvtColor(u8(x), cv2.COLOR_GRAY2BGR) for x in (orig, matched, np.minimum(d * 4, 255))] + [over])
        cv2.imwrite(os.path.join(out, o_name + '.look.png'), look)
    with open(os.path.join(out, 'align.json'), 'w') as f:
        json.dump(report, f, indent=1)


def near(m, tol):
    if tol <= 0:
        return m
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * tol + 1, 2 * tol + 1))
    return cv2.dilate(m.astype(np.uint8), k) > 0


def score(out, tol=3):
    rows = []
    dets = ['classical', 'learned']
    for o_name, _ in PAIRS:
        tp = os.path.join(out, o_name + '.truth.png')
        if not os.path.exists(tp):
            continue
        truth = cv2.imread(tp, cv2.IMREAD_GRAYSCALE) > 127
        valid = cv2.imread(os.path.join(out, o_name + '.valid.png'), cv2.IMREAD_GRAYSCALE) > 127
        row = {'pair': o_name, 'truthFraction': round(float(truth[valid].mean()), 4)}
        for det in dets:
            pp = os.path.join(out, f'{o_name}.{det}.png')
            if not os.path.exists(pp):
                continue
            pred = cv2.imread(pp, cv2.IMREAD_GRAYSCALE) > 127
            if pred.shape != truth.shape:
                raise SystemExit(f'{pp}: {pred.shape} vs truth {truth.shape}')
            t, p = truth & valid, pred & valid
            tp_p, n_p = int((p & near(t, tol)).sum()), int(p.sum())
            tp_t, n_t = int((t & near(p, tol)).sum()), int(t.sum())
            row[det] = {
                # precision is undefined (null) when the detector flagged nothing
                'precision': round(tp_p / n_p, 3) if n_p else None,
                'recall': round(tp_t / n_t, 3) if n_t else None,
                'flagged': round(n_p / float(valid.sum()), 4),
                'counts': [tp_p, n_p, tp_t, n_t],
            }
        if os.environ.get('PIEDIMONTE_LOOK'):
            over = cv2.cvtColor(cv2.imread(os.path.join(out, o_name + '.look.png'), cv2.IMREAD_GRAYSCALE)[:, :truth.shape[1]], cv2.COLOR_GRAY2BGR) // 2
            for det in dets:
                pp = os.path.join(out, f'{o_name}.{det}.png')
                if os.path.exists(pp):
                    pred = (cv2.imread(pp, cv2.IMREAD_GRAYSCALE) > 127) & valid
                    o = over.copy()
                    o[truth & valid, 2] = 255
                    o[pred, 1] = 255
                    cv2.imwrite(os.path.join(out, f'{o_name}.{det}.vs-truth.png'), o)
        rows.append(row)
        print(json.dumps(row), flush=True)
    for det in dets:
        have = [r[det] for r in rows if det in r]
        if not have:
            continue
        ps = [h['precision'] for h in have if h['precision'] is not None]
        rs = [h['recall'] for h in have if h['recall'] is not None]
        c = np.sum([h['counts'] for h in have], axis=0)
        print(f'{det}: pooled precision {c[0] / max(1, c[1]):.3f}, pooled recall {c[2] / max(1, c[3]):.3f}; '
              f'mean precision {np.mean(ps) if ps else float("nan"):.3f} over {len(ps)} pairs that flagged anything, '
              f'mean recall {np.mean(rs):.3f} over {len(rs)} pairs (tolerance {tol} px)')
    with open(os.path.join(out, f'scores-{tol}px.json'), 'w') as f:
        json.dump(rows, f, indent=1)


if __name__ == '__main__':
    if len(sys.argv) >= 4 and sys.argv[1] == 'align':
        align(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == 'score':
        score(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
    else:
        print(__doc__)
        sys.exit(2)
