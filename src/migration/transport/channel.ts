/**
 * A byte channel between the two hosts: a TCP socket (tcp.ts) or, for tests, an in-memory pair
 * (memory.ts). `send` resolves once the bytes are handed to the other side or to the kernel's
 * buffer (backpressure: it waits while the socket is full).
 */
export interface Channel {
  send(bytes: Uint8Array): Promise<void>;
  /** Bytes as they arrive. */
  onData(handler: (bytes: Uint8Array) => void): void;
  /** The channel closed: cleanly (no error) or not. Called once. */
  onClose(handler: (error?: Error) => void): void;
  close(): void;
}

/** The connection went away before the protocol was done. */
export class ConnectionLost extends Error {}
