// Which mask tool is picked and how it paints: brush size and hardness, the object tool's
// grow/shrink. The tools themselves live in ../tools.
export type ToolId = 'brush' | 'eraser' | 'rect' | 'lasso' | 'object';

export const TOOLS: { id: ToolId; label: string; key: string }[] = [
  { id: 'brush', label: 'Brush', key: 'B' },
  { id: 'eraser', label: 'Eraser', key: 'E' },
  { id: 'rect', label: 'Rectangle', key: 'M' },
  { id: 'lasso', label: 'Lasso', key: 'L' },
  { id: 'object', label: 'Object', key: 'W' },
];

export const BRUSH_MIN = 2;
export const BRUSH_MAX = 1000;

export class ToolSettings {
  tool = $state<ToolId>('brush');
  /** Brush diameter in photo pixels (the cursor shows it at the current zoom). */
  brushSize = $state(40);
  /** 0–100: 100 = hard edge. */
  hardness = $state(100);
  /** Object tool: grow (+) / shrink (−) the selection, in working pixels; `selecting` while it segments. */
  grow = $state(2);
  selecting = $state(false);
  /** Brush and eraser show a round cursor and a size; the others select. */
  readonly isBrush = $derived(this.tool === 'brush' || this.tool === 'eraser');

  setBrushSize(size: number): void {
    this.brushSize = Math.max(BRUSH_MIN, Math.min(BRUSH_MAX, Math.round(size)));
  }

  /** A brush about 4 % of the photo's short side: big enough to cover things, small enough to be precise. */
  fitBrushTo(width: number, height: number): void {
    this.setBrushSize(Math.min(width, height) * 0.04);
  }
}
