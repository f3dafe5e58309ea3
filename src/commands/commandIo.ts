/** What a command reads and writes besides its arguments: tests pass their own, the CLI the process's. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  /** The settings are read from this (the process environment under the CLI). */
  env: Readonly<Record<string, string | undefined>>;
  /** Where relative paths in settings resolve: the app root under the CLI. */
  baseDir: string;
  /** Whether stderr is a terminal (progress bars) or a log (a line every few seconds). */
  tty: boolean;
  /** Aborted by Ctrl+C: a command stops at a safe point and says how to resume. */
  signal: AbortSignal;
}

/** Exit code 2 with the message: the arguments or settings were wrong, nothing was done. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Runs a command body, mapping a UsageError to exit code 2 and any other error to 1, with its message. */
export async function runCommand(
  io: Pick<CommandIo, 'err'>,
  usage: string,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${usage}`);
      return 2;
    }
    io.err((error as Error).message);
    return 1;
  }
}
