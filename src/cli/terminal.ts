/**
 * What the terminal gets: colour only where the stream is a terminal that supports it (Node's
 * own test, which honours NO_COLOR, NODE_DISABLE_COLORS, FORCE_COLOR and TERM=dumb), and progress
 * bars only on a terminal (never in a pipe, a file or CI logs).
 */
import cliProgress from 'cli-progress';

/** The part of a stream these decisions look at (process.stdout and process.stderr have it). */
export interface TerminalStream extends NodeJS.WritableStream {
  isTTY?: boolean;
  hasColors?: (count?: number) => boolean;
}

/** Whether to write ANSI colour to `stream`. */
export function wantsColour(stream: TerminalStream): boolean {
  return stream.isTTY === true && typeof stream.hasColors === 'function' && stream.hasColors();
}

/** A progress display: `tick` after each step done. */
export interface Progress {
  tick(label: string): void;
  stop(): void;
}

const SILENT: Progress = { tick() {}, stop() {} };

/** A progress bar of `total` steps on `stream` when it is a terminal, else one that prints nothing. */
export function progressBar(stream: TerminalStream, total: number, title: string): Progress {
  if (stream.isTTY !== true) return SILENT;
  const bar = new cliProgress.SingleBar({ format: `${title} [{bar}] {value}/{total} {task}`, hideCursor: true, stream, clearOnComplete: true },
    cliProgress.Presets.shades_classic);
  bar.start(total, 0, { task: '' });
  return { tick: (label) => bar.increment({ task: label }), stop: () => bar.stop() };
}
