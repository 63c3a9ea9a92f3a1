// The stage's view (zoom and pan) as shared reactive state, so the toolbar, the stage and the
// shortcuts agree. `fitted` keeps the photo fitted while the window resizes until the user zooms.
import { centredView, fitView, zoomAt, type View } from './geometry';

export class ViewState {
  scale = $state(1);
  x = $state(0);
  y = $state(0);
  stageW = $state(0);
  stageH = $state(0);
  imageW = $state(0);
  imageH = $state(0);
  fitted = $state(true);

  get current(): View {
    return { scale: this.scale, x: this.x, y: this.y };
  }

  set(view: View, fitted = false): void {
    this.scale = view.scale;
    this.x = view.x;
    this.y = view.y;
    this.fitted = fitted;
  }

  setImage(width: number, height: number): void {
    this.imageW = width;
    this.imageH = height;
    this.fit();
  }

  setStage(width: number, height: number): void {
    this.stageW = width;
    this.stageH = height;
    if (this.fitted) this.fit();
  }

  fit(): void {
    if (this.imageW > 0 && this.stageW > 0) this.set(fitView(this.stageW, this.stageH, this.imageW, this.imageH), true);
  }

  actualSize(): void {
    if (this.imageW > 0) this.set(centredView(this.stageW, this.stageH, this.imageW, this.imageH, 1));
  }

  /** Zoom by `factor` around a stage position (the stage centre by default). */
  zoom(factor: number, sx = this.stageW / 2, sy = this.stageH / 2): void {
    this.set(zoomAt(this.current, factor, sx, sy));
  }

  panBy(dx: number, dy: number): void {
    this.set({ scale: this.scale, x: this.x + dx, y: this.y + dy });
  }
}
