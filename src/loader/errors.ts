/** Why an image could not be loaded: one code per kind of problem, stable for callers and tests. */
export type LoadErrorCode =
  | 'truncated-header' | 'bad-magic' | 'wrong-class' | 'wrong-endianness' | 'wrong-machine'
  | 'wrong-type' | 'bad-program-headers' | 'segment-truncated' | 'segment-filesz-gt-memsz'
  | 'segment-outside-ram' | 'overlapping-segments' | 'entry-outside-loaded' | 'no-loadable-segments'
  | 'bad-section-headers' | 'bad-symbol-table' | 'image-too-large' | 'empty-image';

/**
 * A guest image was rejected. `code` says which kind of problem; `message` names it precisely,
 * with the addresses, offsets and sizes involved in hex, e.g.
 * `segment 2 [0x80200000, 0x80300000) lies outside RAM [0x80000000, 0x88000000)`.
 */
export class LoadError extends Error {
  /** The kind of problem. */
  readonly code: LoadErrorCode;

  constructor(code: LoadErrorCode, message: string) {
    super(message);
    this.name = 'LoadError';
    this.code = code;
  }
}

/** Formats a number as `0x…` (lower-case hex), as every LoadError message does. */
export const hex = (v: bigint | number): string => (v < 0 ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));
