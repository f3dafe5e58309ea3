import type { LogFields, Logger } from '../ports/index.js';

export const logLevels = ['info', 'warn', 'error', 'off'] as const;
export type LogLevel = (typeof logLevels)[number];

const rank: Record<LogLevel, number> = { info: 0, warn: 1, error: 2, off: 3 };

/** Field names whose values could carry a secret or an event body: written as "[redacted]". */
const SECRET_FIELD = /authorization|api[-_]?key|secret|password|token|cookie|^body$/i;
/** A credential quoted in a message (an error that echoes a header): the credential is cut out. */
const SECRET_IN_TEXT = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
const MAX_TEXT = 2000;

export interface JsonLogger extends Logger {
  /** A logger that adds `fields` to every line (function, invocationId, traceId of one call). */
  child(fields: LogFields): JsonLogger;
}

/**
 * One JSON object per line: `level`, `time`, `message`, then the fields. Locally it goes to the
 * terminal; in Azure the worker's stdout reaches Application Insights as traces, where the
 * JSON can be parsed (`parse_json(message)`) in a query.
 */
export function createJsonLogger(
  options: {
    level?: LogLevel;
    fields?: LogFields;
    write?: (line: string, level: Exclude<LogLevel, 'off'>) => void;
  } = {},
): JsonLogger {
  const min = rank[options.level ?? 'info'];
  const base = options.fields ?? {};
  const write = options.write ?? defaultWrite;
  const log = (level: Exclude<LogLevel, 'off'>) => (message: string, fields?: LogFields) => {
    if (rank[level] < min) return;
    const line: Record<string, unknown> = {
      level,
      time: new Date().toISOString(),
      message: clean(message),
    };
    for (const source of [base, fields]) {
      if (!source) continue;
      for (const [key, value] of Object.entries(source)) {
        if (value === undefined || key in line) continue;
        line[key] = SECRET_FIELD.test(key)
          ? '[redacted]'
          : typeof value === 'string'
            ? clean(value)
            : value;
      }
    }
    write(JSON.stringify(line), level);
  };
  return {
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createJsonLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

function clean(text: string): string {
  const cut = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
  return cut.replace(SECRET_IN_TEXT, '$1 [redacted]');
}

function defaultWrite(line: string, level: Exclude<LogLevel, 'off'>): void {
  if (level === 'info') process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
}
