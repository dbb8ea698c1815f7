/** The messages between the page and the Web Worker that runs guests (plain data: structured clone). */
import type { StatRow } from 'vmlab';
import type { ImageRef, Row } from 'vmlab/compare';

export type ToWorker =
  /** Boot an image: natively (`strategy` 'native') or as a VM under a VMM strategy; minios takes boot arguments. */
  | { type: 'boot'; name: string; bytes: ArrayBuffer; strategy: string; bootargs?: string }
  /** Console input for the guest (native runs). */
  | { type: 'input'; text: string }
  /** Run the comparison: every strategy on the chosen workloads (a strategy in `imageOf` runs its own kernel: pv, minios-pv). */
  | { type: 'compare'; image: ImageRef; imageOf: Record<string, ImageRef>; workloads: { name: string; count: number }[]; strategies: string[] };

export type FromWorker =
  | { type: 'output'; text: string }
  | { type: 'stats'; rows: StatRow[] }
  | { type: 'done'; outcome: string }
  | { type: 'error'; message: string }
  | { type: 'progress'; finished: number; total: number; label: string }
  | { type: 'rows'; rows: Row[] };
