// --help texts: one per command, each with examples and the exit statuses.
import { DEFAULT_MASK_DILATE_PX } from '../shared/contract';

const EXIT_STATUSES = `Exit status:
  0    success
  1    failure (internal error, disk full, …)
  2    usage error (unknown option, bad value, refused output path)
  3    bad input file (missing, not an image, truncated, mask or source mask of the
       wrong size or empty, source area only inside the hole)
  130  cancelled (Ctrl+C)`;

const GLOBAL_OPTIONS = `Global options:
  --library DIR   library folder (history database, masks, outputs, previews);
                  default: $RENOVO_LIBRARY or the per-user Renovo library
  --json          machine-readable output: one JSON object on stdout
  -h, --help      show help for a command
  -V, --version   print the version`;

export const HELP: Record<string, string> = {
  main: `Usage: renovo [--library DIR] [--json] <command> [options]

Renovo — photo restoration: remove objects and scratches from photos.

Commands:
  inpaint PHOTO --mask MASK.png   fill the masked area of a photo
  history [PHOTO]                 list the edits of a photo (or of every photo)
  models [list|show|export|delete|import]  list / inspect / export / delete / import model versions
  train --data DIR                train a DCGAN on a folder of images
  finetune --base MODEL --data DIR  adapt a model version to a folder (e.g. paintings)
  restore IN_DIR OUT_DIR          batch-restore a folder of scanned prints (resumable)
  serve                           serve the Renovo UI to a local browser

Run 'renovo <command> --help' for the options of a command.

${GLOBAL_OPTIONS}

${EXIT_STATUSES}`,

  inpaint: `Usage: renovo inpaint PHOTO --mask MASK.png [options]

Fills the area marked in MASK (any non-black pixel, at the photo's full resolution) with content
synthesised from the rest of the photo. The original is never modified; the result is written
next to it as <name>-renovo.<ext> (with the original's EXIF, ICC profile and XMP), and the edit is
recorded in the library's history.

Options:
  -m, --mask FILE      mask image, same size as the photo (required)
      --source-mask FILE
                       source area: an image of the photo's size whose non-black pixels
                       mark where the fill may copy from (engines auto and patchmatch;
                       recorded with the edit)
      --source-mode MODE
                       include | exclude   include: copy only from the marked area;
                       exclude: never copy from it (default: include)
  -o, --output FILE    output file (default: <photo dir>/<name>-renovo.<ext>, or
                       <name>-renovo-2.<ext>, -3… when taken; never replaced);
                       the format follows the extension (.jpg .png .webp .tif)
      --overwrite      replace an existing output file (never the original)
  -e, --engine NAME    auto | patchmatch | telea | harmonic | gan-zopt | onnx   (default: auto)
                       patchmatch: large holes; telea: thin scratches and dust;
                       harmonic: smooth fill for small spots; gan-zopt: semantic fill
                       from a GAN model of the photo's domain (~1 s a hole with its
                       z-encoder, slow without one); onnx: an
                       inpainting model you imported (renovo models import)
      --model NAME     gan-zopt, onnx: model name (newest version) or version id (renovo models)
      --lambda X       gan-zopt: weight of the discriminator term, 0-10 (default: 0.003)
      --start MODE     gan-zopt: auto | encoder | cold   where the latent search starts:
                       the model's z-encoder (about 100 iterations x 4 restarts from its
                       guess) or random latents (the full search below); auto uses the
                       encoder when the model has one (default: auto)
      --iters N        gan-zopt: cold search, maximum iterations per hole, 1-20000 (default: 1500)
      --restarts N     gan-zopt: cold search, random restarts optimised together, 1-64 (default: 16)
      --lr X           gan-zopt: cold search, Adam learning rate on z (default: 0.03)
      --refine MODE    gan-zopt: off | patchmatch   texture from the photo: the object-removal
                       fill, a third of its shading taken from the GAN fill (default: off)
  -b, --blend MODE     normal | mixed | off   Poisson blending of the fill (default: normal)
  -d, --dilate N       grow the mask by N pixels, 0-64 (default: ${DEFAULT_MASK_DILATE_PX}, as in the editor)
  -s, --seed N         random seed, for reproducible results

${GLOBAL_OPTIONS}

Examples:
  renovo inpaint beach.jpg --mask beach-mask.png
  renovo inpaint scan.tif -m scratches.png --engine telea --dilate 1
  renovo inpaint photo.jpg -m mask.png -o clean.png --blend off --seed 7 --json
  renovo inpaint beach.jpg -m people.png --source-mask sand.png
  renovo inpaint beach.jpg -m people.png --source-mask sky.png --source-mode exclude
  renovo inpaint field.jpg -m hole.png --engine gan-zopt --model landscape-dcgan64
  renovo inpaint beach.jpg -m people.png --engine onnx --model big-lama
  renovo inpaint field.jpg -m hole.png -e gan-zopt --model landscape-dcgan64 --iters 500 --restarts 8 --lambda 0.01 --lr 0.05 --seed 3

Press Ctrl+C to cancel; nothing is written then.

${EXIT_STATUSES}`,

  history: `Usage: renovo history [PHOTO]

Lists the edits recorded in the library: of PHOTO (found by its content, so a moved or renamed
file is still recognised), or of every photo when PHOTO is omitted.

${GLOBAL_OPTIONS}

Examples:
  renovo history
  renovo history beach.jpg --json

${EXIT_STATUSES}`,

  models: `Usage: renovo models [list]
       renovo models show MODEL
       renovo models export MODEL --output DIR
       renovo models delete MODEL
       renovo models import FILE.onnx --kind inpainter [--preset lama-512|migan-512|custom] [--name NAME]

Lists the model versions in the library (shipped, trained and imported); shows one with its
lineage, data and training runs; exports one to a folder (G.safetensors, D.safetensors,
standalone generator.onnx, sample.png, manifest.json; an imported model: its model.onnx); deletes
one (its weights file too); or imports an ONNX inpainting model you downloaded (LaMa, MI-GAN…):
the file is checked against the preset's inputs and outputs, copied into the library by its
sha256 and becomes an engine: renovo inpaint … --engine onnx --model NAME.
MODEL is a name (latest version), name@VERSION, or #ID. Shipped models (models/ next to the app)
are registered on first use; a deleted shipped version comes back on the next start.

Options:
  -o, --output DIR   export: destination folder (created if needed)
  import:
      --kind inpainter       what the model is (required; the only kind imported so far)
      --preset NAME          lama-512: Carve/LaMa-ONNX lama_fp32.onnx (image [1,3,512,512] RGB 0-1,
                             mask [1,1,512,512] 1 = fill); migan-512: MI-GAN's ONNX pipeline
                             (uint8 image and mask, 255 = keep); custom: describe it with the
                             options below (default: the first of lama-512, migan-512 that fits)
  -n, --name NAME            model name (default: the file name without .onnx)
      --channels rgb|bgr     custom: channel order (default rgb)
      --image-range R        custom: 0-1 | 0-255 | -1-1 (default 0-1; 0-255 for uint8 models)
      --mask-range R         custom: 0-1 | 0-255 (default 0-1; 0-255 for uint8 models)
      --mask-polarity P      custom: hole-high (hole = 1 or 255) | hole-low (hole = 0)
      --output-range R       custom: 0-1 | 0-255 | -1-1 | auto (default auto; 0-255 for uint8)
      --max-side N           custom, dynamic-size models: longest side fed (default 1024)
      --multiple N           custom, dynamic-size models: pad sides to a multiple (default 8)

${GLOBAL_OPTIONS}

Examples:
  renovo models
  renovo models show landscape-dcgan64
  renovo models export monet-dcgan64@1 --output ~/monet-model
  renovo models delete '#7'
  renovo models import ~/Downloads/lama_fp32.onnx --kind inpainter --preset lama-512 --name big-lama
  renovo models import migan_pipeline_v2.onnx --kind inpainter --preset migan-512
  renovo models import my.onnx --kind inpainter --preset custom --channels bgr --image-range -1-1 --mask-polarity hole-low
  renovo models list --json

${EXIT_STATUSES}`,

  train: `Usage: renovo train --data DIR [options]

Trains a DCGAN (Radford et al.) on the images in DIR (searched recursively; JPEG, PNG, WebP,
TIFF; other files are skipped with a warning). Images are centre-cropped to squares, resized,
randomly cropped and flipped; the preprocessed copy is cached so later epochs and runs are fast.
Checkpoints go to the run folder every --checkpoint-every steps and on Ctrl+C; running the same
command with --run-dir continues from the newest one. A sample grid from fixed latents is
written at every epoch. The result is a new model version (recorded with its training run,
losses, data path, image count and content hash).

Options:
  -d, --data DIR            training images (required; at least one batch of usable images)
  -a, --arch NAME           dcgan64 | dcgan128 | dcgan32 | dcgan16   (default: dcgan64);
                            add -resize (e.g. dcgan128-resize) for a generator that doubles
                            its size by nearest enlargement + 3×3 convolution instead of
                            transposed convolutions (no checkerboard; trains as fast)
      --ngf N, --ndf N      generator / discriminator width (default: 64, 64)
      --nz N                latent size (default: 100)
  -n, --name NAME           model name (default: <arch>-<folder name>); reusing a name adds a version
      --steps N             training steps (default: 5000); one step = D steps + G steps
  -b, --batch N             batch size (default: 64)
      --lr-d X, --lr-g X    Adam learning rates (default: 2e-4, 2e-4)
      --beta1-d X, --beta1-g X   Adam beta1 (default: 0.5, 0.5)
      --d-steps N, --g-steps N   D and G updates per step (default: 1, 1)
      --label-smoothing X   real-label smoothing for D, e.g. 0.1 (default: 0)
  -s, --seed N              random seed: data order, augmentation, latents, init (default: 1)
      --crop MODE           random | center (default: random)
      --run-dir DIR         checkpoint folder (default: <library>/training-runs/<name>-<time>)
      --checkpoint-every N  steps between checkpoints (default: 500)
      --threads N           onnxruntime threads (default: min(4, CPU cores))

${GLOBAL_OPTIONS}

Examples:
  renovo train --data ~/Pictures/landscapes --ngf 32 --ndf 32 --steps 3000
  renovo train -d photos/ --arch dcgan128 --batch 32 --label-smoothing 0.1 --name my-gan
  renovo train -d photos/ --d-steps 3 --g-steps 1 --lr-d 1e-3 --lr-g 5e-4 --beta1-d 0.9 --beta1-g 0.6
  renovo train -d photos/ --run-dir ~/runs/my-gan-20260101-120000   (continue a stopped run)

Press Ctrl+C to stop: a checkpoint is saved first (exit status 130).

${EXIT_STATUSES}`,

  finetune: `Usage: renovo finetune --base MODEL --data DIR [--steps N] [options]

Continues training model version MODEL (name, name@VERSION or #ID; see 'renovo models') on the
images in DIR, for example a folder of Monet paintings. The result is a new model version whose
parent is MODEL, recorded with the data path, image count and content hash, hyper-parameters,
steps, time and sample grid. Preset: batch 32, Adam 1e-4 / 1e-4 (beta1 0.5), label smoothing
0.1, 300 steps; every option of 'renovo train' except the architecture ones can override it.
When MODEL has a z-encoder (the shipped models do), the run ends by adapting it to the new
generator (400 steps, about 20 s), so GAN fills with the result start warm, as with MODEL;
'renovo models show' says whether a version has one.

Options:
      --base MODEL          model version to start from (required)
  -d, --data DIR            images to adapt to (required)
      --steps N             fine-tuning steps (default: 300)
  -n, --name NAME           result name (default: <base name>-<folder name>)
  (and -b/--batch, --lr-d, --lr-g, --beta1-d, --beta1-g, --d-steps, --g-steps, --label-smoothing,
   --seed, --crop, --run-dir, --checkpoint-every, --threads as for 'renovo train')

${GLOBAL_OPTIONS}

Examples:
  renovo finetune --base landscape-dcgan64 --data ~/Pictures/monet --steps 400
  renovo finetune --base landscape-dcgan64@1 -d art/ --name my-style --lr-g 5e-5 --json

Press Ctrl+C to stop: a checkpoint is saved first (exit status 130).

${EXIT_STATUSES}`,

  restore: `Usage: renovo restore IN_DIR OUT_DIR [options]

Restores every scanned photo in IN_DIR (searched recursively; JPEG, PNG, TIFF, WebP, AVIF) into
OUT_DIR, mirroring the folder structure: scratches, dust and spots are detected and filled, levels
and colour cast corrected, optionally denoised. IN_DIR is never written to; EXIF/ICC travel with
each output. Unreadable or broken files are reported and skipped. At the end a contact sheet
(before / damage / after) is written to OUT_DIR/_renovo_report/index.html with a report.json twin.
The batch is recorded in the library: after Ctrl+C (or a crash), running the same command again
continues where it stopped and never redoes finished files.

Options:
      --sensitivity X      damage detection sensitivity, 0-1 (default: 0.5)
      --denoise            light edge-preserving denoise (strength 0.5)
      --denoise-strength X denoise strength 0-1 (with --denoise)
      --tears              also detect and fill tears and creases
      --no-tone            keep levels and colours as scanned
  -w, --workers N          files processed at once (default: min(2, CPU cores))
      --overwrite          replace existing outputs (default: existing outputs are skipped)
      --suffix S           append S to each output name, e.g. _restored → photo_restored.jpg
  -q, --quality N          quality of JPEG/WebP outputs, 1-100
      --wide-model MODEL   fill the wide damage --tears finds with an imported inpainting
                           model (renovo models import) instead of PatchMatch
      --detector D         damage detector: learned (default: the U-Net in
                           models/damage-unet, joined with the classical detector; finds
                           crack networks and flaking; when the model is missing the
                           classical one is used, with a warning) or classical (faster,
                           thin scratches, dust and spots only)

${GLOBAL_OPTIONS}

Examples:
  renovo restore ~/Scans/album-1962 ~/Pictures/album-1962-restored
  renovo restore scans/ restored/ --sensitivity 0.7 --denoise --tears --workers 2
  renovo restore scans/ scans-out/ --suffix _restored --overwrite --json
  renovo restore scans/ restored/ --tears --wide-model big-lama
  renovo restore scans/ restored/ --detector classical

Press Ctrl+C to stop (exit status 130); run the same command again to continue.
Exit status 1 when some files could not be restored (all the others are, and the summary lists
the failures); 3 when IN_DIR is missing or holds no images; 2 when the folders overlap.

${EXIT_STATUSES}`,

  serve: `Usage: renovo serve [--port N] [--host H]

Serves the Renovo UI and its API to a browser on this machine. Prints the URL to open; it holds a
secret token that is new on every run. Stop with Ctrl+C.

Options:
  -p, --port N     port to listen on, 0 picks a free one (default: 0)
      --host H     address to bind (default: 127.0.0.1)

${GLOBAL_OPTIONS}

Examples:
  renovo serve
  renovo serve --port 8620
  renovo serve --json        prints {"url": …, "port": …, "token": …}

${EXIT_STATUSES}`,
};
