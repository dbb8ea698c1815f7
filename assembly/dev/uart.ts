// NS16550A UART at 0x1000_0000 with its whole register file, so ordinary 8250 drivers (OpenSBI,
// Linux) work unchanged: RBR/THR, IER, IIR/FCR, LCR (DLAB and the divisor latches), MCR (loopback),
// LSR, MSR, SCR. Transmitted bytes go to the TX ring the host drains; received bytes come from the
// RX ring the host fills. The interrupt output (IIR) drives PLIC source 10.
import { S_uart, UART_TX_BASE, UART_RX_BASE } from '../gen/layout';
import { ringPush, ringPop, ringPeek, ringFull, ringClear } from './ring';
import { requestExit } from '../exit';
import { EXIT_CONSOLE, ST_OK, ST_RESYNC } from '../cpu/defs';

export const UART_BASE: u64 = 0x1000_0000;
export const UART_SIZE: u64 = 0x100;

// Indices of the UART words in the state
const IER = 0, LCR = 1, MCR = 2, SCR = 3, DLL = 4, DLM = 5, FCR = 6, THRI = 7;
const LCR_DLAB: u64 = 0x80;
const MCR_LOOP: u64 = 0x10;
const IER_RDI: u64 = 0x01;
const IER_THRI: u64 = 0x02;

@inline function reg(i: i32): u64 { return load<u64>(S_uart + (<usize>i << 3)); }
@inline function setReg(i: i32, v: u64): void { store<u64>(S_uart + (<usize>i << 3), v); }

function rxReady(): bool { return ringPeek(UART_RX_BASE) >= 0; }

/** IIR: highest-priority pending source (received data, then THR empty), FIFO bits. */
function iir(): u64 {
  const fifo: u64 = (reg(FCR) & 1) != 0 ? 0xc0 : 0;
  if ((reg(IER) & IER_RDI) != 0 && rxReady()) return fifo | 0x04;
  if ((reg(IER) & IER_THRI) != 0 && reg(THRI) != 0) return fifo | 0x02;
  return fifo | 0x01;
}

/** The UART's interrupt request line. */
export function uartIrq(): bool { return (iir() & 1) == 0; }

function msr(): u64 {
  const mcr = reg(MCR);
  if ((mcr & MCR_LOOP) == 0) return 0xb0; // DCD, DSR, CTS: a connected terminal
  // Loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD
  return ((mcr & 1) << 5) | ((mcr & 2) << 3) | ((mcr & 4) << 4) | ((mcr & 8) << 4);
}

export function uartLoad(off: u32): u64 {
  const dlab = (reg(LCR) & LCR_DLAB) != 0;
  switch (off) {
    case 0: {
      if (dlab) return reg(DLL);
      const b = ringPop(UART_RX_BASE);
      return b < 0 ? 0 : <u64>b;
    }
    case 1: return dlab ? reg(DLM) : reg(IER);
    case 2: {
      const v = iir();
      if ((v & 0x0f) == 0x02) setReg(THRI, 0); // reading IIR acknowledges THR empty
      return v;
    }
    case 3: return reg(LCR);
    case 4: return reg(MCR);
    case 5: return (rxReady() ? 1 : 0) | 0x60; // DR, THRE, TEMT
    case 6: return msr();
    case 7: return reg(SCR);
  }
  return 0;
}

export function uartStore(off: u32, v: u64): i32 {
  v &= 0xff;
  const dlab = (reg(LCR) & LCR_DLAB) != 0;
  switch (off) {
    case 0: {
      if (dlab) { setReg(DLL, v); break; }
      const loop = (reg(MCR) & MCR_LOOP) != 0;
      const ring = loop ? UART_RX_BASE : UART_TX_BASE;
      // A full TX ring hands control to the host, which drains it; the store is then re-executed.
      if (ringFull(ring)) { if (loop) break; return requestExit(EXIT_CONSOLE); }
      ringPush(ring, <u8>v);
      setReg(THRI, 1);
      break;
    }
    case 1:
      if (dlab) setReg(DLM, v);
      else {
        if ((v & IER_THRI) != 0 && (reg(IER) & IER_THRI) == 0) setReg(THRI, 1);
        setReg(IER, v & 0x0f);
      }
      break;
    case 2:
      setReg(FCR, v & 0xc9);
      if ((v & 2) != 0) ringClear(UART_RX_BASE);
      break;
    case 3: setReg(LCR, v); break;
    case 4: setReg(MCR, v & 0x1f); break;
    case 7: setReg(SCR, v); break;
  }
  // With interrupts enabled the line may have risen (THR empty, new IER): re-evaluate them.
  return reg(IER) != 0 || off == 1 ? ST_RESYNC : ST_OK;
}

/** Registers after reset: 8N1, FIFO off, no interrupts. */
export function uartReset(): void {
  for (let i = 0; i < 8; i++) setReg(i, 0);
  setReg(LCR, 0x03);
}
