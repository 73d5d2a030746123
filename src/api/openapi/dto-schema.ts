import 'reflect-metadata';
import { createRequire } from 'node:module';
import { getMetadataStorage, type ValidationArguments } from 'class-validator';

export type JsonSchema = Record<string, unknown>;
// DTO classes are only used as metadata keys and for their names, never constructed here.
export type DtoClass = Function;

interface ValidationMeta {
  type: string;
  name?: string;
  target: DtoClass | string;
  propertyName: string;
  constraints?: unknown[];
  message?: string | ((args: ValidationArguments) => string);
  each?: boolean;
}

interface TypeMeta {
  typeFunction: () => DtoClass;
}

// @Type lives in class-transformer's own registry, which its package exposes only through an
// internal path without type declarations. require() makes sure we read the very instance the
// CommonJS entry point (the one `import ... from 'class-transformer'` resolves to) writes into.
const transformerStorage = (
  createRequire(import.meta.url)('class-transformer/cjs/storage.js') as {
    defaultMetadataStorage: { findTypeMetadata(target: DtoClass, propertyName: string): TypeMeta | undefined };
  }
).defaultMetadataStorage;

/** What validator.js's isNumeric accepts without options: an optional sign, digits, an optional decimal part. */
export const NUMBER_STRING_PATTERN = '^[+-]?([0-9]*[.])?[0-9]+$';

/** Validation metadata parseDto would apply to an instance of `cls`, inherited properties included. */
export function validationMetas(cls: DtoClass): ValidationMeta[] {
  // Same arguments as class-validator's executor when validate() gets no groups.
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', false, false) as unknown as ValidationMeta[];
  return metas.filter((m) => typeof m.target === 'function');
}

/**
 * The values an @IsIn rule on `cls.prop` allows, so hand-written response schemas reuse the
 * request DTOs' lists (document kinds, polarities …) instead of copies that drift.
 */
export function enumOf(cls: DtoClass, prop: string): unknown[] {
  const rule = validationMetas(cls).find((m) => m.propertyName === prop && m.name === 'isIn' && !m.each);
  const values = rule?.constraints?.[0];
  if (!Array.isArray(values)) throw new Error(`${cls.name}.${prop} has no @IsIn rule to take its values from`);
  return [...(values as unknown[])];
}

/** Properties in the order a reader expects: a parent class's fields before the subclass's. */
function byProperty(cls: DtoClass): Map<string, ValidationMeta[]> {
  const chain: DtoClass[] = [];
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.unshift(c as DtoClass);
  const rank = (m: ValidationMeta) => chain.indexOf(m.target as DtoClass);
  const sorted = [...validationMetas(cls)].sort((a, b) => rank(a) - rank(b));
  const out = new Map<string, ValidationMeta[]>();
  for (const m of sorted) {
    const list = out.get(m.propertyName) ?? [];
    list.push(m);
    out.set(m.propertyName, list);
  }
  // Decorators run bottom-up, so the storage holds each property's rules in reverse source order.
  for (const list of out.values()) list.reverse();
  return out;
}

function regexOf(value: unknown, modifiers: unknown): RegExp | null {
  if (value instanceof RegExp) return value;
  if (typeof value === 'string') return new RegExp(value, typeof modifiers === 'string' ? modifiers : undefined);
  return null;
}

/** A regex JSON Schema can carry as-is (ECMA-262 syntax, and flags have no JSON Schema equivalent). */
function addPattern(schema: JsonSchema, re: RegExp | null): void {
  if (!re || re.flags.replace(/[gu]/g, '') !== '') return;
  if (schema.pattern === undefined) {
    schema.pattern = re.source;
    return;
  }
  const extra = (schema.allOf as JsonSchema[] | undefined) ?? [];
  extra.push({ pattern: re.source });
  schema.allOf = extra;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Applies one class-validator rule to a schema. Rules we do not know (custom @Validate classes,
 * decorators added later) leave the schema unchanged: the spec under-describes rather than lies.
 */
function applyRule(schema: JsonSchema, name: string | undefined, c: unknown[]): void {
  switch (name) {
    case 'isString':
      schema.type = 'string';
      break;
    case 'isInt':
      schema.type = 'integer';
      break;
    case 'isNumber':
      schema.type = 'number';
      break;
    case 'isBoolean':
      schema.type = 'boolean';
      break;
    case 'isObject':
      schema.type = 'object';
      break;
    case 'isArray':
      schema.type = 'array';
      break;
    case 'isLength':
      schema.type ??= 'string';
      if (num(c[0]) !== undefined) schema.minLength = c[0];
      if (num(c[1]) !== undefined) schema.maxLength = c[1];
      break;
    case 'minLength':
      schema.type ??= 'string';
      if (num(c[0]) !== undefined) schema.minLength = c[0];
      break;
    case 'maxLength':
      schema.type ??= 'string';
      if (num(c[0]) !== undefined) schema.maxLength = c[0];
      break;
    case 'isNotEmpty':
      if (schema.type === 'string' && schema.minLength === undefined) schema.minLength = 1;
      break;
    case 'matches':
      // Like the length rules, class-validator fails any non-string here.
      schema.type ??= 'string';
      addPattern(schema, regexOf(c[0], c[1]));
      break;
    case 'isIn':
      if (Array.isArray(c[0])) {
        schema.enum = [...(c[0] as unknown[])];
        if ((c[0] as unknown[]).every((v) => typeof v === 'string')) schema.type ??= 'string';
      }
      break;
    case 'isEnum': {
      const values = c[0] && typeof c[0] === 'object' ? Object.values(c[0]) : [];
      // Numeric TypeScript enums carry a reverse mapping (value → name) that is not a valid value.
      const numeric = values.filter((v) => typeof v === 'number');
      schema.enum = numeric.length > 0 ? numeric : values;
      break;
    }
    case 'isNumberString': {
      const opts = (c[0] ?? {}) as { no_symbols?: boolean; locale?: string };
      schema.type = 'string';
      // A locale changes the decimal separator; without knowing it the type is all we can say.
      if (opts.no_symbols) addPattern(schema, /^[0-9]+$/);
      else if (!opts.locale) addPattern(schema, new RegExp(NUMBER_STRING_PATTERN));
      break;
    }
    case 'min':
      if (num(c[0]) !== undefined) schema.minimum = c[0];
      break;
    case 'max':
      if (num(c[0]) !== undefined) schema.maximum = c[0];
      break;
    case 'isPositive':
      schema.exclusiveMinimum = 0;
      break;
    case 'isNegative':
      schema.exclusiveMaximum = 0;
      break;
    case 'arrayMinSize':
      if (num(c[0]) !== undefined) schema.minItems = c[0];
      break;
    case 'arrayMaxSize':
      if (num(c[0]) !== undefined) schema.maxItems = c[0];
      break;
    case 'arrayNotEmpty':
      schema.minItems ??= 1;
      break;
    case 'arrayUnique':
      schema.uniqueItems = true;
      break;
    case 'isIso8601':
    case 'isDateString':
      schema.type = 'string';
      schema.format = 'date-time';
      break;
    case 'isEmail':
      schema.type = 'string';
      schema.format = 'email';
      break;
    case 'isUrl':
      schema.type = 'string';
      schema.format = 'uri';
      break;
    case 'isUUID':
      schema.type = 'string';
      schema.format = 'uuid';
      break;
    default:
      break;
  }
}

/** JSON Schema 2020-12 (OpenAPI 3.1) spells "or null" as an extra type, enum value or anyOf branch. */
export function allowNull(schema: JsonSchema): JsonSchema {
  if (schema.$ref !== undefined) return { anyOf: [schema, { type: 'null' }] };
  const out = { ...schema };
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  return out;
}

export interface PropertySchema {
  schema: JsonSchema;
  required: boolean;
  /** Schema without the `null` that @IsOptional lets through: query strings cannot carry null. */
  nonNullSchema: JsonSchema;
}

/** Names component schemas after their DTO classes and converts each class once (cycles included). */
export class SchemaRegistry {
  readonly schemas: Record<string, JsonSchema> = {};
  private readonly names = new Map<DtoClass, string>();

  /** A `$ref` to the class's component schema, converting it on first use. */
  ref(cls: DtoClass): JsonSchema {
    let name = this.names.get(cls);
    if (name === undefined) {
      name = cls.name || 'Anonymous';
      for (let i = 2; name in this.schemas; i++) name = `${cls.name || 'Anonymous'}${i}`;
      this.names.set(cls, name);
      // Reserved before converting, so a DTO that nests itself gets a $ref back instead of recursing forever.
      this.schemas[name] = {};
      this.schemas[name] = this.objectSchema(cls);
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  /** Every property class-validator would accept on `cls` (anything else is refused: forbidNonWhitelisted). */
  properties(cls: DtoClass): Map<string, PropertySchema> {
    const out = new Map<string, PropertySchema>();
    for (const [prop, metas] of byProperty(cls)) out.set(prop, this.property(cls, prop, metas));
    return out;
  }

  objectSchema(cls: DtoClass): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const [prop, p] of this.properties(cls)) {
      properties[prop] = p.schema;
      if (p.required) required.push(prop);
    }
    return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
  }

  private property(cls: DtoClass, prop: string, metas: ValidationMeta[]): PropertySchema {
    let schema: JsonSchema = {};
    const items: JsonSchema = {};
    let required = true;
    let nullable = false;
    const notes: string[] = [];
    for (const m of metas) {
      if (m.type === 'conditionalValidation') {
        // @IsOptional skips every rule for null/undefined; @ValidateIf makes the field conditional,
        // and the condition is code, so the schema can only say "not always required".
        required = false;
        if (m.name === 'isOptional') nullable = true;
        continue;
      }
      if (m.type === 'nestedValidation') {
        const target = this.nestedType(cls, prop);
        const nested = target ? this.ref(target) : { type: 'object' };
        if (m.each) Object.assign(items, nested);
        else schema = { ...nested, ...schema };
        continue;
      }
      if (m.type !== 'customValidation') continue;
      // Custom messages explain rules a schema cannot (what a pattern means); templated ones ($property) read badly out of context.
      if (typeof m.message === 'string' && m.message !== '' && !m.message.includes('$') && !notes.includes(m.message)) notes.push(m.message);
      applyRule(m.each ? items : schema, m.name, m.constraints ?? []);
    }
    if (Object.keys(items).length > 0) {
      schema.type ??= 'array';
      schema.items = items;
    }
    // @IsObject next to a nested DTO (NestedObject) says what the $ref already says
    if (schema.$ref !== undefined && schema.type === 'object') delete schema.type;
    if (notes.length > 0 && schema.$ref === undefined) schema.description = notes.join('; ');
    const nonNullSchema = schema;
    return { schema: nullable ? allowNull(schema) : schema, required, nonNullSchema };
  }

  private nestedType(cls: DtoClass, prop: string): DtoClass | undefined {
    const meta = transformerStorage.findTypeMetadata(cls, prop);
    const target = meta?.typeFunction();
    return typeof target === 'function' && target !== Object ? target : undefined;
  }
}
