/** A TCP socket as a migration channel (Node only). */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Channel } from './channel.js';

export class TcpChannel implements Channel {
  private closeHandler?: (e?: Error) => void;
  private error?: Error;
  private done = false;
  constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('error', (e) => { this.error = e; });
    socket.on('close', () => { if (!this.done) { this.done = true; this.closeHandler?.(this.error); } });
  }
  send(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) { reject(this.error ?? new Error('the socket is closed')); return; }
      if (this.socket.write(bytes)) { resolve(); return; }
      const onDrain = () => { this.socket.off('close', onClose); resolve(); };
      const onClose = () => { this.socket.off('drain', onDrain); reject(this.error ?? new Error('the socket closed')); };
      this.socket.once('drain', onDrain);
      this.socket.once('close', onClose);
    });
  }
  onData(h: (b: Uint8Array) => void): void { this.socket.on('data', (b: Buffer) => h(new Uint8Array(b.buffer, b.byteOffset, b.length))); }
  onClose(h: (e?: Error) => void): void { this.closeHandler = h; }
  close(): void { this.socket.end(); }
}

/** Connects to a listening destination. */
export function connect(host: string, port: number): Promise<TcpChannel> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host, port });
    s.once('connect', () => { s.off('error', reject); resolve(new TcpChannel(s)); });
    s.once('error', reject);
  });
}

/** Listens on host:port; each connection becomes a channel handed to `accept`. */
export function listen(host: string, port: number, accept: (c: TcpChannel) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((s) => accept(new TcpChannel(s)));
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(server); });
  });
}
