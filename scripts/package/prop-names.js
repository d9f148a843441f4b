#!/usr/bin/env node
// The prop names of every construct the package exports, and which of them are required, read
// from its TypeScript declarations (the props interfaces, inherited props included) into
// lib/core/prop-names.json, so that a JavaScript user's typo (`backofLimit`) or missing prop is an
// error at construct time. The interfaces stay the one place props are declared: this is derived.
// It also records each prop's KIND (a string, a number, a list of X, an enum value, an instance of
// a class such as Duration or WorkItems and the static factories that make one, a plain object of
// known props, a map of X by name), so that a JavaScript user's wrong kind (`command: 'echo hi'`,
// `gitOps: 'none'`) is an error too, instead of a TypeError or silent wrong YAML.
//
//   node scripts/package/prop-names.js          rewrites lib/core/prop-names.json
//   node scripts/package/prop-names.js --check  exits 1 when it is out of date (a test runs this)
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..', '..');
const target = path.join(root, 'lib', 'core', 'prop-names.json');

const program = ts.createProgram([path.join(root, 'index.ts')], { strict: true, esModuleInterop: true, skipLibCheck: true, resolveJsonModule: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS });
const checker = program.getTypeChecker();
const entry = checker.getSymbolAtLocation(program.getSourceFile(path.join(root, 'index.ts')));

/** A props type's names, and those of them that are required (not optional). */
const names = type => {
  const all = checker.getPropertiesOfType(type);
  return {
    props: all.map(p => p.getName()).sort(),
    required: all.filter(p => !(p.flags & ts.SymbolFlags.Optional)).map(p => p.getName()).sort(),
  };
};
/** Plain-object types (props interfaces) by name, with each prop's kind: filled by `kindOf`. */
const types = {};
/** How deep plain-object types are followed (container -> resources -> cpu); deeper is "an object". */
const MAX_DEPTH = 3;
const isMethod = symbol => Boolean(symbol.flags & ts.SymbolFlags.Method);
/** Where a declaration comes from: 'cdk8s', 'cdk8s-plus' or '' (this library). */
const packageOf = symbol => {
  const file = symbol.declarations?.[0]?.getSourceFile().fileName ?? '';
  const match = /node_modules\/(cdk8s-plus|cdk8s)[^/]*\//.exec(file);
  return match ? match[1] : '';
};

/** The kind of a (non-nullable) type, as lib/core/props.ts checks it; 'any' when it cannot tell. */
function kindOf(type, depth) {
  if (type.flags & ts.TypeFlags.StringLike && !(type.flags & ts.TypeFlags.EnumLiteral)) return 'string';
  if (type.flags & ts.TypeFlags.NumberLike && !(type.flags & ts.TypeFlags.EnumLiteral)) return 'number';
  if (type.flags & ts.TypeFlags.BooleanLike) return 'boolean';
  const symbol = type.aliasSymbol ?? type.getSymbol();
  if (type.flags & ts.TypeFlags.EnumLike || (type.isUnion() && type.types.every(t => t.flags & ts.TypeFlags.EnumLiteral))) {
    // A union of members, or one member (an enum of one value is that value's type).
    const member = type.isUnion() ? type.types[0].getSymbol() : symbol;
    const enumSymbol = member.flags & ts.SymbolFlags.EnumMember ? member.parent : member;
    const values = checker.getExportsOfModule(enumSymbol).map(member => [member.getName(), checker.getTypeOfSymbolAtLocation(member, member.valueDeclaration).value]);
    return { enum: enumSymbol.getName(), values: Object.fromEntries(values) };
  }
  if (type.isUnion()) return 'any';
  if (checker.isArrayType(type)) return { array: kindOf(checker.getNonNullableType(checker.getTypeArguments(type)[0]), depth) };
  const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
  if (index && checker.getPropertiesOfType(type).length === 0) return { map: kindOf(checker.getNonNullableType(index.type), depth) };
  if (!symbol || !(type.flags & ts.TypeFlags.Object)) return 'any';
  const name = symbol.getName();
  const members = checker.getPropertiesOfType(type);
  if (symbol.flags & ts.SymbolFlags.Class) {
    // Checked by a method every instance has (a copy of the class from another install passes too),
    // and made by the static methods that return one.
    const classType = checker.getTypeOfSymbolAtLocation(symbol, symbol.valueDeclaration);
    const factories = checker.getPropertiesOfType(classType)
      .filter(s => isMethod(s) && !s.getName().startsWith('_')
        && checker.getSignaturesOfType(checker.getTypeOfSymbolAtLocation(s, s.valueDeclaration), ts.SignatureKind.Call)
          .some(sig => checker.getReturnTypeOfSignature(sig).getSymbol() === symbol))
      .map(s => s.getName());
    const method = members.find(s => isMethod(s) && !(s.getName() in Object.prototype));
    return { class: name, package: packageOf(symbol), ...(method ? { method: method.getName() } : {}), factories };
  }
  // An interface a class implements (IServiceAccount) or one with methods: any such object.
  if (/^I[A-Z]/.test(name) || members.some(isMethod)) return { instance: name, package: packageOf(symbol) };
  if (depth >= MAX_DEPTH) return { object: name };
  if (!types[name]) {
    types[name] = { props: {}, required: [] };
    const props = {};
    for (const member of [...members].sort((a, b) => a.getName().localeCompare(b.getName()))) {
      props[member.getName()] = kindOf(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(member, member.valueDeclaration)), depth + 1);
    }
    types[name] = { props, required: members.filter(p => !(p.flags & ts.SymbolFlags.Optional)).map(p => p.getName()).sort() };
  }
  return { object: name };
}
/** The kind of every prop of a props type. */
const kinds = type => Object.fromEntries(checker.getPropertiesOfType(type)
  .sort((a, b) => a.getName().localeCompare(b.getName()))
  .map(p => [p.getName(), kindOf(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, p.valueDeclaration)), 1)]));

const result = {};
for (const exported of checker.getExportsOfModule(entry)) {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
  const classType = checker.getTypeOfSymbolAtLocation(symbol, symbol.valueDeclaration);
  for (const signature of classType.getConstructSignatures()) {
    // Constructs only: (scope, id, props).
    const [scope, , props] = signature.getParameters();
    if (!props || scope.getName() !== 'scope') continue;
    const propsType = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(props, props.valueDeclaration));
    result[exported.getName()] = { ...names(propsType), kinds: kinds(propsType) };
  }
}
const text = `${JSON.stringify({ constructs: result, types: Object.fromEntries(Object.entries(types).sort()) }, undefined, 2)}\n`;

if (process.argv.includes('--check')) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf-8') : '';
  if (current !== text) {
    process.stderr.write(`${path.relative(root, target)} is out of date: run node scripts/package/prop-names.js\n`);
    process.exitCode = 1;
  }
} else {
  fs.writeFileSync(target, text);
  process.stdout.write(`wrote ${path.relative(root, target)}: ${Object.keys(result).length} constructs\n`);
}
