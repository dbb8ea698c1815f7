/**
 * The cost model (`vmlab/cost`): what a run did, priced in modelled cycles with constants from the
 * literature, each documented and overridable.
 *
 * @packageDocumentation
 */
export * from './model.js';
// The types and classes the public ones above name (so the API reference documents them too).
export { type VmmWork } from './counts.js';
