import 'reflect-metadata';
import type { NextFunction, Request, Response } from 'express';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { maskPiiKey } from '../nlp/pii.js';
import { badRequest, type ErrorDetail } from '../errors.js';

// Keys that would let a JSON body reach into object prototypes once it is copied into a class
// instance; no field of ours is named like this, so they are refused outright.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 8;

/**
 * A field path as every error detail writes it: array items by index in brackets (turns[0].text,
 * documents[3].externalId), as the services that check items one by one already named them.
 */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const shown = shownKey(key);
  if (/^\d+$/.test(key)) return `${parent}[${shown}]`;
  return parent ? `${parent}.${shown}` : shown;
}

/**
 * A key as an error writes it. Errors echo keys back (and callers log them): a key that holds a phone,
 * an ID or a card ({"13812345678": …} in metadata, an unknown field phone13812345678) is written masked,
 * as it would be stored. Every key of every body passes here, so detection runs only on keys that could
 * hold such a value.
 */
function shownKey(key: string): string {
  // digits split by separators (138-1234-5678, 138_1234_5678) are a number all the same
  if (!/\d{5}|@|[^\x00-\x7f]/.test(key.replace(/[-_.\s]/g, ''))) return key;
  const masked = maskPiiKey(key, 'mask');
  // a long number the detector does not read as PII (split by dots) is still not echoed: it is a name in
  // a request body, and the caller knows which one from the rest of it
  return /\d{7}/.test(masked.replace(/[-_.\s]/g, '')) ? masked.replace(/\d/g, '*') : masked;
}

function checkShape(value: unknown, path: string, depth: number, skipItems: boolean): ErrorDetail | null {
  if (depth > MAX_DEPTH) return { field: path || '(body)', message: `nested deeper than ${MAX_DEPTH} levels` };
  if (value === null || typeof value !== 'object' || (skipItems && Array.isArray(value))) return null;
  for (const key of Object.keys(value)) {
    const field = fieldPath(path, key);
    if (FORBIDDEN_KEYS.has(key)) return { field, message: `"${key}" is not an allowed property name` };
    const found = checkShape((value as Record<string, unknown>)[key], field, depth + 1, skipItems);
    if (found) return found;
  }
  return null;
}

// Half of a UTF-16 surrogate pair with no other half: JSON's \ud83d escape can say it, UTF-8 cannot
// encode it. A client that cut a string at a UTF-16 length mid-emoji sends one; stored, it breaks every
// UTF-8 writer downstream (exports, MongoDB, webhooks) and the analyzer drops the clause holding it.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function badCharacters(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone UTF-16 surrogate (half of an emoji or other character cut off): it is not valid Unicode';
  return null;
}

/**
 * The first string (or key) holding a NUL character or a lone surrogate, as a field path and a message.
 * NUL breaks the tools stored text ends up in (CSV exports, terminals, C-string consumers), so no stored
 * string may carry one; fields that say so in their own words (text, externalId, question) have already
 * been checked by their DTO.
 */
function findBadString(value: unknown, path: string, skipItems: boolean): ErrorDetail | null {
  if (typeof value === 'string') {
    const bad = badCharacters(value);
    return bad ? { field: path || '(body)', message: bad } : null;
  }
  if (value === null || typeof value !== 'object' || (skipItems && Array.isArray(value))) return null;
  for (const [key, v] of Object.entries(value)) {
    const field = fieldPath(path, key);
    const bad = badCharacters(key);
    if (bad) return { field, message: bad };
    const found = findBadString(v, field, skipItems);
    if (found) return found;
  }
  return null;
}

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const err of errors) {
    const field = fieldPath(prefix, err.property);
    if (err.constraints) {
      // A missing field fails every rule about its type and size too; only "it is missing" helps.
      const missing = err.value === undefined && err.constraints.isDefined !== undefined;
      // class-validator names the property in some messages ("property … should not exist")
      const shown = shownKey(err.property);
      const messages = (missing ? [err.constraints.isDefined!] : Object.values(err.constraints)).map((m) => (shown === err.property ? m : m.split(err.property).join(shown)));
      // Rules that share a message (a date's format and its readability) say it once.
      out.push({ field, message: [...new Set(messages)].join('; '), constraints: missing ? ['isDefined'] : Object.keys(err.constraints) });
    }
    if (err.children && err.children.length > 0) out.push(...flatten(err.children, field));
  }
  return out;
}

export interface ParseOptions {
  /**
   * The body's arrays hold items parsed one by one afterwards (a batch's documents): what is inside them
   * (forbidden keys, depth, NUL characters) is left to that parse, so one bad item does not sink the
   * others and an item meets the same limits as when it is sent alone.
   */
  itemsParsedLater?: boolean;
}

/** Turns an untrusted JSON value into a validated DTO instance, or throws a 400 naming every bad field. */
export function parseDto<T extends object>(cls: new () => T, body: unknown, what = 'request body', options: ParseOptions = {}): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`${what} must be a JSON object`, [{ field: '(body)', message: 'expected an object' }]);
  }
  const skipItems = options.itemsParsedLater ?? false;
  const shape = checkShape(body, '', 0, skipItems);
  if (shape) throw badRequest(`invalid ${what}: ${shape.field} ${shape.message}`, [shape]);
  // Items parsed later are not copied into the DTO either: the copy would meet their keys ("constructor"
  // breaks class-transformer's) before their own parse could refuse them. The DTO sees only their count.
  const input = skipItems ? Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? v.map(() => null) : v])) : body;
  const instance = plainToInstance(cls, input, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const details = flatten(errors);
    const fields = [...new Set(details.map((d) => d.field))].join(', ');
    throw badRequest(`invalid ${what}: ${fields}`, details);
  }
  // query strings are never stored, and their fields give their own messages
  if (what !== 'query') {
    const bad = findBadString(body, '', skipItems);
    if (bad) {
      const message = `${bad.field} ${bad.message}`;
      throw badRequest(`invalid ${what}: ${message}`, [{ field: bad.field, message }]);
    }
  }
  return instance;
}

/**
 * For routes that take no query parameters (the short admin lists: webhooks, rules, the routing table):
 * a `limit` or a misspelt filter there was ignored without a word, while every route that does take
 * parameters refuses unknown ones.
 */
export function refuseQuery(query: unknown): void {
  refuseAnyQuery(query, 'this route: it takes none and answers with every item');
}

/** Refuses the first parameter of a query string, naming it: "<name> is not a query parameter of <of>". */
export function refuseAnyQuery(query: unknown, of: string): void {
  const keys = query !== null && typeof query === 'object' ? Object.keys(query) : [];
  if (keys.length === 0) return;
  const field = fieldPath('', keys[0]!);
  throw badRequest(`${field} is not a query parameter of ${of}`, [{ field, message: 'unknown query parameter' }]);
}

/**
 * For GET routes that read no query string (one item by id, the caller's settings, /me): a parameter there
 * was ignored without a word, so the platform key's GET /v1/tenant/settings?tenant=bank-b answered with its
 * own tenant's settings as if they were bank-b's. Refused naming it, as the list routes refuse theirs.
 */
export function noQuery(req: Request, _res: Response, next: NextFunction): void {
  refuseAnyQuery(req.query, 'this route: it takes none');
  next();
}

/**
 * For actions that take no body (a retry, a webhook test, resolving a case, the deletes): a field sent
 * there (`{"generation":2}` to a retry, `{"note":…}` to a resolve) was ignored without a word, while every
 * route that reads a body refuses what it does not read. `{}` and no body at all are both "nothing".
 */
export function refuseBody(body: unknown): void {
  const keys = body !== null && typeof body === 'object' ? Object.keys(body) : [];
  if (keys.length === 0) return;
  const field = fieldPath('', keys[0]!);
  throw badRequest(`${field} is not read by this route: it takes no body`, [{ field, message: 'unknown field' }]);
}
