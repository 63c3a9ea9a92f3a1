import type { ToolId } from '../editor/tools.svelte';
import { createBrushTool } from './brush';
import { createObjectTool } from './object';
import { createLassoTool, createRectTool } from './shapes';
import type { MaskTool, ToolContext } from './types';

export type { MaskTool, PointerInfo, ShapePreview, ToolContext } from './types';

export function createTool(id: ToolId, ctx: ToolContext): MaskTool {
  switch (id) {
    case 'brush':
      return createBrushTool(ctx, false);
    case 'eraser':
      return createBrushTool(ctx, true);
    case 'rect':
      return createRectTool(ctx);
    case 'lasso':
      return createLassoTool(ctx);
    case 'object':
      return createObjectTool(ctx);
  }
}
