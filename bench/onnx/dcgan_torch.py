"""PyTorch CPU reference for bench/onnx: the same 64x64 DCGAN z-optimisation step and training
step as dcgan-bench.ts, hand-written in eager PyTorch. Prints one JSON line."""
import json, resource, statistics, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
zruns = int(sys.argv[2]) if len(sys.argv) > 2 else 10
truns = int(sys.argv[3]) if len(sys.argv) > 3 else 3
torch.set_num_threads(threads)
torch.manual_seed(0)
nz, ngf, ndf, nc = 100, 64, 64, 3

def G():
    return nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
        nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh())

def D():
    return nn.Sequential(
        nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 4), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 8), nn.LeakyReLU(0.2, True),
        nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False))

def init(m):
    for mod in m.modules():
        if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d)): nn.init.normal_(mod.weight, 0, 0.02)
        elif isinstance(mod, nn.BatchNorm2d): nn.init.normal_(mod.weight, 1, 0.02); nn.init.zeros_(mod.bias)

netG, netD = G(), D()
init(netG); init(netD)

# z-optimisation step: 16 latents, eval-mode BN, backward to z only, Adam on z.
netG.eval(); netD.eval()
for p in list(netG.parameters()) + list(netD.parameters()): p.requires_grad_(False)
z = torch.empty(16, nz, 1, 1).uniform_(-1, 1).requires_grad_(True)
y = torch.rand(1, nc, 64, 64) * 2 - 1
w = torch.rand(1, 1, 64, 64)
optz = torch.optim.Adam([z], lr=0.01)
def zstep():
    optz.zero_grad()
    img = netG(z)
    losses = (w * (img - y)).abs().sum(dim=(1, 2, 3)) - 0.003 * F.softplus(netD(img).view(-1))
    losses.sum().backward()
    optz.step()
    with torch.no_grad(): z.clamp_(-1, 1)
for _ in range(2): zstep()
zt = []
for _ in range(zruns):
    t = time.perf_counter(); zstep(); zt.append((time.perf_counter() - t) * 1000)

# training step: batch 64, D then G update (reference DCGAN loop), BCE-with-logits losses, Adam(2e-4, 0.5).
netG.train(); netD.train()
for p in list(netG.parameters()) + list(netD.parameters()): p.requires_grad_(True)
optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
real = torch.rand(64, nc, 64, 64) * 2 - 1
def tstep():
    noise = torch.randn(64, nz, 1, 1)
    netD.zero_grad()
    fake = netG(noise)
    lossD = F.softplus(-netD(real)).mean() + F.softplus(netD(fake.detach())).mean()
    lossD.backward(); optD.step()
    netG.zero_grad()
    lossG = F.softplus(-netD(fake)).mean()
    lossG.backward(); optG.step()
tstep()
tt = []
for _ in range(truns):
    t = time.perf_counter(); tstep(); tt.append((time.perf_counter() - t) * 1000)
print(json.dumps({
    "torch": torch.__version__, "threads": threads,
    "zstep_ms": zt, "zstep_median_ms": statistics.median(zt),
    "train_ms": tt, "train_median_ms": statistics.median(tt),
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
