/** What binary translation did in one VM (shown by `vmlab run --vmm bt --stats`). */
export class BtStats {
  /** Units translated, guest instructions in them, bytes of the cache in use, times it was flushed. */
  units = 0;
  translatedInstructions = 0;
  cacheBytes = 0;
  flushes = 0;
  /** The VMM's lookups of a guest pc's translation: found, or translated then. */
  lookupHits = 0;
  lookupMisses = 0;
  /** Exits patched into direct jumps between units. */
  chained = 0;
  /** Indirect jumps that missed the in-cache lookup (each a callout) and entries the VMM filled. */
  indirectMisses = 0;
  /** In-TC emulation sequences translated (CSR accesses and indirect-jump lookups that run without an exit). */
  inTcSites = 0;
  /** Units retranslated by adaptive binary translation, and sites turned into callouts and back. */
  retranslations = 0;
  adaptedSites = 0;
  revertedSites = 0;
  /** Page-table pages no longer write-protected because a bulk-writing site wrote them. */
  untraced = 0;
  /** Units dropped because their code was written, or its mapping changed. */
  invalidations = 0;
  /** Guest accesses to the VMM's reserved region, performed by the VMM. */
  reservedAccesses = 0;
  /** Callouts by kind. */
  readonly callouts = new Map<string, number>();

  rows(): [string, number][] {
    return [
      ['units translated', this.units],
      ['translation cache bytes', this.cacheBytes], ['translation cache flushes', this.flushes],
      ['lookups that hit', this.lookupHits], ['lookups that missed (translated)', this.lookupMisses],
      ['chained jumps', this.chained], ['indirect lookups that missed', this.indirectMisses],
      ['in-TC emulation sites', this.inTcSites], ['retranslations (adaptive)', this.retranslations],
      ['store sites turned into callouts', this.adaptedSites], ['  and back to direct execution', this.revertedSites],
      ['page tables untraced (written by a bulk writer)', this.untraced],
      ['invalidations', this.invalidations], ['reserved-region accesses emulated', this.reservedAccesses],
      ...[...this.callouts].sort((a, b) => b[1] - a[1]).map(([k, v]) => [`callouts: ${k}`, v] as [string, number]),
    ];
  }
}
