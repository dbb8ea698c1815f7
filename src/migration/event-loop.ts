/** Giving the event loop a turn (socket I/O, the other side's records) between two pieces of work. */
export const yieldToIo = (): Promise<void> => new Promise((r) => (typeof setImmediate === 'function' ? setImmediate(r) : setTimeout(r, 0)));
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
