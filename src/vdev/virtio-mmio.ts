/**
 * The virtio-mmio transport (virtio 1.x, 4.2.2: the modern register layout, Version 2), as QEMU's
 * virt machine offers it at 0x1000_1000 + 0x1000 n. Every register access is an exit the
 * emulation handles here; QueueNotify hands the queue to the device. The interrupt line is not
 * wired to vmlab's PLIC: InterruptStatus and InterruptACK work, and minios's driver polls.
 */
import type { DmaMemory } from './dma.js';
import { Virtqueue, VirtqueueError, type DescBuffer } from './virtqueue.js';
import { DmaError } from './dma.js';

export const MMIO_REGS = {
  MagicValue: 0x000, Version: 0x004, DeviceID: 0x008, VendorID: 0x00c, DeviceFeatures: 0x010, DeviceFeaturesSel: 0x014,
  DriverFeatures: 0x020, DriverFeaturesSel: 0x024, QueueSel: 0x030, QueueNumMax: 0x034, QueueNum: 0x038, QueueReady: 0x044,
  QueueNotify: 0x050, InterruptStatus: 0x060, InterruptACK: 0x064, Status: 0x070, QueueDescLow: 0x080, QueueDescHigh: 0x084,
  QueueDriverLow: 0x090, QueueDriverHigh: 0x094, QueueDeviceLow: 0x0a0, QueueDeviceHigh: 0x0a4, ConfigGeneration: 0x0fc, Config: 0x100,
} as const;
const R = MMIO_REGS;
export const MAGIC = 0x7472_6976, VENDOR_QEMU = 0x554d_4551;
export const STATUS = { ACKNOWLEDGE: 1, DRIVER: 2, DRIVER_OK: 4, FEATURES_OK: 8, DEVICE_NEEDS_RESET: 64, FAILED: 128 } as const;
export const F_VERSION_1 = 1n << 32n;
export const MMIO_SIZE = 0x1000;

/** What a virtio device is to its transport. */
export interface VirtioDevice {
  readonly deviceId: number;
  /** Feature bits offered (VERSION_1 included). */
  readonly features: bigint;
  readonly queues: number;
  readonly queueNumMax: number;
  /** Bytes of the device configuration space at `offset`. */
  config(offset: number, size: number): bigint;
  /** Serves one chain of queue `q`; returns the bytes it wrote into the chain's writable buffers. */
  serve(q: number, chain: DescBuffer[], mem: DmaMemory): number;
}

export class VirtioMmio {
  status = 0;
  private deviceSel = 0;
  private driverSel = 0;
  private driverFeatures = 0n;
  private queueSel = 0;
  interruptStatus = 0;
  private readonly queues: Virtqueue[];
  /** Why the device stopped (a malformed queue), if it did. */
  failure: string | undefined;
  notifications = 0;

  constructor(readonly device: VirtioDevice | undefined, private readonly mem: DmaMemory) {
    this.queues = Array.from({ length: device?.queues ?? 0 }, () => new Virtqueue());
  }

  private get q(): Virtqueue | undefined { return this.queues[this.queueSel]; }

  load(off: number, size: number): bigint {
    const d = this.device;
    if (off >= R.Config) return d ? d.config(off - R.Config, size) : 0n;
    if (size !== 4 || off % 4 !== 0) return 0n; // control registers are 32-bit only
    switch (off) {
      case R.MagicValue: return BigInt(MAGIC);
      case R.Version: return 2n;
      case R.DeviceID: return BigInt(d?.deviceId ?? 0);
      case R.VendorID: return BigInt(VENDOR_QEMU);
      case R.DeviceFeatures: return d && this.deviceSel < 2 ? (d.features >> BigInt(32 * this.deviceSel)) & 0xffff_ffffn : 0n;
      case R.QueueNumMax: return d && this.q ? BigInt(d.queueNumMax) : 0n;
      case R.QueueReady: return this.q?.ready ? 1n : 0n;
      case R.InterruptStatus: return BigInt(this.interruptStatus);
      case R.Status: return BigInt(this.status);
      case R.ConfigGeneration: return 0n;
      default: return 0n;
    }
  }

  store(off: number, size: number, value: bigint): void {
    if (!this.device || off >= R.Config || size !== 4 || off % 4 !== 0) return;
    const v = Number(value & 0xffff_ffffn);
    const q = this.q;
    switch (off) {
      case R.DeviceFeaturesSel: this.deviceSel = v; break;
      case R.DriverFeaturesSel: this.driverSel = v; break;
      case R.DriverFeatures:
        if (this.driverSel < 2) {
          const shift = BigInt(32 * this.driverSel);
          this.driverFeatures = (this.driverFeatures & ~(0xffff_ffffn << shift)) | (BigInt(v) << shift);
        }
        break;
      case R.QueueSel: this.queueSel = v; break;
      case R.QueueNum: if (q && !q.ready && v > 0 && v <= this.device.queueNumMax && (v & (v - 1)) === 0) q.num = v; break;
      case R.QueueReady: if (q) q.ready = v === 1 && q.num > 0; break;
      case R.QueueDescLow: case R.QueueDescHigh: if (q && !q.ready) q.desc = half(q.desc, off === R.QueueDescHigh, v); break;
      case R.QueueDriverLow: case R.QueueDriverHigh: if (q && !q.ready) q.driver = half(q.driver, off === R.QueueDriverHigh, v); break;
      case R.QueueDeviceLow: case R.QueueDeviceHigh: if (q && !q.ready) q.device = half(q.device, off === R.QueueDeviceHigh, v); break;
      case R.QueueNotify: this.notify(v); break;
      case R.InterruptACK: this.interruptStatus &= ~v; break;
      case R.Status: this.setStatus(v); break;
    }
  }

  private setStatus(v: number): void {
    if (v === 0) { this.reset(); return; }
    // FEATURES_OK only sticks for a subset of what was offered that includes VERSION_1.
    if ((v & STATUS.FEATURES_OK) && ((this.driverFeatures & ~this.device!.features) !== 0n || !(this.driverFeatures & F_VERSION_1))) v &= ~STATUS.FEATURES_OK;
    this.status = v | (this.status & STATUS.DEVICE_NEEDS_RESET);
  }

  private reset(): void {
    this.status = this.interruptStatus = this.deviceSel = this.driverSel = this.queueSel = 0;
    this.driverFeatures = 0n;
    this.failure = undefined;
    for (const q of this.queues) q.reset();
  }

  private notify(index: number): void {
    const q = this.queues[index];
    if (!q?.ready || !(this.status & STATUS.DRIVER_OK) || (this.status & STATUS.DEVICE_NEEDS_RESET)) return;
    this.notifications++;
    try {
      if (q.process(this.mem, (chain) => this.device!.serve(index, chain, this.mem)) > 0) this.interruptStatus |= 1;
    } catch (e) {
      if (!(e instanceof VirtqueueError || e instanceof DmaError)) throw e;
      this.failure = e.message;
      this.status |= STATUS.DEVICE_NEEDS_RESET;
      this.interruptStatus |= 2; // configuration change: the driver learns of the reset it needs
    }
  }
}

const half = (old: bigint, high: boolean, v: number): bigint =>
  high ? (old & 0xffff_ffffn) | (BigInt(v) << 32n) : (old & ~0xffff_ffffn) | BigInt(v);
