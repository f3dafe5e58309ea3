import { Presets, SingleBar } from 'cli-progress';

import type { Progress } from './importFile.js';

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function figures(p: Progress, now: number) {
  const seconds = Math.max(0.001, (now - p.startedAt) / 1000);
  const rate = p.delivered / seconds;
  const fraction = p.totalBytes > 0 ? p.bytesRead / p.totalBytes : 1;
  const eta = fraction > 0 ? Math.max(0, seconds / fraction - seconds) : Infinity;
  return { rate: Math.round(rate), eta: Number.isFinite(eta) ? Math.round(eta) : undefined };
}

/** One line of plain progress, as a non-terminal gets it every few seconds. */
export function formatProgressLine(p: Progress, now: number): string {
  const { rate, eta } = figures(p, now);
  const percent = p.totalBytes > 0 ? Math.floor((100 * p.bytesRead) / p.totalBytes) : 100;
  return `${p.file}: ${percent}% ${mb(p.bytesRead)}/${mb(p.totalBytes)} MB, ${p.rows} rows, ${p.delivered} delivered, ${p.rejected} rejected, ${rate} events/s, ETA ${eta === undefined ? '?' : `${eta}s`}`;
}

/** A cli-progress bar on a terminal; elsewhere a plain line every `intervalMs`. Writes to stderr. */
export function createProgressReporter(options: {
  tty: boolean;
  intervalMs?: number;
  write?: (line: string) => void;
}) {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  let timer: NodeJS.Timeout | undefined;
  let bar: SingleBar | undefined;
  let read: (() => Progress) | undefined;
  const draw = () => {
    if (!read) return;
    const p = read();
    if (!bar) return write(formatProgressLine(p, Date.now()));
    const { rate } = figures(p, Date.now());
    bar.update(p.bytesRead, {
      rows: p.rows,
      done: mb(p.bytesRead),
      total_mb: mb(p.totalBytes),
      rate,
      rejected: p.rejected,
    });
  };
  return {
    start(progress: () => Progress) {
      read = progress;
      const p = progress();
      if (options.tty) {
        bar = new SingleBar(
          {
            format:
              '{bar} {percentage}% | {done}/{total_mb} MB | {rows} rows | {rate} events/s | ETA {eta_formatted} | {rejected} rejected',
            hideCursor: true,
            etaBuffer: 50,
            stream: process.stderr,
          },
          Presets.shades_classic,
        );
        bar.start(p.totalBytes, 0, {
          rows: 0,
          done: '0.0',
          total_mb: mb(p.totalBytes),
          rate: 0,
          rejected: 0,
        });
        timer = setInterval(draw, 200);
      } else {
        timer = setInterval(draw, options.intervalMs ?? 5000);
      }
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (bar) {
        draw();
        bar.stop();
      } else draw();
      bar = undefined;
      read = undefined;
    },
  };
}
