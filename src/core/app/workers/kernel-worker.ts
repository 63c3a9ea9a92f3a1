// Entry of the kernel worker bundle (dist/worker/kernels.cjs): the kernels a worker can run for
// parallel/threads.ts. An engine that splits work across threads adds its kernel here.
import { pcgRankKernel } from '../../blend/pcg';
import { pmBandKernel } from '../../inpaint/patchmatch-kernels';
import type { Kernel } from '../../parallel/kernel';
import { serveKernels } from '../../parallel/serve';

serveKernels([pcgRankKernel, pmBandKernel] as Kernel<never>[]);
