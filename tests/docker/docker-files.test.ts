import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config/env.js';

// No Docker engine runs where these tests run, so the files are checked against the repository
// instead: a renamed script, a new env variable or a moved folder breaks here, not at deploy time.

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCKER = path.join(ROOT, 'docker');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');

/** Variables env.ts reads: recorded by running loadConfig on a spy, plus a scan of its source for branch-only reads. */
function envVarsRead(): Set<string> {
  const seen = new Set<string>();
  const spy = new Proxy({} as Record<string, string | undefined>, {
    get(_t, key) {
      if (typeof key === 'string') seen.add(key);
      return undefined;
    },
  });
  loadConfig(spy, ROOT);
  const src = read('src/config/env.ts');
  for (const re of [/\benv\.([A-Z][A-Z0-9_]*)/g, /\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g, /\(env, '([A-Z][A-Z0-9_]*)'/g, /\bresolve\('([A-Z][A-Z0-9_]*)'/g]) {
    for (const m of src.matchAll(re)) seen.add(m[1]!);
  }
  return new Set([...seen].filter((k) => /^[A-Z][A-Z0-9_]*$/.test(k)));
}

const ENV_VARS = envVarsRead();

// ---------------------------------------------------------------- Dockerfile

interface Instruction {
  op: string;
  args: string;
  line: number;
}
interface Stage {
  name: string | undefined;
  base: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const logical: Instruction[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (buf === '' && (line.trim() === '' || line.trim().startsWith('#'))) return;
    if (buf !== '' && line.trim().startsWith('#')) return;
    if (buf === '') start = i + 1;
    if (line.endsWith('\\')) {
      buf += line.slice(0, -1) + ' ';
      return;
    }
    buf += line;
    const m = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(buf);
    if (m) logical.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start });
    buf = '';
  });
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of logical) {
    if (ins.op === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      stages.push({ base: m?.[1] ?? ins.args, name: m?.[2], instructions: [] });
    } else if (stages.length === 0) {
      if (ins.op === 'ARG') {
        const [k, v] = ins.args.split('=');
        args.set(k!, v ?? '');
      }
    } else stages.at(-1)!.instructions.push(ins);
  }
  return { args, stages };
}

/** COPY flags and the source/destination list, in shell or JSON form. */
function parseCopy(argsText: string): { from?: string; sources: string[]; dest: string } {
  const words = argsText.startsWith('[') ? (JSON.parse(argsText) as string[]) : argsText.split(/\s+/);
  let from: string | undefined;
  const rest: string[] = [];
  for (const w of words) {
    if (w.startsWith('--from=')) from = w.slice('--from='.length);
    else if (!w.startsWith('--')) rest.push(w);
  }
  return { ...(from !== undefined ? { from } : {}), sources: rest.slice(0, -1), dest: rest.at(-1)! };
}

function dockerignorePatterns(): string[] {
  return read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('!'));
}

/** Whether a path (relative to the context) is excluded; covers the plain and **-prefixed forms used in .dockerignore. */
function isIgnored(rel: string, patterns: string[]): boolean {
  const clean = rel.replace(/^\.\//, '').replace(/\/$/, '');
  return patterns.some((p) => {
    const pat = p.replace(/^\//, '').replace(/\/$/, '');
    const bare = pat.replace(/^\*\*\//, '');
    if (bare.includes('*')) {
      const re = new RegExp('^' + bare.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$');
      return clean.split('/').some((_, i, parts) => re.test(parts.slice(i).join('/'))) || re.test(clean);
    }
    return clean === bare || clean.startsWith(bare + '/') || (pat.startsWith('**/') && clean.split('/').includes(bare));
  });
}

const DOCKERFILE = parseDockerfile(fs.readFileSync(path.join(DOCKER, 'Dockerfile'), 'utf8'));
const FINAL = DOCKERFILE.stages.at(-1)!;
const ops = (s: Stage, op: string) => s.instructions.filter((i) => i.op === op);
const stageNamed = (name: string) => DOCKERFILE.stages.find((s) => s.name === name);

/** `dist/x.js` is compiled from `src/x.ts`; anything else must exist as it is. */
function runnableExists(file: string): boolean {
  const outDir = (JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { outDir: string; rootDir: string } }).compilerOptions;
  const out = outDir.outDir.replace(/^\.\//, '');
  if (file.startsWith(`${out}/`) && file.endsWith('.js')) {
    return fs.existsSync(path.join(ROOT, outDir.rootDir, file.slice(out.length + 1).replace(/\.js$/, '.ts')));
  }
  return fs.existsSync(path.join(ROOT, file));
}

function commandTargetsExist(cmd: string[]): string[] {
  const problems: string[] = [];
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  if (cmd[0] === 'node') {
    const file = cmd.slice(1).find((a) => !a.startsWith('-'));
    if (!file || !runnableExists(file)) problems.push(`node entry ${file} has no source`);
  } else if (cmd[0] === 'npm') {
    const script = cmd[1] === 'run' || cmd[1] === 'run-script' ? cmd[2] : cmd[1];
    if (!script || !(script in pkg.scripts)) problems.push(`npm script ${script} is not in package.json`);
  } else problems.push(`unexpected command ${cmd.join(' ')}`);
  return problems;
}

describe('docker/Dockerfile', () => {
  test('every stage is named, names are unique, and each --from names an earlier stage', () => {
    const names = DOCKERFILE.stages.map((s) => s.name);
    expect(DOCKERFILE.stages.length).toBeGreaterThanOrEqual(2);
    expect(names.every((n) => n !== undefined)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    DOCKERFILE.stages.forEach((stage, i) => {
      for (const ins of ops(stage, 'COPY')) {
        const { from } = parseCopy(ins.args);
        if (from !== undefined) expect(names.slice(0, i), `line ${ins.line}: --from=${from}`).toContain(from);
      }
    });
  });

  test('every stage but the last is used by a later one', () => {
    const used = new Set<string>();
    for (const s of DOCKERFILE.stages) {
      for (const ins of ops(s, 'COPY')) {
        const { from } = parseCopy(ins.args);
        if (from !== undefined) used.add(from);
      }
      used.add(s.base);
    }
    for (const s of DOCKERFILE.stages.slice(0, -1)) expect(used, `stage ${s.name}`).toContain(s.name);
  });

  test('the base image is Node 20 on glibc', () => {
    for (const s of DOCKERFILE.stages) {
      const base = s.base.replace(/^\$\{(\w+)\}$/, (_, k: string) => DOCKERFILE.args.get(k) ?? '');
      expect(base).toMatch(/^node:20[\w.-]*$/);
      expect(base).not.toMatch(/alpine/);
    }
  });

  test('COPY sources from the build context exist and are not excluded by .dockerignore', () => {
    const patterns = dockerignorePatterns();
    let checked = 0;
    for (const s of DOCKERFILE.stages) {
      for (const ins of ops(s, 'COPY')) {
        const { from, sources } = parseCopy(ins.args);
        if (from !== undefined) continue;
        for (const src of sources) {
          checked++;
          expect(fs.existsSync(path.join(ROOT, src)), `line ${ins.line}: ${src}`).toBe(true);
          if (src !== '.') expect(isIgnored(src, patterns), `line ${ins.line}: ${src} is dockerignored`).toBe(false);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  test('.dockerignore keeps what the build needs in the context and local state out of it', () => {
    const patterns = dockerignorePatterns();
    for (const needed of ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json', 'tsconfig.build.json', 'src/main.ts', 'src/config/env.ts', 'web/index.html', 'web/vite.config.ts', 'lexicons/taxonomy.yaml', 'models/current']) {
      expect(isIgnored(needed, patterns), needed).toBe(false);
    }
    for (const excluded of ['node_modules', 'dist', 'web/dist', 'data', '.git', '.env', 'training']) {
      expect(isIgnored(excluded, patterns), excluded).toBe(true);
    }
  });

  test('the build stage installs everything and runs npm run build; the runtime gets production dependencies only', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBeDefined();
    const runs = (s: Stage) => ops(s, 'RUN').map((i) => i.args).join('\n');
    const builder = DOCKERFILE.stages.find((s) => /\bnpm run build\b/.test(runs(s)));
    expect(builder, 'a stage runs npm run build').toBeDefined();
    expect(runs(builder!)).toMatch(/\bnpm ci\b(?!.*--omit=dev)/);
    const copies = ops(FINAL, 'COPY').map((i) => parseCopy(i.args));
    const modules = copies.filter((c) => c.dest.replace(/\/$/, '').endsWith('node_modules'));
    expect(modules).toHaveLength(1);
    const depsStage = modules[0]!.from !== undefined ? stageNamed(modules[0]!.from)! : FINAL;
    expect(runs(depsStage)).toMatch(/\bnpm ci\b[^\n]*--omit=dev/);
    expect(depsStage).not.toBe(builder);
  });

  test('the runtime stage carries dist/, web/dist/, lexicons/ and models/, each produced where it is copied from', () => {
    const tsOut = (JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { outDir: string } }).compilerOptions.outDir.replace(/^\.\//, '');
    const viteOut = /outDir:\s*'([^']+)'/.exec(read('web/vite.config.ts'))?.[1];
    const built = new Set([tsOut, viteOut ? `web/${viteOut}` : 'web/dist']);
    const copies = ops(FINAL, 'COPY').map((i) => parseCopy(i.args));
    const workdir = (s: Stage) => ops(s, 'WORKDIR').at(-1)?.args ?? '/';
    for (const want of ['dist', 'web/dist', 'lexicons', 'models']) {
      const copy = copies.find((c) => c.dest.replace(/^\.\//, '').replace(/\/$/, '') === want);
      expect(copy, `runtime copies ${want}`).toBeDefined();
      for (const src of copy!.sources) {
        if (copy!.from === undefined) {
          expect(fs.existsSync(path.join(ROOT, src))).toBe(true);
          continue;
        }
        const stage = stageNamed(copy!.from)!;
        const rel = path.posix.relative(workdir(stage), src);
        const made = ops(stage, 'RUN').some((r) => new RegExp(`mkdir -p[^&;]*\\b${rel}\\b`).test(r.args));
        // Copied from a build stage: it must be a build output, created there, or in the context (COPY . .).
        const inContext = ops(stage, 'COPY').some((c) => parseCopy(c.args).sources.includes('.')) && fs.existsSync(path.join(ROOT, rel)) && !isIgnored(rel, dockerignorePatterns());
        expect(built.has(rel) || made || inContext, `${src} from ${copy!.from}`).toBe(true);
      }
    }
  });

  test('it runs as a non-root user, listens on 0.0.0.0:3000, and checks /healthz with node', () => {
    const user = ops(FINAL, 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    const userIdx = FINAL.instructions.findIndex((i) => i.op === 'USER');
    const cmdIdx = FINAL.instructions.findIndex((i) => i.op === 'CMD');
    expect(userIdx).toBeLessThan(cmdIdx);
    const env = ops(FINAL, 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(ops(FINAL, 'EXPOSE').map((i) => i.args)).toContain('3000');
    const hc = ops(FINAL, 'HEALTHCHECK').at(-1)?.args ?? '';
    const json = /\bCMD\s+(\[.*\])\s*$/s.exec(hc)?.[1];
    expect(json, 'HEALTHCHECK CMD in exec form').toBeDefined();
    const argv = JSON.parse(json!) as string[];
    expect(argv[0]).toBe('node');
    expect(argv.join(' ')).toContain('/healthz');
    expect(argv.join(' ')).not.toMatch(/\bcurl\b|\bwget\b/);
    expect(read('src/api/routes/health-routes.ts')).toContain("'/healthz'");
  });

  test('CMD starts the compiled service entry', () => {
    const cmd = JSON.parse(ops(FINAL, 'CMD').at(-1)!.args) as string[];
    expect(cmd).toEqual(['node', 'dist/main.js']);
    expect(commandTargetsExist(cmd)).toEqual([]);
  });

  test('every ENV it sets is read by the service (NODE_ENV by libraries, MALLOC_ARENA_MAX by glibc)', () => {
    for (const s of DOCKERFILE.stages) {
      for (const ins of ops(s, 'ENV')) {
        for (const m of ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)) {
          if (m[1] === 'NODE_ENV' || m[1] === 'MALLOC_ARENA_MAX') continue;
          expect(ENV_VARS, `ENV ${m[1]}`).toContain(m[1]);
        }
      }
    }
  });
});

// ---------------------------------------------------------------- compose.yml

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: unknown[];
  volumes?: string[];
  depends_on?: Record<string, unknown> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  container_name?: string;
}

const COMPOSE_TEXT = fs.readFileSync(path.join(DOCKER, 'compose.yml'), 'utf8');
const COMPOSE = parseYaml(COMPOSE_TEXT, { merge: true }) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };
const SERVICES = COMPOSE.services;
const APP = ['api', 'worker'] as const;

function envOf(s: ComposeService): Record<string, string> {
  if (Array.isArray(s.environment)) {
    return Object.fromEntries(s.environment.map((e) => [e.split('=')[0]!, e.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Resolves compose's ${VAR}, ${VAR:-default} and ${VAR:?message} the way `compose up` would with `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?:(:?[-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string | undefined) => {
    const v = vars[name];
    if (op?.endsWith('-')) return v === undefined || v === '' ? (arg ?? '') : v;
    if (op?.endsWith('?') && (v === undefined || v === '')) throw new Error(`${name}: ${arg}`);
    return v ?? '';
  });
}

const asArgv = (c: string[] | string | undefined) => (c === undefined ? undefined : Array.isArray(c) ? c : c.split(/\s+/));

describe('docker/compose.yml', () => {
  test('has the api, worker, redis and mongo services', () => {
    expect(Object.keys(SERVICES).sort()).toEqual(['api', 'mongo', 'redis', 'worker']);
  });

  test('api and worker build this repository with docker/Dockerfile', () => {
    for (const name of APP) {
      const build = SERVICES[name]!.build;
      expect(build, name).toBeDefined();
      const b = typeof build === 'string' ? { context: build } : build!;
      const context = path.resolve(DOCKER, b.context ?? '.');
      expect(context).toBe(ROOT);
      expect(fs.existsSync(path.join(context, b.dockerfile ?? 'Dockerfile'))).toBe(true);
      expect(path.resolve(context, b.dockerfile ?? 'Dockerfile')).toBe(path.join(DOCKER, 'Dockerfile'));
    }
  });

  test("every app service's command and entrypoint point at files or npm scripts that exist", () => {
    for (const name of APP) {
      const s = SERVICES[name]!;
      const cmd = asArgv(s.entrypoint) ?? asArgv(s.command) ?? (JSON.parse(ops(FINAL, 'CMD').at(-1)!.args) as string[]);
      expect(commandTargetsExist(cmd), name).toEqual([]);
    }
  });

  test('every variable set for api and worker is one src/config/env.ts reads', () => {
    for (const name of APP) {
      for (const key of Object.keys(envOf(SERVICES[name]!))) expect(ENV_VARS, `${name}: ${key}`).toContain(key);
    }
  });

  test('with only GUANDIAN_ADMIN_KEY given, each app service gets a configuration the service accepts, in its role', () => {
    const vars = { GUANDIAN_ADMIN_KEY: 'compose-test-admin-key-0123456789' };
    for (const name of APP) {
      const env = Object.fromEntries(Object.entries(envOf(SERVICES[name]!)).map(([k, v]) => [k, interpolate(v, vars)]));
      const config = loadConfig({ ...env, HOST: '0.0.0.0' }, ROOT);
      expect(config.role).toBe(name);
      expect(config.redisUrl).toMatch(/^redis:\/\/redis:6379/);
      expect(config.mongodbUrl).toMatch(/^mongodb:\/\/mongo:27017\//);
      expect(config.adminKey).toBe(vars.GUANDIAN_ADMIN_KEY);
    }
  });

  test('every setting of .env reaches both api and worker, and the API enqueues with the same JOB_ATTEMPTS and LEASE_MS as the worker', () => {
    // The API stores each document with its lease and adds its queue job with its attempts; with
    // JOB_ATTEMPTS or LEASE_MS passed to the worker only, documents ingested through the API kept
    // the defaults whatever .env said. Only what compose fixes itself (or the image) is left out.
    const fixed = new Set(['ROLE', 'REDIS_URL', 'MONGODB_URL', 'PORT', 'HOST', 'DATA_DIR', 'MODEL_DIR', 'LEXICON_DIR', 'WEB_DIR']);
    const settings = [...ENV_VARS].filter((k) => !fixed.has(k));
    expect(settings).toContain('JOB_ATTEMPTS');
    for (const name of APP) {
      const env = envOf(SERVICES[name]!);
      for (const key of settings) expect(env[key], `${name}: ${key}`).toMatch(new RegExp(`^\\$\\{${key}(:[-?]|\\})`));
    }
    const vars = { GUANDIAN_ADMIN_KEY: 'compose-test-admin-key-0123456789', JOB_ATTEMPTS: '7', LEASE_MS: '45000', MAX_TEXT_LENGTH: '5000', WEBHOOK_ALLOWED_HOSTS: 'hooks.internal' };
    for (const name of APP) {
      const env = Object.fromEntries(Object.entries(envOf(SERVICES[name]!)).map(([k, v]) => [k, interpolate(v, vars)]));
      const config = loadConfig(env, ROOT);
      expect({ jobAttempts: config.jobAttempts, leaseMs: config.leaseMs, maxTextLength: config.maxTextLength, hosts: config.actions.urlPolicy.allowedHosts }, name).toEqual({
        jobAttempts: 7,
        leaseMs: 45000,
        maxTextLength: 5000,
        hosts: ['hooks.internal'],
      });
    }
  });

  test('GUANDIAN_ADMIN_KEY comes from the environment and is required', () => {
    for (const name of APP) {
      const raw = envOf(SERVICES[name]!).GUANDIAN_ADMIN_KEY;
      expect(raw).toMatch(/^\$\{GUANDIAN_ADMIN_KEY:\?/);
      expect(() => interpolate(raw!, {})).toThrow(/GUANDIAN_ADMIN_KEY/);
    }
  });

  test('every ${VAR} the file uses is a service variable or documented in docker/README.md', () => {
    const readme = fs.readFileSync(path.join(DOCKER, 'README.md'), 'utf8');
    for (const m of COMPOSE_TEXT.matchAll(/\$\{(\w+)/g)) {
      expect(ENV_VARS.has(m[1]!) || readme.includes(m[1]!), m[1]).toBe(true);
    }
  });

  test('the worker can be scaled: no host ports, no fixed container name', () => {
    const w = SERVICES.worker!;
    expect(w.ports ?? []).toEqual([]);
    expect(w.container_name).toBeUndefined();
    expect(SERVICES.api!.ports?.map(String).some((p) => p.endsWith(':3000'))).toBe(true);
  });

  test('api and worker wait for healthy redis and mongo', () => {
    for (const name of APP) {
      const deps = SERVICES[name]!.depends_on as Record<string, { condition?: string }>;
      expect(deps.redis?.condition, name).toBe('service_healthy');
      expect(deps.mongo?.condition, name).toBe('service_healthy');
    }
    expect(SERVICES.redis!.healthcheck?.test).toBeDefined();
    expect(SERVICES.mongo!.healthcheck?.test).toBeDefined();
  });

  test('redis 7 persists with AOF every second, never evicts, and keeps its data in a volume', () => {
    const r = SERVICES.redis!;
    expect(r.image).toMatch(/^redis:7(\b|$)/);
    const cmd = asArgv(r.command)!.join(' ');
    expect(cmd).toMatch(/--appendonly yes\b/);
    expect(cmd).toMatch(/--appendfsync everysec\b/);
    expect(cmd).toMatch(/--maxmemory-policy noeviction\b/);
    const vol = r.volumes?.find((v) => v.split(':')[1] === '/data');
    expect(vol).toBeDefined();
    expect(Object.keys(COMPOSE.volumes ?? {})).toContain(vol!.split(':')[0]);
  });

  test('mongo 7 is a single-node replica set with a volume, initiated by its healthcheck, and the URL names the set', () => {
    const m = SERVICES.mongo!;
    expect(m.image).toMatch(/^mongo:7(\b|$)/);
    const cmd = asArgv(m.command)!;
    const set = cmd[cmd.indexOf('--replSet') + 1];
    expect(set).toBeDefined();
    const vol = m.volumes?.find((v) => v.split(':')[1] === '/data/db');
    expect(vol).toBeDefined();
    expect(Object.keys(COMPOSE.volumes ?? {})).toContain(vol!.split(':')[0]);
    const check = asArgv(m.healthcheck!.test)!.join(' ');
    expect(check).toContain('rs.initiate');
    expect(check).toContain(`_id: '${set}'`);
    for (const name of APP) expect(envOf(SERVICES[name]!).MONGODB_URL).toContain(`replicaSet=${set}`);
  });
});

// ---------------------------------------------------------------- .env.example

describe('.env.example', () => {
  const lines = read('.env.example').split('\n');
  const entries = lines
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => /^[A-Z][A-Z0-9_]*=/.test(l))
    .map(({ l, i }) => ({ key: l.slice(0, l.indexOf('=')), value: l.slice(l.indexOf('=') + 1), line: i }));

  test('lists exactly the variables src/config/env.ts reads, once each', () => {
    const keys = entries.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual([...ENV_VARS].sort());
  });

  test('explains each variable on the line above it', () => {
    for (const e of entries) expect(lines[e.line - 1], e.key).toMatch(/^# \S/);
  });

  test('its values are the defaults', () => {
    const listed = Object.fromEntries(entries.map((e) => [e.key, e.value]));
    expect(loadConfig(listed, ROOT)).toEqual(loadConfig({}, ROOT));
  });
});
