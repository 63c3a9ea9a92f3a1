import { describe, expect, it } from 'vitest';
import { brushRadiusInImage, clientToImage, fitRect } from './geometry';

describe('geometry', () => {
  it('fits an image into a container, centred, keeping the aspect ratio', () => {
    expect(fitRect(800, 600, 4000, 2000)).toEqual({ x: 0, y: 100, width: 800, height: 400 });
    expect(fitRect(800, 600, 1000, 2000)).toEqual({ x: 250, y: 0, width: 300, height: 600 });
    expect(fitRect(800, 600, 100, 50, 1)).toEqual({ x: 350, y: 275, width: 100, height: 50 });
    expect(fitRect(0, 600, 100, 50)).toEqual({ x: 0, y: 0, width: 0, height: 0 });
  });

  it('maps screen positions to full-resolution image pixels', () => {
    const box = { left: 100, top: 50, width: 800, height: 400 };
    expect(clientToImage(100, 50, box, 4000, 2000)).toEqual({ x: 0, y: 0 });
    expect(clientToImage(500, 250, box, 4000, 2000)).toEqual({ x: 2000, y: 1000 });
    expect(clientToImage(900, 450, box, 4000, 2000)).toEqual({ x: 4000, y: 2000 });
  });

  it('scales the brush from screen to image pixels', () => {
    expect(brushRadiusInImage(40, 800, 4000)).toBe(100);
    expect(brushRadiusInImage(40, 800, 400)).toBe(10);
    expect(brushRadiusInImage(0, 800, 400)).toBe(0.5);
  });
});

describe('view transform', () => {
  it('fits, zooms around a point and maps both ways', async () => {
    const { fitView, zoomAt, screenToImage, imageToScreen, centredView } = await import('./geometry');
    const v = fitView(1000, 500, 4000, 2000, 0);
    expect(v).toEqual({ scale: 0.25, x: 0, y: 0 });
    expect(fitView(1000, 500, 100, 50, 0).scale).toBe(1); // never upscales
    const z = zoomAt(v, 2, 500, 250);
    expect(screenToImage(z, 500, 250)).toEqual(screenToImage(v, 500, 250));
    expect(z.scale).toBe(0.5);
    const p = imageToScreen(z, 123, 456);
    const back = screenToImage(z, p.x, p.y);
    expect(back.x).toBeCloseTo(123);
    expect(back.y).toBeCloseTo(456);
    expect(centredView(1000, 500, 100, 50, 1)).toEqual({ scale: 1, x: 450, y: 225 });
  });
});
