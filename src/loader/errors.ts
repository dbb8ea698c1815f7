/** Why an image could not be loaded. */
export type LoadErrorCode =
  | 'truncated-header' | 'bad-magic' | 'wrong-class' | 'wrong-endianness' | 'wrong-machine'
  | 'wrong-type' | 'bad-program-headers' | 'segment-truncated' | 'segment-filesz-gt-memsz'
  | 'segment-outside-ram' | 'overlapping-segments' | 'entry-outside-loaded' | 'no-loadable-segments'
  | 'bad-section-headers' | 'bad-symbol-table' | 'image-too-large' | 'empty-image';

/** A guest image was rejected; `message` names the problem with the numbers involved. */
export class LoadError extends Error {
  constructor(readonly code: LoadErrorCode, message: string) {
    super(message);
    this.name = 'LoadError';
  }
}

export const hex = (v: bigint | number): string => '0x' + v.toString(16);
