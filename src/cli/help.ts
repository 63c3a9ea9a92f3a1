// --help texts: one per command, each with examples and the exit statuses.

const EXIT_STATUSES = `Exit status:
  0    success
  1    failure (internal error, disk full, …)
  2    usage error (unknown option, bad value, refused output path)
  3    bad input file (missing, not an image, truncated, mask of the wrong size or empty)
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
  models                          list the generative models in the library
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
  -o, --output FILE    output file (default: <photo dir>/<name>-renovo.<ext>);
                       the format follows the extension (.jpg .png .webp .tif)
      --overwrite      replace an existing output file (never the original)
  -e, --engine NAME    auto | patchmatch | telea | harmonic   (default: auto)
                       patchmatch: large holes; telea: thin scratches and dust;
                       harmonic: smooth fill for small spots
  -b, --blend MODE     normal | mixed | off   Poisson blending of the fill (default: normal)
  -d, --dilate N       grow the mask by N pixels, 0-64 (default: 2)
  -s, --seed N         random seed, for reproducible results

${GLOBAL_OPTIONS}

Examples:
  renovo inpaint beach.jpg --mask beach-mask.png
  renovo inpaint scan.tif -m scratches.png --engine telea --dilate 1
  renovo inpaint photo.jpg -m mask.png -o clean.png --blend off --seed 7 --json

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

  models: `Usage: renovo models

Lists the generative model versions in the library (shipped, trained and imported).

${GLOBAL_OPTIONS}

Examples:
  renovo models
  renovo models --json

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
