#!/usr/bin/env node
/*
 * Turns the official Kubernetes OpenAPI v2 document (api/openapi-spec/swagger.json of the Go module
 * k8s.io/kubernetes at a given tag) into the compact, strict JSON Schema the validator loads:
 * descriptions dropped, `additionalProperties: false` on every object with declared properties
 * (what `kubectl apply --validate=strict` enforces), IntOrString and Quantity made explicit, and
 * a map from apiVersion/kind to definition.
 *
 * Usage: node scripts/schema/generate.js [VERSION]   (default 1.28.15)
 * Then runs precompile.js (the validators of the kinds the library writes, compiled ahead of time).
 * Needs Go (the module is fetched through the Go module proxy); the output is committed, so
 * synth and tests never need the network.
 */
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const version = (process.argv[2] || '1.28.15').replace(/^v/, '');
const mod = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@v${version}`], { env: { ...process.env, GOFLAGS: '-mod=mod' } }).toString());
const source = path.join(mod.Dir, 'api', 'openapi-spec', 'swagger.json');
const raw = fs.readFileSync(source);
const swagger = JSON.parse(raw.toString());

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

function convert(schema) {
  if (Array.isArray(schema)) return schema.map(convert);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || key === 'x-kubernetes-group-version-kind' || key.startsWith('x-kubernetes-list') || key.startsWith('x-kubernetes-patch') || key === 'x-kubernetes-map-type' || key === 'x-kubernetes-unions') continue;
    if (key === '$ref') { out.$ref = value; continue; }
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
      continue;
    }
    out[key] = convert(value);
  }
  if (out.properties && out.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  // int32/int64/double/byte/date-time formats are not checked (the API server coerces them).
  delete out.format;
  delete out['x-kubernetes-preserve-unknown-fields'];
  delete out['x-kubernetes-embedded-resource'];
  delete out['x-kubernetes-int-or-string'];
  return out;
}

const definitions = {};
const kinds = {};
for (const [name, def] of Object.entries(swagger.definitions)) {
  definitions[name] = convert(def);
  for (const gvk of def['x-kubernetes-group-version-kind'] || []) {
    // Only definitions that are objects with apiVersion and kind are top-level kinds.
    if (!def.properties || !def.properties.kind || !def.properties.apiVersion) continue;
    const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    kinds[`${apiVersion}/${gvk.kind}`] = name;
  }
}
definitions[INT_OR_STRING] = { type: ['string', 'integer'] };
definitions[QUANTITY] = { type: ['string', 'number'] };

const out = {
  'x-source': `k8s.io/kubernetes@v${version} api/openapi-spec/swagger.json`,
  'x-source-sha256': crypto.createHash('sha256').update(raw).digest('hex'),
  'x-kubernetes-version': version,
  kinds,
  definitions,
};
const target = path.join(__dirname, '..', '..', 'lib', 'schema', `k8s-${version}.schema.json`);
fs.writeFileSync(target, JSON.stringify(out) + '\n');
console.log(`wrote ${target}: ${Object.keys(kinds).length} kinds, ${Object.keys(definitions).length} definitions, ${fs.statSync(target).size} bytes`);

// The validators of the kinds the library writes are compiled ahead of time from this schema.
execFileSync(process.execPath, [path.join(__dirname, 'precompile.js'), version], { stdio: 'inherit' });
