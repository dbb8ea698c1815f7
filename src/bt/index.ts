/**
 * Binary translation (`vmlab/bt`): the `bt` strategy, which runs a guest kernel deprivileged and
 * translates its code so that sensitive instructions become callouts (docs/BT.md).
 *
 * @packageDocumentation
 */
export { BinaryTranslation, type BtOptions } from './bt.js';
export { DEFAULT_ADAPTIVE, type AdaptiveOptions } from './adaptive.js';
// The types and classes the public ones above name (so the API reference documents them too).
export { BtStats } from './stats.js';
export { type BtCore, type Guest } from './guest.js';
export { type GuestInsn } from './decode.js';
export { type Unit, TranslationCache, type GuestLocation } from './cache.js';
export { AdaptiveSites } from './adaptive.js';
export { GuestCode, type CodeMapping } from './guest-code.js';
export { VcpuPage } from './vcpu-page.js';
export { type FetchHalf } from './translator.js';
export { IndirectJumpCache } from './ijc.js';
export { type Site, UnitBuilder, type CalloutKind } from './unit.js';
