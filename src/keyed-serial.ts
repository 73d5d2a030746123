/**
 * Runs work one at a time per key in this process: a call for a key starts once the previous call for that
 * key has settled, whether it succeeded or failed. A key with nothing running or waiting holds no entry.
 * Only within one process: several processes need the store to settle their races.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(work);
    this.tails.set(key, mine);
    try {
      return await mine;
    } finally {
      if (this.tails.get(key) === mine) this.tails.delete(key);
    }
  }
}
