import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// Checks a real response against the OpenAPI document the service serves (GET /openapi.json): JSON Schema
// 2020-12 validation of the declared schema for that operation and status, plus a walk for fields the
// response has and the schema does not describe (the schemas leave additionalProperties open, so plain
// validation would let a missing field through, and a generated client would drop it).

type Json = Record<string, any>;

// ajv-formats is CommonJS: under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

const BASE = 'https://guandian.invalid/openapi.json';

/** Local refs (#/components/…) made absolute against the served document, so a schema can be compiled on its own. */
function absolute(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absolute);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? BASE + v : absolute(v)]));
  }
  return node;
}

export class OpenApiConformance {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly spec: Json) {
    // strict off: the document carries OpenAPI keywords (description, x-roles …) beside JSON Schema ones
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: BASE, components: spec.components }, BASE);
  }

  private resolve(ref: string): Json {
    let node: unknown = this.spec;
    for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!node || typeof node !== 'object') throw new Error(`$ref ${ref} does not resolve`);
    return node as Json;
  }

  private deref(s: Json): Json {
    return typeof s.$ref === 'string' ? this.deref(this.resolve(s.$ref)) : s;
  }

  /** The schema the spec declares for this operation's response; throws when the status is not declared. */
  schemaFor(method: string, path: string, status: number, mediaType = 'application/json'): Json {
    const op = this.spec.paths?.[path]?.[method.toLowerCase()] as Json | undefined;
    if (!op) throw new Error(`${method.toUpperCase()} ${path} is not in the spec`);
    const declared = op.responses?.[String(status)] as Json | undefined;
    if (!declared) throw new Error(`${method.toUpperCase()} ${path} does not declare ${status} (declared: ${Object.keys(op.responses ?? {}).join(', ')})`);
    const schema = (this.deref(declared).content as Json | undefined)?.[mediaType]?.schema as Json | undefined;
    if (!schema) throw new Error(`${method.toUpperCase()} ${path} ${status} declares no ${mediaType} body`);
    return schema;
  }

  /** Every way `body` departs from the declared response: schema errors, then fields the schema does not describe. */
  problems(method: string, path: string, status: number, body: unknown): string[] {
    const schema = this.schemaFor(method, path, status);
    const key = `${method} ${path} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(absolute(schema) as Json);
      this.compiled.set(key, validate);
    }
    const out: string[] = [];
    if (!validate(body)) for (const e of validate.errors ?? []) out.push(`${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    this.undocumented(body, schema, '', out);
    return out;
  }

  /** The object schemas that may describe `value`: through $ref, allOf, and the anyOf/oneOf branches of its JSON type. */
  private branches(value: unknown, s: Json): Json[] {
    const schema = this.deref(s);
    const out: Json[] = [schema];
    for (const member of (schema.allOf ?? []) as Json[]) out.push(...this.branches(value, member));
    for (const member of [...((schema.anyOf ?? []) as Json[]), ...((schema.oneOf ?? []) as Json[])]) {
      const m = this.deref(member);
      const types = ([] as unknown[]).concat(m.type ?? []);
      const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
      if (types.length === 0 || types.includes(kind) || (kind === 'number' && types.includes('integer'))) out.push(...this.branches(value, m));
    }
    return out;
  }

  private undocumented(value: unknown, s: Json, at: string, out: string[]): void {
    if (value === null || typeof value !== 'object') return;
    const schemas = this.branches(value, s);
    if (Array.isArray(value)) {
      const items = schemas.map((x) => x.items as Json | undefined).filter((x): x is Json => !!x);
      if (items.length) value.forEach((v, i) => this.undocumented(v, items.length === 1 ? items[0]! : { anyOf: items }, `${at}/${i}`, out));
      return;
    }
    // free-form objects (type object and nothing more, e.g. metadata) describe any key
    const composite = (x: Json) => x.allOf || x.anyOf || x.oneOf;
    const describing = schemas.filter((x) => x.properties !== undefined || x.additionalProperties !== undefined);
    if (schemas.some((x) => !composite(x) && x.properties === undefined && x.additionalProperties === undefined && ([] as unknown[]).concat(x.type ?? []).includes('object'))) return;
    if (describing.length === 0) return;
    for (const [k, v] of Object.entries(value)) {
      const props = describing.map((x) => (x.properties as Json | undefined)?.[k]).filter((x): x is Json => !!x);
      if (props.length) {
        this.undocumented(v, props.length === 1 ? props[0]! : { allOf: props }, `${at}/${k}`, out);
        continue;
      }
      const open = describing.map((x) => x.additionalProperties).filter((x) => x !== undefined && x !== false);
      if (open.length === 0) out.push(`${at}/${k}: not described by the schema`);
      else if (open.every((x) => typeof x === 'object')) this.undocumented(v, open.length === 1 ? (open[0] as Json) : { allOf: open as Json[] }, `${at}/${k}`, out);
    }
  }
}
