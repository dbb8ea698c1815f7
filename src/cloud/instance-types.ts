/**
 * EC2's instance types as the seed gives them (TU Berlin, Cloud Computing, ch. 2, "Amazon EC2"),
 * with its two price lists for US East (Virginia): the course's table (Linux/UNIX) and the standard
 * on-demand list (Linux and Windows). One EC2 compute unit (ECU) is about a 1.0-1.2 GHz 2007
 * Opteron or Xeon.
 */
export interface InstanceType {
  name: string;
  /** Virtual cores, EC2 compute units in all, memory and local storage (GB). */
  cores: number;
  ecu: number;
  memoryGb: number;
  storageGb: number;
  platform: '32/64-bit' | '64-bit';
}

export const INSTANCE_TYPES: readonly InstanceType[] = [
  { name: 'small', cores: 1, ecu: 1, memoryGb: 1.7, storageGb: 160, platform: '32/64-bit' },
  { name: 'medium', cores: 1, ecu: 2, memoryGb: 3.75, storageGb: 410, platform: '32/64-bit' },
  { name: 'large', cores: 2, ecu: 4, memoryGb: 7.5, storageGb: 850, platform: '64-bit' },
  { name: 'xlarge', cores: 4, ecu: 8, memoryGb: 15, storageGb: 1690, platform: '64-bit' },
];

export type Os = 'linux' | 'windows';

/** Dollars per hour, by type and OS (a list without Windows prices has none). */
export interface PriceList { name: string; source: string; prices: Record<string, Partial<Record<Os, number>>> }

export const PRICE_LISTS: readonly PriceList[] = [
  {
    name: 'seed',
    source: 'the seed\'s instance table, US East (Virginia), Linux/UNIX',
    prices: { small: { linux: 0.06 }, medium: { linux: 0.12 }, large: { linux: 0.24 }, xlarge: { linux: 0.48 } },
  },
  {
    name: 'on-demand',
    source: 'the seed\'s standard on-demand list, US East',
    prices: {
      small: { linux: 0.08, windows: 0.115 }, medium: { linux: 0.16, windows: 0.23 },
      large: { linux: 0.32, windows: 0.46 }, xlarge: { linux: 0.64, windows: 0.92 },
    },
  },
];

export function instanceType(name: string): InstanceType | undefined { return INSTANCE_TYPES.find((t) => t.name === name); }
export function priceList(name: string): PriceList | undefined { return PRICE_LISTS.find((p) => p.name === name); }
