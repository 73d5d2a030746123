import fs from 'node:fs';
import path from 'node:path';
import { ROOT, round } from './common.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const where = (url: string) => {
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (file.startsWith('node:') || file === '') return file || '(native)';
  return path.relative(ROOT, file);
};

/**
 * Self time per function and per package from a V8 .cpuprofile (`node --cpu-prof`), busiest first.
 * Idle time is dropped so shares are of the time the process actually spent working.
 */
export function summarizeProfile(file: string, top = 12) {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    // `dispatch` is the inspector session taking the profile itself, not the service's work
    if (name === '(idle)' || name === '(program)' || (name === 'dispatch' && !n.callFrame.url)) continue;
    busy += us;
    const key = `${name} ${where(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const pkg = name === '(garbage collector)' ? '(garbage collector)' : where(n.callFrame.url);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ what: k, selfMs: round(us / 1000, 0), share: round(us / busy, 3) }));
  return { busySeconds: round(busy / 1e6, 1), wallSeconds: round((p.endTime - p.startTime) / 1e6, 1), topFunctions: rank(fns), topPackages: rank(pkgs) };
}

/**
 * The main thread's profile: node writes one per thread (tsx's loader runs in its own), and the
 * thread that served the requests is the one with the most samples.
 */
export function mainProfile(dir: string): string | null {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  if (!files.length) return null;
  return path.join(dir, files.map((f) => ({ f, size: fs.statSync(path.join(dir, f)).size })).sort((a, b) => b.size - a.size)[0]!.f);
}
