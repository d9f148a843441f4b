// Entry point cdk8s-cli loads (it requires a local directory). In a source checkout it runs the
// TypeScript sources through ts-node, so it never runs a stale build; an installed package ships
// only the compiled library.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..', '..');
const source = path.join(__dirname, '..', 'cdk8s-plugin.ts');
if (fs.existsSync(source)) {
  require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
  module.exports = require(source);
} else {
  module.exports = require(path.join(root, 'dist-lib', 'lib', 'validation', 'cdk8s-plugin.js'));
}
