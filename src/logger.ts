import pino from 'pino';
import type { LogLevel } from './config/env.js';

export type Logger = pino.Logger;

// Document text and PII never go into logs at info level: log ids, counts and codes only.
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'guandian' }, redact: ['req.headers.authorization', 'key', 'secret'] });
}
