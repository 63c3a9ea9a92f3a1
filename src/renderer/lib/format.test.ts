import { describe, expect, it } from 'vitest';
import { axisLabel, formatEta, isAbsolutePath, niceTicks, polylinePoints } from './format';

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

describe('chart axes (issue 15.14)', () => {
  it('picks round ticks inside the range', () => {
    expect(niceTicks(0, 1.37, 4)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 2.1, 4)).toEqual([0, 1, 2]);
    expect(niceTicks(100, 3000, 4)).toEqual([1000, 2000, 3000]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(axisLabel(1500)).toBe('1.5k');
    expect(axisLabel(0.25)).toBe('0.25');
  });
});

