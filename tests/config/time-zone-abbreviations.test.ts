import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.js';

// ICU also takes Java's three-letter zone ids, which are not IANA names and do not mean what people
// write them for: CST (what `date` prints on a server set to China time) is America/Chicago, BST is
// Asia/Dhaka, IST Asia/Kolkata. Taken, every day bucket and date filter would silently use that zone.

describe('TIME_ZONE', () => {
  test.each(['CST', 'BST', 'IST', 'CTT', 'AST', 'PST', 'cst'])('%s is refused naming the variable and the zone it would be', (name) => {
    let err: unknown;
    try {
      loadConfig({ TIME_ZONE: name });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe('TIME_ZONE');
    expect((err as ConfigError).message).toContain(new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone);
  });

  test.each([
    ['Asia/Shanghai', 'Asia/Shanghai'],
    ['PRC', 'Asia/Shanghai'],
    ['UTC', 'UTC'],
    ['EST', 'America/Panama'],
    ['asia/shanghai', 'Asia/Shanghai'],
  ])('IANA names and links are taken: %s', (name, canonical) => {
    expect(loadConfig({ TIME_ZONE: name }).timeZone).toBe(canonical);
  });
});
