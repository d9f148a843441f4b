import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { KubernetesVersion } from '../core/kubernetes-version';

/**
 * The committed, generated schemas (scripts/schema/generate.js): no network at synth time. 1.28
 * has its own; 1.29-1.37 share the newest (the field maturity table, maturity.ts, says which
 * fields each of them lacks or drops). Each is loaded when a manifest first needs it.
 */
const SCHEMA_OF_MINOR = (minor: number) => (minor <= 28 ? '1.28.15' : '1.37.2');

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

/** One schema version: its document, its Ajv (for kinds not compiled ahead of time) and validators. */
interface Loaded {
  readonly document: SchemaDocument;
  readonly precompiled: Record<string, ValidateFunction>;
  readonly validators: Map<string, ValidateFunction>;
  ajv?: Ajv;
}

const loaded = new Map<string, Loaded>();

function load(minor: number): Loaded {
  const version = SCHEMA_OF_MINOR(minor);
  let entry = loaded.get(version);
  if (!entry) {
    entry = {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      document: require(`../schema/k8s-${version}.schema.json`) as SchemaDocument,
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      precompiled: require(`../schema/k8s-${version}.validators.js`) as Record<string, ValidateFunction>,
      validators: new Map(),
    };
    loaded.set(version, entry);
  }
  return entry;
}

/**
 * The validator of `kind`: compiled ahead of time for the kinds the library writes
 * (scripts/schema/precompile.js: compiling the Job schema costs every synth process 150-250 ms),
 * compiled by Ajv, with the same options, when first met otherwise.
 */
function validatorOf(schema: Loaded, kind: string, definition: string): ValidateFunction {
  let validate = schema.validators.get(kind);
  if (!validate) {
    validate = schema.precompiled[kind] ?? compile(schema, definition);
    schema.validators.set(kind, validate);
  }
  return validate;
}

function compile(schema: Loaded, definition: string): ValidateFunction {
  if (!schema.ajv) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Compiler = (require('ajv') as typeof import('ajv')).default;
    schema.ajv = new Compiler({ allErrors: true, strict: false, validateFormats: false });
    schema.ajv.addSchema({ definitions: schema.document.definitions }, 'k8s');
  }
  return schema.ajv.getSchema(`k8s#/definitions/${definition}`)!;
}

/** True when the schema of Kubernetes 1.`minor` knows `apiVersion`/`kind` (custom resources are not known). */
export function isKnownKind(apiVersion: string, kind: string, minor = KubernetesVersion.DEFAULT.minor): boolean {
  return load(minor).document.kinds[`${apiVersion}/${kind}`] !== undefined;
}

/**
 * Checks one object against the Kubernetes 1.`minor` schema, rejecting unknown fields as
 * `kubectl apply --validate=strict` does. Returns no problems for kinds the schema does not know.
 */
export function checkSchema(object: { apiVersion?: unknown; kind?: unknown }, minor = KubernetesVersion.DEFAULT.minor): SchemaProblem[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const schema = load(minor);
  const definition = schema.document.kinds[key];
  if (definition === undefined) {
    return [];
  }
  const validate = validatorOf(schema, key, definition);
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
