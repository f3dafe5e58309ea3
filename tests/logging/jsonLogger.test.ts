import { describe, expect, it } from 'vitest';

import { createJsonLogger, type LogLevel } from '../../src/logging/jsonLogger.js';
import { traceIdOf } from '../../src/logging/traceId.js';

function capture(level?: LogLevel) {
  const lines: { line: Record<string, unknown>; level: string }[] = [];
  const logger = createJsonLogger({
    level,
    write: (line, l) => lines.push({ line: JSON.parse(line) as Record<string, unknown>, level: l }),
  });
  return { logger, lines };
}

describe('createJsonLogger', () => {
  it('writes one JSON object per line with level, time, message and the fields', () => {
    const { logger, lines } = capture();
    logger.child({ function: 'ingest' }).info('request', { invocationId: 'i-1', accepted: 3 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.line).toMatchObject({
      level: 'info',
      message: 'request',
      function: 'ingest',
      invocationId: 'i-1',
      accepted: 3,
    });
    expect(Date.parse(lines[0]!.line.time as string)).not.toBeNaN();
  });

  it('drops lines below the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.warn('shown');
    logger.error('shown too');
    expect(lines.map((l) => [l.level, l.line.message])).toEqual([
      ['warn', 'shown'],
      ['error', 'shown too'],
    ]);
    const off = capture('off');
    off.logger.error('nothing');
    expect(off.lines).toHaveLength(0);
  });

  it('never writes a key or a body: secret fields redacted, credentials cut from text', () => {
    const { logger, lines } = capture();
    logger.warn('auth failed for Bearer sk_write_abc123 and Basic dXNlcjo=', {
      authorization: 'Bearer sk_write_abc123',
      'x-api-key': 'sk_write_abc123',
      body: '{"userId":"secret-user"}',
      status: 401,
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('sk_write_abc123');
    expect(text).not.toContain('dXNlcjo=');
    expect(text).not.toContain('secret-user');
    expect(lines[0]!.line).toMatchObject({ status: 401, body: '[redacted]' });
  });

  it('keeps level, time and message from being overwritten by fields, and bounds long text', () => {
    const { logger, lines } = capture();
    logger.info('x'.repeat(5000), { level: 'error', message: 'forged' });
    expect(lines[0]!.line.level).toBe('info');
    expect((lines[0]!.line.message as string).length).toBeLessThan(2100);
  });
});

describe('traceIdOf', () => {
  it('reads the trace id of a W3C traceparent, and nothing from anything else', () => {
    expect(traceIdOf('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toBe(
      '0af7651916cd43dd8448eb211c80319c',
    );
    for (const bad of [null, undefined, '', 'garbage', '00-XYZ-b7ad6b7169203331-01'])
      expect(traceIdOf(bad)).toBeUndefined();
  });
});
