import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
// The committed, generated schema (scripts/schema/generate.js): no network at synth time.
import SCHEMA from './k8s-1.28.15.schema.json';

/** The Kubernetes version whose API schema manifests are checked against. */
export const SCHEMA_KUBERNETES_VERSION = '1.28.15';

interface SchemaDocument {
  readonly kinds: Record<string, string>;
  readonly definitions: Record<string, unknown>;
}

/** One schema problem: where in the object, and what. */
export interface SchemaProblem {
  /** JSON path in the object, e.g. `spec.template.spec.containers[0].imagePullPolicy`. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

let document: SchemaDocument | undefined;
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function load(): SchemaDocument {
  document ??= SCHEMA as unknown as SchemaDocument;
  return document;
}

/**
 * The validator of `kind`: compiled ahead of time for the kinds the library writes
 * (scripts/schema/precompile.js: compiling the Job schema costs every synth process 150-250 ms),
 * compiled by Ajv, with the same options, when first met otherwise.
 */
function validatorOf(kind: string, definition: string): ValidateFunction {
  let validate = validators.get(kind);
  if (!validate) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const precompiled = (require('./k8s-1.28.15.validators.js') as Record<string, ValidateFunction>)[kind];
    validate = precompiled ?? compile(definition);
    validators.set(kind, validate);
  }
  return validate;
}

function compile(definition: string): ValidateFunction {
  if (!ajv) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Compiler = (require('ajv') as typeof import('ajv')).default;
    ajv = new Compiler({ allErrors: true, strict: false, validateFormats: false });
    ajv.addSchema({ definitions: load().definitions }, 'k8s');
  }
  return ajv.getSchema(`k8s#/definitions/${definition}`)!;
}

/** True when the schema knows `apiVersion`/`kind` (custom resources are not known). */
export function isKnownKind(apiVersion: string, kind: string): boolean {
  return load().kinds[`${apiVersion}/${kind}`] !== undefined;
}

/**
 * Checks one object against the Kubernetes schema, rejecting unknown fields as
 * `kubectl apply --validate=strict` does. Returns no problems for kinds the schema does not know.
 */
export function checkSchema(object: { apiVersion?: unknown; kind?: unknown }): SchemaProblem[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const definition = load().kinds[key];
  if (definition === undefined) {
    return [];
  }
  const validate = validatorOf(key, definition);
  if (validate(object)) {
    return [];
  }
  return dedupe(validate.errors ?? []).map(describe);
}

// anyOf/oneOf-free schema: one error per (path, keyword, param) is enough.
function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter(e => {
    const id = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    return seen.has(id) ? false : (seen.add(id), true);
  });
}

function describe(error: ErrorObject): SchemaProblem {
  const base = toPath(error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = (error.params as { additionalProperty: string }).additionalProperty;
      return { path: join(base, field), message: `unknown field "${field}"` };
    }
    case 'required': {
      const field = (error.params as { missingProperty: string }).missingProperty;
      return { path: join(base, field), message: `required field "${field}" is missing` };
    }
    case 'type':
      return { path: base, message: `must be of type ${[(error.params as { type: string | string[] }).type].flat().join(' or ')}` };
    default:
      return { path: base, message: error.message ?? error.keyword };
  }
}

/** `/spec/template/spec/containers/0/name` -> `spec.template.spec.containers[0].name` */
export function toPath(pointer: string): string {
  return pointer.split('/').slice(1).map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => /^\d+$/.test(part) ? `${acc}[${part}]` : join(acc, part), '');
}

function join(base: string, field: string): string {
  return base === '' ? field : `${base}.${field}`;
}
