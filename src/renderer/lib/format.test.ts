import { describe, expect, it } from 'vitest';
import { formatEta, isAbsolutePath, polylinePoints } from './format';

describe('panel formatting helpers', () => {
  it('formats remaining time', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(-1)).toBe('—');
    expect(formatEta(65_000)).toBe('1:05');
    expect(formatEta(3_723_000)).toBe('1:02:03');
  });
  it('accepts only absolute paths (as the API schema does)', () => {
    expect(isAbsolutePath('/home/me/scans')).toBe(true);
    expect(isAbsolutePath('C:\\Users\\me')).toBe(true);
    expect(isAbsolutePath('\\\\nas\\photos')).toBe(true);
    expect(isAbsolutePath('scans')).toBe(false);
    expect(isAbsolutePath('/a\0b')).toBe(false);
  });
  it('scales a series into the chart box (y grows downwards), skipping non-finite points', () => {
    const box = { width: 100, height: 50, xMin: 0, xMax: 10, yMin: 0, yMax: 2 };
    expect(polylinePoints([0, 5, 10], [0, 1, 2], box)).toBe('0.0,50.0 50.0,25.0 100.0,0.0');
    expect(polylinePoints([0, 5], [NaN, 1], box)).toBe('50.0,25.0');
  });
});
