import { describe, expect, it } from 'vitest';
import { formatRenderBench, runRenderBench } from '../bench/renderBench';

describe('the render bench', () => {
  it('measures both font paths and reports against the targets', async () => {
    const result = await runRenderBench({ standardCount: 4, unicodeCount: 2, warmup: 1 });
    expect(result.standard).toMatchObject({ fontPath: 'standard', count: 4, target: 200 });
    expect(result.unicode).toMatchObject({ fontPath: 'unicode', count: 2, target: 40 });
    expect(result.standard.perSecond).toBeGreaterThan(0);
    expect(formatRenderBench(result)).toMatch(/standard .*certificates\/s \(target ≥ 200\/s\) (PASS|MISS)/);
  });
});
