import { describe, expect, it } from 'vitest';
import { memoizeFonts } from '../src/index';
import { nodeFonts } from '../src/node';

describe('certificate fonts', () => {
  it('reads DejaVu Sans and DejaVu Sans Bold from the dejavu-fonts-ttf package, once', async () => {
    const fonts = nodeFonts();
    const first = await fonts.load();
    const view = new DataView(first.regular.buffer, first.regular.byteOffset);
    expect(view.getUint32(0)).toBe(0x0001_0000); // TrueType
    expect(first.bold.length).toBeGreaterThan(100_000);
    expect(first.bold).not.toEqual(first.regular);
    expect(await fonts.load()).toBe(first);
  });

  it('forgets a failed load, so the next job tries again', async () => {
    let attempts = 0;
    const fonts = memoizeFonts(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('network down');
      return { regular: new Uint8Array(1), bold: new Uint8Array(1) };
    });
    await expect(fonts.load()).rejects.toThrow('network down');
    await expect(fonts.load()).resolves.toMatchObject({ regular: expect.any(Uint8Array) });
    await fonts.load();
    expect(attempts).toBe(2);
  });
});
