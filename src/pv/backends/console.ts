/**
 * The console backend (xenconsoled's part): the guest writes its output into the `out` ring of
 * its console page (io/console.h: struct xencons_interface { char in[1024], out[2048];
 * XENCONS_RING_IDX in_cons, in_prod, out_cons, out_prod; }) and notifies; the backend copies what
 * is new, moves out_cons, and notifies back so a guest waiting for room goes on. Indices claiming
 * more than the ring holds close the console (the host carries on; the guest's output stops).
 */
import type { RingPage } from '../ring.js';

const OUT = 1024, OUT_SIZE = 2048, OUT_CONS = 3080, OUT_PROD = 3084;

export class ConsoleBackend {
  broken: string | undefined;
  bytes = 0;
  constructor(private readonly page: RingPage, private readonly sink: (bytes: Uint8Array) => void, private readonly notify: () => void) {}

  serve(): void {
    if (this.broken) return;
    const cons = this.page.read32(OUT_CONS), prod = this.page.read32(OUT_PROD);
    const n = (prod - cons) >>> 0;
    if (n > OUT_SIZE) { this.broken = `console ring indices ${cons}..${prod} exceed the ring`; return; }
    if (n === 0) return;
    const out = new Uint8Array(n);
    for (let i = 0; i < n;) {
      const off = (cons + i) % OUT_SIZE, len = Math.min(n - i, OUT_SIZE - off);
      out.set(this.page.read(OUT + off, len), i);
      i += len;
    }
    this.page.write32(OUT_CONS, prod);
    this.bytes += n;
    this.sink(out);
    this.notify();
  }
}
