import { describe, expect, test } from 'vitest';
import { gateWords } from '../../src/cli/models-command.js';

// `guandian models list` and `models train` print a version's gate. A version whose gate passed but
// whose parent is no longer active (a rollback since, or a newer base model) would be refused on
// promotion; the server marks it stale (gate.stale, staleReason) and the CLI must not print "passed".

describe('the gate column', () => {
  test('passed, refused with reasons, and stale with the server’s reason', () => {
    expect(gateWords({ passes: true, reasons: [] })).toBe('passed');
    expect(gateWords({ passes: true, reasons: [], stale: false, staleReason: null })).toBe('passed');
    expect(gateWords({ passes: false, reasons: ['not better on the corrected slice', 'regression set fell'] })).toBe(
      'refused: not better on the corrected slice; regression set fell',
    );
    const stale = gateWords({ passes: true, reasons: [], stale: true, staleReason: 'judged against r1, which is no longer active: train again' });
    expect(stale).toBe('stale: judged against r1, which is no longer active: train again');
    expect(gateWords({ passes: true, reasons: [], stale: true })).toMatch(/^stale: /);
  });
});
