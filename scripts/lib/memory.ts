import fs from 'node:fs';
import path from 'node:path';

// Memory as the kernel sees it (RSS, including the analyzer worker threads and native jieba/onnx
// allocations) and as V8 sees it (heap, from the service's own Prometheus metrics when present).

export function readRss(pid: number): { rssMB: number; hwmMB: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Reads `<prefix>nodejs_heap_size_used_bytes` and friends from a Prometheus text page. */
export function heapFromMetrics(text: string): { heapUsedMB: number; heapTotalMB: number; externalMB: number | null } | null {
  const value = (name: string) => {
    const m = new RegExp(`^(?:\\w+_)?${name}(?:\\{[^}]*\\})?\\s+([0-9.e+-]+)`, 'm').exec(text);
    return m ? Number(m[1]) / 1024 / 1024 : null;
  };
  const used = value('nodejs_heap_size_used_bytes');
  const total = value('nodejs_heap_size_total_bytes');
  if (used === null || total === null) return null;
  return { heapUsedMB: used, heapTotalMB: total, externalMB: value('nodejs_external_memory_bytes') };
}

export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;
