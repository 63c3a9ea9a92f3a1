// How the hole mask is tinted over the photo: the user's colour, or (until they pick one) a colour
// chosen to stand out from what the mask covers (../overlay-contrast.ts), and its opacity.
import { DEFAULT_OVERLAY } from '../overlay-contrast';

export class OverlaySettings {
  /** The user's colour; shown only once they picked one (auto false). Kept across sessions (App). */
  colour = $state(DEFAULT_OVERLAY);
  auto = $state(true);
  /** The automatic pick, re-chosen as the mask changes. */
  autoColour = $state(DEFAULT_OVERLAY);
  opacity = $state(0.55);
  readonly shown = $derived(this.auto ? this.autoColour : this.colour);

  /** The user's pick; null goes back to the automatic colour. */
  pick(hex: string | null): void {
    if (hex === null) this.auto = true;
    else {
      this.colour = hex;
      this.auto = false;
    }
  }
}
