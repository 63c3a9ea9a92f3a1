#!/usr/bin/env bash
# How the shipped models in models/ were trained and exported (issue 6). Each stage is resumable:
# re-running a training stage continues from the newest checkpoint in its run folder.
#   scripts/train-shipped.sh landscape | export-landscape | monet | export-monet | faces | export-faces
#   scripts/train-shipped.sh landscape128 | export-landscape128 | monet128 | export-monet128 | faces128 | export-faces128
# (the 128-px models, issue 17: resize-convolution generator; their z-encoders are trained afterwards
# with scripts/train-encoder.ts, whose exact commands each model's manifest.json records)
# RUNS (default /work/train-runs) holds checkpoints, samples and logs, outside the repository.
# The data comes from ../shared/data (see its README); it is never copied into the repository.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${RUNS:-/work/train-runs}"
DATA="${DATA:-$here/../shared/data}"
TRAINER="$RUNS/train-gan-v3.cjs"   # bundled once by train-gan.sh, so a long run keeps its code
TRAINER128="$RUNS/train-gan-v5.cjs"   # the same, with the resize layer computed as a transposed convolution
# common flags of the 128-px runs (batch 32, one thread, checkpoints every 100 steps)
ARGS128="--cache-dir $RUNS/cache --arch dcgan128-resize --ngf 32 --ndf 32 --batch 32 --label-smoothing 0.1 --seed 1 --threads 1 --checkpoint-every 100 --checkpoint-minutes 4 --log-seconds 60"
train128() {  # train128 RUN_NAME [trainer args...]: a resumable background run logging to RUNS/RUN_NAME.log
  local run="$1"; shift
  mkdir -p "$RUNS/$run"
  # shellcheck disable=SC2086
  nohup nice -n 19 scripts/train-gan.sh "$TRAINER128" --run-dir "$RUNS/$run" $ARGS128 "$@" >> "$RUNS/$run.log" 2>&1 &
}
export128() {  # export128 RUN_NAME MODEL_NAME DATA_NAME DESCRIPTION [ship-model args...]
  local run="$1" name="$2" data="$3" what="$4"; shift 4
  scripts/ship-model.sh --checkpoint "$RUNS/$run" --name "$name" --data-folder "../shared/data/$data" --data-description "$what" \
    --description-file "$RUNS/$run/DESCRIPTION.txt" "$@"
}
mkdir -p "$RUNS"
cd "$here"
case "${1:-}" in
  landscape)
    # 5 % of the folder (310 images, chosen by src/core/train/holdout.ts) is never shown to the
    # trainer; bench/zopt evaluates the GAN fill on exactly those images.
    mkdir -p "$RUNS/landscape-holdout"
    nohup nice -n 19 scripts/train-gan.sh "$RUNS/train-gan-v3.cjs" --data "$DATA/landscapes" --run-dir "$RUNS/landscape-holdout" \
      --cache-dir "$RUNS/cache" --arch dcgan64 --ngf 32 --ndf 32 --batch 64 --steps 2500 --label-smoothing 0.1 \
      --holdout-percent 5 --seed 1 --threads 1 --checkpoint-every 100 --checkpoint-minutes 4 --keep 3 --log-seconds 60 \
      >> "$RUNS/landscape-holdout/train.log" 2>&1 &
    ;;
  export-landscape)
    scripts/ship-model.sh --checkpoint "${LANDSCAPE_CHECKPOINT:-$RUNS/landscape-holdout}" --name landscape-dcgan64 --data-folder ../shared/data/landscapes \
      --data-description "outdoor photos: landscapes, sea, sky, fields, some buildings (Flickr photos of the CycleGAN monet2photo set)" \
      --description-file "$RUNS/landscape-holdout/DESCRIPTION.txt" \
      --command "nohup nice -n 19 scripts/train-gan.sh /work/train-runs/train-gan-v3.cjs --data /work/shared/data/landscapes --run-dir /work/train-runs/landscape-holdout --cache-dir /work/train-runs/cache --arch dcgan64 --ngf 32 --ndf 32 --batch 64 --steps 2500 --label-smoothing 0.1 --holdout-percent 5 --seed 1 --threads 1 --checkpoint-every 100 --checkpoint-minutes 4 --keep 3 --log-seconds 60   # (scripts/train-shipped.sh landscape)"
    ;;
  monet)
    # fine-tuned from the exported landscape model (export-landscape first); 10 % of the paintings
    # (27, holdout.ts) are never shown to it, so bench/zopt can judge the Monet model on paintings it never saw
    mkdir -p "$RUNS/monet-holdout"
    nohup nice -n 19 scripts/train-gan.sh "$TRAINER" --data "$DATA/monet" --run-dir "$RUNS/monet-holdout" --cache-dir "$RUNS/cache" \
      --arch dcgan64 --ngf 32 --ndf 32 --init models/landscape-dcgan64 --batch 32 --lr-d 1e-4 --lr-g 1e-4 \
      --label-smoothing 0.1 --holdout-percent 10 --seed 1 --threads 1 --steps "${MONET_STEPS:-600}" --checkpoint-every 100 --checkpoint-minutes 3 \
      --keep 10 --log-seconds 60 >> "$RUNS/monet-holdout/train.log" 2>&1 &
    ;;
  export-monet)
    scripts/ship-model.sh --checkpoint "${MONET_CHECKPOINT:-$RUNS/monet-holdout}" --name monet-dcgan64 --parent landscape-dcgan64 \
      --data-folder ../shared/data/monet --data-description "paintings by Claude Monet (public domain), 256×256 JPEG" \
      --description-file "$RUNS/monet-holdout/DESCRIPTION.txt" \
      --command "nohup nice -n 19 scripts/train-gan.sh /work/train-runs/train-gan-v3.cjs --data /work/shared/data/monet --run-dir /work/train-runs/monet-holdout --cache-dir /work/train-runs/cache --arch dcgan64 --ngf 32 --ndf 32 --init models/landscape-dcgan64 --batch 32 --lr-d 1e-4 --lr-g 1e-4 --label-smoothing 0.1 --holdout-percent 10 --seed 1 --threads 1 --steps ${MONET_STEPS:-600} --checkpoint-every 100 --checkpoint-minutes 3 --keep 10 --log-seconds 60   # (scripts/train-shipped.sh monet)"
    ;;
  faces)
    # 5 % of the crops (holdout.ts) are never shown to it, so bench/zopt can judge its encoder on faces it never saw
    mkdir -p "$RUNS/faces-holdout"
    nohup nice -n 19 scripts/train-gan.sh "$TRAINER" --data "$DATA/faces" --run-dir "$RUNS/faces-holdout" --cache-dir "$RUNS/cache" \
      --arch dcgan64 --ngf 32 --ndf 32 --batch 64 --steps "${FACES_STEPS:-1200}" --label-smoothing 0.1 --holdout-percent 5 --seed 1 --threads 1 \
      --checkpoint-every 100 --checkpoint-minutes 3 --keep 3 --log-seconds 60 >> "$RUNS/faces-holdout/train.log" 2>&1 &
    ;;
  export-faces)
    scripts/ship-model.sh --checkpoint "${FACES_CHECKPOINT:-$RUNS/faces-holdout}" --name faces-dcgan64 --data-folder ../shared/data/faces \
      --data-description "tight face crops of varied quality, unaligned, mostly 128-512 px colour JPEG (web-scraped)" \
      --description-file "$RUNS/faces-holdout/DESCRIPTION.txt" \
      --command "nohup nice -n 19 scripts/train-gan.sh /work/train-runs/train-gan-v3.cjs --data /work/shared/data/faces --run-dir /work/train-runs/faces-holdout --cache-dir /work/train-runs/cache --arch dcgan64 --ngf 32 --ndf 32 --batch 64 --steps ${FACES_STEPS:-1200} --label-smoothing 0.1 --holdout-percent 5 --seed 1 --threads 1 --checkpoint-every 100 --checkpoint-minutes 3 --keep 3 --log-seconds 60   # (scripts/train-shipped.sh faces)"
    ;;
  landscape128)
    train128 landscape128 --data "$DATA/landscapes" --steps 5000 --holdout-percent 5 --keep 3
    ;;
  export-landscape128)
    export128 landscape128 landscape-dcgan128 landscapes "outdoor photos: landscapes, sea, sky, fields, some buildings (Flickr photos of the CycleGAN monet2photo set)"
    ;;
  monet128)
    # fine-tuned from the exported 128-px landscape model, with the Monet split of the 64-px model (10 %)
    train128 monet128 --data "$DATA/monet" --init models/landscape-dcgan128 --lr-d 1e-4 --lr-g 1e-4 --holdout-percent 10 --steps 600 --keep 10
    ;;
  export-monet128)
    export128 monet128 monet-dcgan128 monet "paintings by Claude Monet (public domain), 256×256 JPEG" --parent landscape-dcgan128
    ;;
  faces128)
    train128 faces128 --data "$DATA/faces" --steps 2400 --holdout-percent 5 --keep 3
    ;;
  export-faces128)
    export128 faces128 faces-dcgan128 faces "tight face crops of varied quality, unaligned, mostly 128-512 px colour JPEG (web-scraped)"
    ;;
  *)
    echo "usage: $0 landscape | export-landscape | monet | export-monet | faces | export-faces | landscape128 | export-landscape128 | monet128 | export-monet128 | faces128 | export-faces128" >&2
    exit 2
    ;;
esac
