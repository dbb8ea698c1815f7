/**
 * Host hardware generations. Instances of one type land on hosts of different generations, and
 * measure differently there (Schad et al., "Runtime Measurements in the Cloud", VLDB 2010; Ou et
 * al., "Exploiting Hardware Heterogeneity within the Same Instance Type of Amazon EC2", HotCloud
 * 2012, found m1.small on the processors below). A generation has a clock rate, a CPI, a TLB
 * (its last level, as the core's single TLB model holds it), walk caches, and the hardware assist
 * the VMM can use: 1st-generation VT-x/AMD-V has no nested paging (guests run under hw-shadow),
 * EPT/NPT hosts run them nested (hw-nested).
 *
 * The TLB sizes are the vendors' (AMD Software Optimization Guide for AMD64 Processors, K8: a
 * 512-entry 4-way L2 TLB; Intel 64 and IA-32 Optimization Reference Manual: Core (Penryn) 256-entry
 * 4-way DTLB, Westmere 512-entry 4-way STLB, paging-structure caches with EPT). The CPIs are
 * illustrative round figures (the cores' relative cycles per instruction on the guests here were
 * not measured); a trace can give its own generations.
 *
 * Clock rates are simulated scaled down by CLOCK_SCALE, as every vmlab host is (src/sched/time.ts):
 * a 2.6 GHz core runs at 100 MHz of virtual time, so Xen's 30 ms slices hold 3 M instructions.
 * Rates scale; ratios between hosts do not.
 */
import type { GuestStrategy } from '../sched/scenario.js';

export interface Generation {
  name: string;
  about: string;
  clockGhz: number;
  cpi: number;
  tlb: { entries: number; ways: number };
  walkCaches: { pwc: boolean; ntlb: boolean };
  strategy: GuestStrategy;
}

export const CLOCK_SCALE = 1 / 26;
/** The reference core of one ECU: a 1.1 GHz 2007 Opteron (the seed: 1.0-1.2 GHz) at CPI 1. */
export const ECU_GHZ = 1.1;

export const GENERATIONS: readonly Generation[] = [
  { name: 'opteron-2218he', about: 'AMD Opteron 2218 HE, 2.6 GHz (K8, AMD-V without nested paging)', clockGhz: 2.6, cpi: 1.2, tlb: { entries: 512, ways: 4 }, walkCaches: { pwc: false, ntlb: false }, strategy: 'hw-shadow' },
  { name: 'xeon-e5430', about: 'Intel Xeon E5430, 2.66 GHz (Penryn, VT-x without EPT)', clockGhz: 2.66, cpi: 1.0, tlb: { entries: 256, ways: 4 }, walkCaches: { pwc: false, ntlb: false }, strategy: 'hw-shadow' },
  { name: 'xeon-e5645', about: 'Intel Xeon E5645, 2.4 GHz (Westmere, VT-x with EPT)', clockGhz: 2.4, cpi: 0.9, tlb: { entries: 512, ways: 4 }, walkCaches: { pwc: true, ntlb: false }, strategy: 'hw-nested' },
];

/** ECUs one core of the generation delivers. */
export const ecuPerCore = (g: Generation): number => g.clockGhz / g.cpi / ECU_GHZ;
/** The simulated clock rate of its cores (Hz). */
export const simulatedHz = (g: Generation): number => g.clockGhz * 1e9 * CLOCK_SCALE;
/** Guest instructions per virtual second that one ECU stands for. */
export const ECU_INSTRUCTIONS_PER_S = ECU_GHZ * 1e9 * CLOCK_SCALE;

export function generation(name: string, extra: readonly Generation[] = []): Generation | undefined {
  return [...extra, ...GENERATIONS].find((g) => g.name === name);
}
