import { randomBytes } from 'node:crypto';

// Time-ordered ids (ULID layout: 48-bit ms timestamp + 80 random bits, Crockford base32) so that
// sorting by id sorts by creation time, which cursor paging relies on.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function ulid(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return time + rand;
}
