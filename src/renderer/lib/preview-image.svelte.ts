// A library preview decoded as an <img> for the stage, loaded again whenever its file changes.
// Each image is kept with the photo it belongs to: while the next edit of the same photo loads the
// previous one stays on screen (no flash), but a new photo is never drawn with the old pixels.
export class PreviewImage {
  #loaded = $state.raw<{ img: HTMLImageElement; photoId: number | null } | null>(null);

  /** Create it while a component initialises: it loads in an effect of that component. */
  constructor(
    source: () => { file: string | null; photoId: number | null },
    url: (file: string) => string,
    onError: () => void,
  ) {
    $effect(() => {
      const { file, photoId } = source();
      if (!file) {
        this.#loaded = null;
        return;
      }
      let current = true;
      const img = new Image();
      img.decoding = 'async';
      img.onload = () => {
        if (current) this.#loaded = { img, photoId };
      };
      img.onerror = () => {
        if (current) onError();
      };
      img.src = url(file);
      return () => {
        current = false;
      };
    });
  }

  /** The decoded image, if it is one of this photo's. */
  of(photoId: number): HTMLImageElement | null {
    return this.#loaded?.photoId === photoId ? this.#loaded.img : null;
  }
}
