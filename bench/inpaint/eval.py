#!/usr/bin/python3
"""OpenCV side of the inpainting benchmark and the one place where metrics are computed.

  /usr/bin/python3 eval.py cvspeed DATA_DIR OUT_DIR ROUND   one timed OpenCV round (appended to timings.jsonl)
  /usr/bin/python3 eval.py final DATA_DIR OUT_DIR           OpenCV quality runs, solver check, metrics, report

Runs cv2.inpaint (TELEA, NS) and cv2.seamlessClone (NORMAL_CLONE, MIXED_CLONE) on the same cases
and regions as driver.mjs, then scores every engine's PNG output identically: masked PSNR and
SSIM against the ground truth, and a seam metric (mean gradient error in a band around the hole).
It also checks Renovo's Poisson solution against an exact sparse solve (scipy spsolve)."""
import json, os, sys, time
import numpy as np
import cv2
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from skimage.metrics import structural_similarity

MODE, DATA, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ROUND = int(sys.argv[4]) if len(sys.argv) > 4 else 1
RADIUS = 5  # same neighbourhood radius as Renovo's Telea default
cases = json.load(open(os.path.join(DATA, 'cases.json')))
cv2.setNumThreads(2)


def rd(path, flags=cv2.IMREAD_COLOR):
    im = cv2.imread(path, flags)
    if im is None:
        sys.exit(f'eval.py: cannot read {path}')
    return im


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


if MODE == 'cvspeed':
    with open(os.path.join(OUT, 'timings.jsonl'), 'a') as tf:
        for c in cases['speed']:
            img = rd(os.path.join(DATA, c['photo']))
            m = rd(os.path.join(DATA, c['mask']), cv2.IMREAD_GRAYSCALE)
            src = rd(os.path.join(DATA, c['src']))
            x, y, w, h = cv2.boundingRect(m)
            centre = (x + w // 2, y + h // 2)  # seamlessClone puts the mask's bounding box here: same spot
            jobs = [('inpaint', 'cv2_telea', lambda: cv2.inpaint(img, m, RADIUS, cv2.INPAINT_TELEA)),
                    ('inpaint', 'cv2_ns', lambda: cv2.inpaint(img, m, RADIUS, cv2.INPAINT_NS)),
                    ('clone', 'cv2_clone_normal', lambda: cv2.seamlessClone(src, img, m, centre, cv2.NORMAL_CLONE)),
                    ('clone', 'cv2_clone_mixed', lambda: cv2.seamlessClone(src, img, m, centre, cv2.MIXED_CLONE))]
            for kind, name, fn in jobs:
                ms, out = timed(fn)
                if ROUND == 1:
                    cv2.imwrite(os.path.join(OUT, f"{c['id']}__{name}.png"), out)
                tf.write(json.dumps({'side': 'cv2', 'round': ROUND, 'kind': kind, 'id': c['id'], 'engine': name, 'ms': ms}) + '\n')
                print(f"round {ROUND} {c['id']} {name}: {ms:.0f} ms")
    sys.exit(0)

ren = {'quality': json.load(open(os.path.join(OUT, 'renovo_quality.json')))}
timings = [json.loads(l) for l in open(os.path.join(OUT, 'timings.jsonl'))]
RUNS = len({t['round'] for t in timings})
def med(cid, engine):
    return float(np.median([t['ms'] for t in timings if t['id'] == cid and t['engine'] == engine]))

# ---------------------------------------------------------------- OpenCV runs (quality cases)
for c in cases['quality']:
    img = rd(os.path.join(DATA, c['photo']))
    m = rd(os.path.join(DATA, c['mask']), cv2.IMREAD_GRAYSCALE)
    for name, flag in [('cv2_telea', cv2.INPAINT_TELEA), ('cv2_ns', cv2.INPAINT_NS)]:
        t = time.perf_counter()
        out = cv2.inpaint(img, m, RADIUS, flag)
        ren['quality'].append({'id': c['id'], 'engine': name, 'ms': (time.perf_counter() - t) * 1000})
        cv2.imwrite(os.path.join(OUT, f"{c['id']}__{name}.png"), out)

# ---------------------------------------------------------------- exact sparse solve check
solver_check = []
for c in cases['speed']:
    img = rd(os.path.join(DATA, c['photo']))
    m = rd(os.path.join(DATA, c['mask']), cv2.IMREAD_GRAYSCALE)
    src = rd(os.path.join(DATA, c['src']))
    # exact sparse solve of Renovo's discretisation, channel 0 (= red; OpenCV images are BGR)
    H, W = m.shape
    region = m > 0
    d0 = img[:, :, 2].astype(np.float64)
    s0 = src[:, :, 2].astype(np.float64)
    idx = -np.ones(H * W, np.int64)
    ys, xs = np.nonzero(region)
    n = len(ys)
    idx[ys * W + xs] = np.arange(n)
    rows, cols, vals = [np.arange(n)], [np.arange(n)], [np.zeros(n)]
    b = np.zeros(n)
    diag = np.zeros(n)
    for dy, dx in [(0, -1), (0, 1), (-1, 0), (1, 0)]:
        qy, qx = ys + dy, xs + dx
        ok = (qy >= 0) & (qy < H) & (qx >= 0) & (qx < W)
        p_i = np.nonzero(ok)[0]
        qyo, qxo = qy[ok], qx[ok]
        diag[p_i] += 1
        b[p_i] += s0[ys[ok], xs[ok]] - s0[qyo, qxo]
        qi = idx[qyo * W + qxo]
        inside = qi >= 0
        rows.append(p_i[inside]); cols.append(qi[inside]); vals.append(-np.ones(inside.sum()))
        b[p_i[~inside]] += d0[qyo[~inside], qxo[~inside]]
    vals[0] = diag
    A = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    t = time.perf_counter()
    exact = spla.spsolve(A, b)
    t_exact = (time.perf_counter() - t) * 1000
    ours = np.fromfile(os.path.join(OUT, f"{c['id']}__renovo_solve_ch0.f32"), np.float32).reshape(H, W)
    err = np.abs(ours[ys, xs] - exact)
    solver_check.append({'id': c['id'], 'unknowns': int(n), 'max_abs_err': float(err.max()),
                         'max_abs_err_over_255': float(err.max() / 255), 'spsolve_ms': t_exact})
    print(f"{c['id']} solver vs spsolve: max |diff| {err.max():.4f} grey levels ({n} unknowns)")
ren['solver_check'] = solver_check
ren['timings'] = timings

# ---------------------------------------------------------------- metrics, identical for everyone
def metrics(gt, out, m):
    hole = m > 0
    g, o = gt.astype(np.float64), out.astype(np.float64)
    mse = ((g - o) ** 2)[hole].mean()
    psnr = 10 * np.log10(255.0 ** 2 / max(mse, 1e-10))
    ys, xs = np.nonzero(hole)
    pad = 8
    y0, y1 = max(0, ys.min() - pad), min(m.shape[0], ys.max() + pad + 1)
    x0, x1 = max(0, xs.min() - pad), min(m.shape[1], xs.max() + pad + 1)
    _, smap = structural_similarity(gt[y0:y1, x0:x1], out[y0:y1, x0:x1], channel_axis=2, data_range=255, full=True)
    ssim = smap.mean(axis=2)[hole[y0:y1, x0:x1]].mean()
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    band = (cv2.dilate(m, k) > 0) & ~(cv2.erode(m, k) > 0)  # ±2 px around the hole's edge
    gx = lambda a: np.diff(a, axis=1, append=a[:, -1:])
    gy = lambda a: np.diff(a, axis=0, append=a[-1:])
    seam = (np.abs(gx(o) - gx(g)) + np.abs(gy(o) - gy(g))).mean(axis=2)[band].mean()
    return float(psnr), float(ssim), float(seam)


scores = []
def score(group, c, gtname, engines):
    gt = rd(os.path.join(DATA, gtname))
    m = rd(os.path.join(DATA, c['mask']), cv2.IMREAD_GRAYSCALE)
    for e in engines:
        out = rd(os.path.join(OUT, f"{c['id']}__{e}.png"))
        outside = (m == 0)
        if not np.array_equal(out[outside], gt[outside]):
            print(f"WARNING: {e} changed unmasked pixels in {c['id']}")
        p, s, z = metrics(gt, out, m)
        scores.append({'group': group, 'id': c['id'], 'engine': e, 'kind': c.get('kind', 'speed'),
                       'target': c.get('target', c['fraction']), 'fraction': c['fraction'], 'psnr': p, 'ssim': s, 'seam': z})

ENG = ['renovo_patchmatch', 'renovo_patchmatch_noblend', 'renovo_telea', 'renovo_telea_noblend', 'renovo_harmonic', 'cv2_telea', 'cv2_ns']
for c in cases['quality']:
    score('quality', c, c['photo'], ENG)
for c in cases['speed']:
    score('speed', c, c['photo'], [e for e in ENG if e != 'renovo_telea_noblend'])
ren['scores'] = scores
json.dump(ren, open(os.path.join(OUT, 'results.json'), 'w'), indent=1)

# ---------------------------------------------------------------- report (markdown)
L = []
q = [s for s in scores if s['group'] == 'quality']
buckets = [('object', 0.02), ('object', 0.05), ('object', 0.10), ('object', 0.25), ('freeform', 0.05), ('freeform', 0.15)]
L.append(f"Quality: {len(cases['quality'])} cases = 8 photos × 6 masks (Debian python3-skimage data images; masks: person/blob objects at 2/5/10/25 %, free-form strokes at 5/15 %). Mean over the 8 photos.\n")
L.append('| engine | ' + ' | '.join(f'{k} {int(round(t*100))} %' for k, t in buckets) + ' | PSNR holes ≥ 5 % | SSIM holes ≥ 5 % | seam err holes ≥ 5 % |')
L.append('|---' * (len(buckets) + 4) + '|')
for e in ENG:
    row = [f"{np.mean([s['psnr'] for s in q if s['engine'] == e and s['kind'] == k and s['target'] == t]):.2f}" for k, t in buckets]
    big = [s for s in q if s['engine'] == e and s['target'] >= 0.05]
    row += [f"{np.mean([s['psnr'] for s in big]):.2f}", f"{np.mean([s['ssim'] for s in big]):.4f}", f"{np.mean([s['seam'] for s in big]):.2f}"]
    L.append(f'| {e} | ' + ' | '.join(row) + ' |')
L.append('\n(columns 2–7: masked PSNR in dB, mean over photos; seam err: mean |∇out − ∇truth| in a ±2 px band around the hole edge, grey levels, lower is better)\n')
big_ids = sorted({s['id'] for s in q if s['target'] >= 0.05})
def ps(e, i): return next(s['psnr'] for s in q if s['engine'] == e and s['id'] == i)
wins_t = sum(ps('renovo_patchmatch', i) > ps('cv2_telea', i) for i in big_ids)
wins_n = sum(ps('renovo_patchmatch', i) > ps('cv2_ns', i) for i in big_ids)
L.append(f"PatchMatch (with blend) beats cv2 TELEA on {wins_t}/{len(big_ids)} and cv2 NS on {wins_n}/{len(big_ids)} individual cases with holes ≥ 5 %.\n")

L.append(f"Speed (end to end, fill + blend for Renovo; in-process, decode/encode excluded; median of {RUNS} rounds, Renovo and OpenCV rounds alternating in the same run):\n")
L.append('| case | engine | median ms | masked PSNR | ratio vs cv2 TELEA | ratio vs cv2 NS |')
L.append('|---|---|---|---|---|---|')
for c in cases['speed']:
    for e in ['renovo_patchmatch', 'renovo_patchmatch_noblend', 'renovo_telea', 'renovo_harmonic', 'cv2_telea', 'cv2_ns']:
        p = next(s['psnr'] for s in scores if s['group'] == 'speed' and s['id'] == c['id'] and s['engine'] == e)
        L.append(f"| {c['id']} ({c['fraction']*100:.1f} % hole) | {e} | {med(c['id'], e):.0f} | {p:.2f} | {med(c['id'], e)/med(c['id'], 'cv2_telea'):.2f} | {med(c['id'], e)/med(c['id'], 'cv2_ns'):.2f} |")
L.append('\nPoisson blending alone, same photo / source / mask region as cv2.seamlessClone (source = the photo shifted by (60, 37) px):\n')
L.append('| case | mode | Renovo ms | cv2.seamlessClone ms | ratio |')
L.append('|---|---|---|---|---|')
for c in cases['speed']:
    for mode in ['normal', 'mixed']:
        r_, c_ = med(c['id'], f'renovo_clone_{mode}'), med(c['id'], f'cv2_clone_{mode}')
        L.append(f"| {c['id']} | {mode} | {r_:.0f} | {c_:.0f} | {r_/c_:.2f} |")
L.append('\nSolver accuracy (channel 0 of the normal clone, Renovo MGPCG at its default tolerance vs scipy spsolve of the same sparse system):\n')
L.append('| case | unknowns | max abs error (grey levels) | as fraction of 1/255 of full scale |')
L.append('|---|---|---|---|')
for s in solver_check:
    L.append(f"| {s['id']} | {s['unknowns']} | {s['max_abs_err']:.4f} | {s['max_abs_err']:.4f} / 1.0 |")
open(os.path.join(OUT, 'results.md'), 'w').write('\n'.join(L) + '\n')
print('\n'.join(L))
