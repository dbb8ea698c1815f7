/**
 * Binary translation (`vmlab/bt`): the `bt` strategy, which runs a guest kernel deprivileged and
 * translates its code so that sensitive instructions become callouts (docs/BT.md).
 *
 * @packageDocumentation
 */
export { BinaryTranslation, type BtOptions } from './bt.js';
export { BtStats } from './stats.js';
export { DEFAULT_ADAPTIVE, type AdaptiveOptions } from './adaptive.js';
