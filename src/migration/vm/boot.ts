/**
 * A VM ready to migrate from a guest image: a kernel (an image with `kernel_entry`, such as minios)
 * under a VMM strategy, or any image on a bare machine (`native`), with minios boot arguments and
 * symbols set in guest memory before it starts (e.g. the `dirty` guest's `dirty_pages`).
 */
import { Machine } from '../../../bindings/machine.js';
import { parseImage, type LoadedImage } from '../../loader/index.js';
import { loadImage } from '../../machine/boot.js';
import { GUEST_RAM_BASE } from '../../vmm/vm.js';
import type { StrategyName } from '../../vmm/strategy.js';
import { BareVm } from './bare-vm.js';
import { VmmVm, type VmHostEnv } from './vmm-vm.js';
import type { HostedVm } from './hosted.js';

export interface BootSpec {
  image: Uint8Array;
  strategy: StrategyName;
  ramBytes: number;
  /** minios's boot arguments (written to `minios_bootargs`). */
  bootargs?: string;
  /** 64-bit values written at symbols of the image before the guest starts. */
  symbols?: Record<string, bigint>;
  /** mtime follows the host clock (the guest then sees the downtime). */
  wallClock?: boolean;
  /** The disk and network the host gives the VM (pv's split devices). */
  env?: VmHostEnv;
}

export async function bootVm(spec: BootSpec): Promise<{ vm: HostedVm; image: LoadedImage }> {
  const image = parseImage(spec.image, { base: GUEST_RAM_BASE, size: BigInt(spec.ramBytes) });
  const writes: [bigint, Uint8Array][] = [];
  if (spec.bootargs !== undefined) {
    if (spec.bootargs.length > 255) throw new Error('the boot arguments are longer than 255 bytes');
    writes.push([symbol(image, 'minios_bootargs'), new TextEncoder().encode(spec.bootargs + '\0')]);
  }
  for (const [name, v] of Object.entries(spec.symbols ?? {})) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    writes.push([symbol(image, name), b]);
  }
  if (spec.strategy === 'native') {
    const machine = await Machine.create({ ramBytes: spec.ramBytes });
    loadImage(machine, image);
    if (spec.wallClock) machine.configure({ wallClock: true });
    for (const [at, bytes] of writes) machine.writePhys(at, bytes);
    return { vm: new BareVm(machine), image };
  }
  const vm = await VmmVm.create(spec.strategy, spec.ramBytes, false, spec.env);
  if (spec.wallClock) vm.machine.configure({ wallClock: true });
  vm.boot(image);
  for (const [at, bytes] of writes) vm.vm.p2m.write(at, bytes);
  return { vm, image };
}

function symbol(image: LoadedImage, name: string): bigint {
  const at = image.symbols.get(name);
  if (at === undefined) throw new Error(`the image has no symbol ${name}`);
  return at;
}
