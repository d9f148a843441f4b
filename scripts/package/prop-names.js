#!/usr/bin/env node
// The prop names of every construct the package exports, and which of them are required, read
// from its TypeScript declarations (the props interfaces, inherited props included) into
// lib/core/prop-names.json, so that a JavaScript user's typo (`backofLimit`) or missing prop is an
// error at construct time. The interfaces stay the one place props are declared: this is derived.
//
//   node scripts/package/prop-names.js          rewrites lib/core/prop-names.json
//   node scripts/package/prop-names.js --check  exits 1 when it is out of date (a test runs this)
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..', '..');
const target = path.join(root, 'lib', 'core', 'prop-names.json');
/** Props whose value is an object the library reads key by key, checked one level down too. */
const NESTED = { container: 'ContainerProps', metadata: 'ApiObjectMetadata' };

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
const result = {};
const nested = {};
for (const exported of checker.getExportsOfModule(entry)) {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
  const classType = checker.getTypeOfSymbolAtLocation(symbol, symbol.valueDeclaration);
  for (const signature of classType.getConstructSignatures()) {
    // Constructs only: (scope, id, props).
    const [scope, , props] = signature.getParameters();
    if (!props || scope.getName() !== 'scope') continue;
    const propsType = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(props, props.valueDeclaration));
    result[exported.getName()] = names(propsType);
    for (const [prop, label] of Object.entries(NESTED)) {
      const member = propsType.getProperty(prop);
      if (member) nested[label] = names(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(member, member.valueDeclaration)));
    }
  }
}
const text = `${JSON.stringify({ constructs: result, nested }, undefined, 2)}\n`;

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
