/** HYPERVISOR_event_channel_op(cmd, arg): the event_channel.h structs decoded, carried out, the port written back. */
import type { Handler } from './hypervisor.js';
import { Fields } from './guest-access.js';
import { err, EVTCHNOP, DOMID_SELF } from './abi.js';

/** Size of each command's struct. */
const SIZES: Record<number, number> = {
  [EVTCHNOP.alloc_unbound]: 8, [EVTCHNOP.bind_interdomain]: 12, [EVTCHNOP.bind_virq]: 12, [EVTCHNOP.bind_ipi]: 8,
  [EVTCHNOP.close]: 4, [EVTCHNOP.send]: 4, [EVTCHNOP.unmask]: 4,
};

export const eventChannelOp: Handler = (hv, caller, [cmdArg, arg]) => {
  const cmd = Number(cmdArg);
  const size = SIZES[cmd];
  if (size === undefined) return err('ENOSYS');
  const b = caller.access.read(arg, size);
  if (!b) return err('EFAULT');
  const f = new Fields(b);
  const ch = hv.channels(caller.domid)!;
  const writeBack = (off: number, port: number): number => {
    if (port < 0) return port;
    f.setU32(off, port);
    return caller.access.write(arg, f.bytes) ? 0 : err('EFAULT');
  };
  switch (cmd) {
    case EVTCHNOP.alloc_unbound: {
      const dom = f.u16(0);
      if (dom !== DOMID_SELF && dom !== caller.domid) return err('EPERM');
      return writeBack(4, ch.allocUnbound(f.u16(2)));
    }
    case EVTCHNOP.bind_interdomain: return writeBack(8, ch.bindInterdomain(f.u16(0), f.u32(4)));
    case EVTCHNOP.bind_virq: return writeBack(8, ch.bindVirq(f.u32(0), f.u32(4)));
    case EVTCHNOP.bind_ipi: return writeBack(4, ch.bindIpi(f.u32(0)));
    case EVTCHNOP.close: return ch.close(f.u32(0));
    case EVTCHNOP.send: return ch.send(f.u32(0));
    case EVTCHNOP.unmask: return ch.unmask(f.u32(0));
  }
  return err('ENOSYS');
};


