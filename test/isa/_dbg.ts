import * as A from '../helpers/asm.js';
import { a0, a1, a2, zero, Program } from '../helpers/asm.js';
import { runProgram, CODE, HALT } from '../helpers/harness.js';
const p = new Program(CODE).li(a1, 0x2000_0000n).li(a2, 0x1122_3344_5566_7788n).i(A.sb(a2, 0, a1), A.sh(a2, 2, a1), ...HALT);
const r = await runProgram(p, { config: { exitOnMmio: true } });
console.log(r.exit);
r.m.completeMmio();
console.log(r.m.run(10));
// misaligned load straddling the end of RAM
const q = new Program(CODE).li(a1, 0x8010_0000n).i(A.ld(a0, -4, a1), ...HALT);
const e = await runProgram(q, { exitOn: [5, 4] });
console.log(e.exit);
const q2 = new Program(CODE).li(a1, 0x8010_0000n).i(A.sd(a0, -4, a1), ...HALT);
console.log((await runProgram(q2, { exitOn: [7, 6] })).exit);
