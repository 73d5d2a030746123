import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { allowEntryProblem } from '../actions/url-guard.js';
import { canonicalTimeZone, isTimeZone } from '../time-zone.js';

// Every setting is read and validated here, once, at boot. A bad value stops the process with a
// message that names the variable, instead of surfacing later as an odd runtime failure.

export type Role = 'all' | 'api' | 'worker';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  role: Role;
  dataDir: string;
  redisUrl: string | null;
  /** BullMQ key prefix; tests give each run its own so queues never collide. */
  queuePrefix: string;
  mongodbUrl: string | null;
  mongodbDb: string;
  modelDir: string;
  lexiconDir: string;
  webDir: string;
  workerConcurrency: number;
  analyzerThreads: number;
  adminKey: string | null;
  logLevel: LogLevel;
  /** Largest accepted request body, in bytes (BODY_LIMIT). */
  bodyLimit: number;
  /** Characters of text per document, and in all of a transcript's turns together (MAX_TEXT_LENGTH). */
  maxTextLength: number;
  /** How long a document may sit in queued/processing before the reconciler re-enqueues it. */
  leaseMs: number;
  reconcileIntervalMs: number;
  shutdownTimeoutMs: number;
  jobAttempts: number;
  /** Requests per key per minute in this process; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** IANA zone whose days the daily trends and survey buckets count, and in which dates without an offset are read (TIME_ZONE). */
  timeZone: string;
  /** Webhooks, alert rules and the SLA check (WEBHOOK_ALLOWED_HOSTS, WEBHOOK_ATTEMPTS, WEBHOOK_CONCURRENCY, ACTIONS_INTERVAL_MS). */
  actions: ActionsSettings;
}

export interface ActionsSettings {
  /** Webhook hosts allowed even though they resolve to private or loopback addresses (comma list, `*.example.com`). */
  urlPolicy: { allowedHosts: string[] };
  /** Delivery attempts before a delivery is marked failed (backoff 1 s, 2 s, 4 s … capped at 60 s). */
  webhookAttempts: number;
  /** How often threshold rules and the SLA check run. */
  intervalMs: number;
  webhookConcurrency: number;
}

/** An IP address, or a host name (letters, digits, hyphens, dots) that is not an IPv4 look-alike such as 999.1.1.1. */
function isListenHost(host: string): boolean {
  if (net.isIP(host) !== 0) return true;
  if (/^[\d.]+$/.test(host)) return false;
  return /^(?=.{1,253}$)[a-z\d]([a-z\d-]{0,61}[a-z\d])?(\.[a-z\d]([a-z\d-]{0,61}[a-z\d])?)*$/i.test(host);
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

type Env = Record<string, string | undefined>;

/**
 * Java's three-letter zone ids, which ICU (and so Intl) takes but IANA does not have, and which do not mean
 * what people write them for: CST, what `date` prints on a server set to China time, is America/Chicago;
 * BST is Asia/Dhaka, IST Asia/Kolkata. The IANA ones that look alike (EST, MST, HST, UTC, PRC …) are not here.
 */
const JAVA_ZONE_IDS = new Set(['ACT', 'AET', 'AGT', 'ART', 'AST', 'BET', 'BST', 'CAT', 'CNT', 'CST', 'CTT', 'EAT', 'ECT', 'IET', 'IST', 'JST', 'MIT', 'NET', 'NST', 'PLT', 'PNT', 'PRT', 'PST', 'SST', 'VST']);

/** WEBHOOK_ALLOWED_HOSTS: comma-separated hosts, host:port, [IPv6]:port or *.domain; each is checked here. */
function allowedHosts(raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const entry of entries) {
    const problem = allowEntryProblem(entry);
    if (problem) throw new ConfigError('WEBHOOK_ALLOWED_HOSTS', `entry "${entry}" ${problem} (e.g. tickets.corp.example,10.0.0.5:8443,*.corp.example)`);
  }
  return entries;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/**
 * A size such as `1mb`, `512kb` or a byte count, as bytes. Checked here because the body parser
 * reads the same setting far more loosely: `abc` crashed it at startup with a stack trace, and
 * `-5` or `0` started a service that answered every POST with 413.
 */
function size(env: Env, name: string, fallback: string): number {
  const raw = env[name] === undefined || env[name] === '' ? fallback : env[name]!;
  const m = /^(\d+(?:\.\d+)?) *(b|kb|mb|gb)?$/i.exec(raw.trim());
  const bytes = m ? Math.floor(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]!) : NaN;
  if (!(bytes >= 1)) throw new ConfigError(name, `must be a positive size such as 1mb, 512kb or a number of bytes, got "${raw}"`);
  return bytes;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const role = oneOf(env, 'ROLE', ['all', 'api', 'worker'] as const, 'all');
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const mongodbUrl = url(env, 'MONGODB_URL', ['mongodb:', 'mongodb+srv:']);
  const adminKey = env.GUANDIAN_ADMIN_KEY ? env.GUANDIAN_ADMIN_KEY : null;
  if (adminKey !== null && adminKey.length < 24) {
    throw new ConfigError('GUANDIAN_ADMIN_KEY', 'must be at least 24 characters (it guards every tenant)');
  }
  // The in-process queue and the file store live inside one process; split roles would each see
  // their own private copy, so they need Redis and MongoDB.
  if (role !== 'all' && redisUrl === null) {
    throw new ConfigError('ROLE', `ROLE=${role} needs REDIS_URL (the embedded queue only works with ROLE=all)`);
  }
  if (role !== 'all' && mongodbUrl === null) {
    throw new ConfigError('ROLE', `ROLE=${role} needs MONGODB_URL (the embedded store only works with ROLE=all)`);
  }
  const host = env.HOST && env.HOST.trim() !== '' ? env.HOST.trim() : '127.0.0.1';
  if (!isListenHost(host)) {
    throw new ConfigError('HOST', `"${host}" is not an IP address or host name to listen on (e.g. 127.0.0.1, 0.0.0.0, ::)`);
  }
  const timeZone = env.TIME_ZONE && env.TIME_ZONE.trim() !== '' ? env.TIME_ZONE.trim() : 'UTC';
  if (!isTimeZone(timeZone)) {
    throw new ConfigError('TIME_ZONE', `"${timeZone}" is not an IANA time zone this Node knows (e.g. Asia/Shanghai, UTC)`);
  }
  if (JAVA_ZONE_IDS.has(timeZone.toUpperCase())) {
    throw new ConfigError('TIME_ZONE', `"${timeZone}" is an abbreviation, not an IANA time zone: it would be read as ${canonicalTimeZone(timeZone)}; name the zone (e.g. Asia/Shanghai)`);
  }
  const resolve = (name: string, fallback: string) => path.resolve(cwd, env[name] && env[name] !== '' ? env[name]! : fallback);
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host,
    role,
    dataDir: resolve('DATA_DIR', './data'),
    redisUrl,
    queuePrefix: env.QUEUE_PREFIX && env.QUEUE_PREFIX !== '' ? env.QUEUE_PREFIX : 'guandian',
    mongodbUrl,
    mongodbDb: env.MONGODB_DB && env.MONGODB_DB !== '' ? env.MONGODB_DB : 'guandian',
    modelDir: resolve('MODEL_DIR', './models/current'),
    lexiconDir: resolve('LEXICON_DIR', './lexicons'),
    webDir: resolve('WEB_DIR', './web/dist'),
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 4, 1, 256),
    analyzerThreads: int(env, 'ANALYZER_THREADS', 1, 1, 64),
    adminKey,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    bodyLimit: size(env, 'BODY_LIMIT', '1mb'),
    maxTextLength: int(env, 'MAX_TEXT_LENGTH', 20_000, 1, 1_000_000),
    leaseMs: int(env, 'LEASE_MS', 120_000, 100, 86_400_000),
    reconcileIntervalMs: int(env, 'RECONCILE_INTERVAL_MS', 30_000, 50, 86_400_000),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    jobAttempts: int(env, 'JOB_ATTEMPTS', 3, 1, 50),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 30_000, 0, 10_000_000),
    timeZone: canonicalTimeZone(timeZone),
    actions: {
      urlPolicy: {
        allowedHosts: allowedHosts(env.WEBHOOK_ALLOWED_HOSTS),
      },
      webhookAttempts: int(env, 'WEBHOOK_ATTEMPTS', 8, 1, 50),
      intervalMs: int(env, 'ACTIONS_INTERVAL_MS', 60_000, 100, 86_400_000),
      webhookConcurrency: int(env, 'WEBHOOK_CONCURRENCY', 4, 1, 64),
    },
  };
}

/**
 * mkdir -p one level at a time. Node's recursive mkdirSync spins for ever where the kernel answers a
 * mkdir under an existing folder with ENOENT (DATA_DIR=/proc/…): it keeps "creating the parent".
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let p = path.resolve(dir); !fs.existsSync(p); p = path.dirname(p)) {
    missing.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of missing) fs.mkdirSync(p);
}

/**
 * The folders the service needs at start, checked after loadConfig (which reads no files): LEXICON_DIR
 * must hold taxonomy.yaml, and DATA_DIR (embedded store) must be a folder this process can create and
 * write. Without these checks the first file operation failed deep in start-up, with a Node stack trace
 * that named neither variable.
 */
export function checkDirectories(config: Pick<Config, 'lexiconDir' | 'dataDir' | 'mongodbUrl'>): void {
  const code = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  if (!fs.statSync(path.join(config.lexiconDir, 'taxonomy.yaml'), { throwIfNoEntry: false })?.isFile()) {
    throw new ConfigError('LEXICON_DIR', `${config.lexiconDir} holds no taxonomy.yaml: it names the folder of the CX lexicons (default ./lexicons)`);
  }
  if (config.mongodbUrl !== null) return;
  const dir = config.dataDir;
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir, { throwIfNoEntry: false });
  } catch (err) {
    throw new ConfigError('DATA_DIR', `cannot use ${dir}: ${code(err)}`);
  }
  if (stat && !stat.isDirectory()) throw new ConfigError('DATA_DIR', `${dir} is not a directory`);
  try {
    if (!stat) makeDirs(dir);
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new ConfigError('DATA_DIR', `cannot create or write ${dir}: ${code(err)}`);
  }
}
