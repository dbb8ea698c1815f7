// The porting-cost table of docs/PV.md is the script's output on today's sources (it is never
// typed in), and the script counts lines as it says: code only, comments and blank lines left out.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { codeLines, portingCost, renderPortingCost } from '../../scripts/porting-cost.js';

describe('the porting cost', () => {
  it('counts code lines only', () => {
    expect(codeLines('/* a\n comment */\nint x; /* trailing */\n\n// line\n  # asm comment\n#include "a.h"\n  li a0, 1  # note\n')).toEqual(['int x; ', '#include "a.h"', '  li a0, 1  # note']);
  });
  it('docs/PV.md shows the table the script computes now', () => {
    expect(readFileSync('docs/PV.md', 'utf8')).toContain(renderPortingCost());
  });
  it('adds up, and the PV layer is smaller than the kernel it ports', () => {
    const c = portingCost();
    expect(c.total).toBe(c.architectureIndependent + c.network + c.block + c.xenSpecific);
    expect(c.total).toBeLessThan(c.nativeKernel);
    expect(c.network).toBeGreaterThan(0);
    expect(c.block).toBeGreaterThan(0);
  });
});
