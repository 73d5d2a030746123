// Flags are `--name value` or a bare `--flag`; scripts read them once at start so a typo fails
// before any child process exists.

/**
 * A mistyped flag: one line and exit 2, which the scripts' callers read as "the run could not proceed".
 * Thrown at the top level, it was Node's uncaught-error report, a stack trace and exit 1: the code that
 * says a delivery or memory check failed.
 */
export function usageError(message: string): never {
  process.stderr.write(`${message} (--help lists the flags)\n`);
  process.exit(2);
}

export class Args {
  private readonly values = new Map<string, string | true>();

  constructor(argv: string[] = process.argv.slice(2)) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (!arg.startsWith('--')) usageError(`unexpected argument "${arg}"`);
      const eq = arg.indexOf('=');
      if (eq > 0) {
        this.values.set(arg.slice(2, eq), arg.slice(eq + 1));
        continue;
      }
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        this.values.set(arg.slice(2), next);
        i++;
      } else {
        this.values.set(arg.slice(2), true);
      }
    }
  }

  flag(name: string): boolean {
    return this.values.get(name) === true || this.values.get(name) === 'true';
  }

  number(name: string, fallback: number, min = -Infinity, max = Infinity): number {
    const raw = this.values.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (raw === true || !Number.isFinite(value) || value < min || value > max) {
      usageError(`--${name} must be a number between ${min} and ${max}, got "${String(raw)}"`);
    }
    return value;
  }

  string(name: string, fallback: string): string {
    const raw = this.values.get(name);
    if (raw === undefined) return fallback;
    if (raw === true) usageError(`--${name} needs a value`);
    return raw;
  }

  /** Rejects flags the script does not know, so `--doc 100` is not silently ignored. */
  only(known: string[]): void {
    for (const name of this.values.keys()) {
      if (!known.includes(name)) usageError(`unknown flag --${name} (known: ${known.map((k) => `--${k}`).join(' ')})`);
    }
  }
}
