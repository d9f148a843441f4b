// The cdk8s-cli validation plugin's entry point (cdk8s-cli requires a local directory):
//
//   validations:
//     - package: ./node_modules/cdk8s-job-patterns/plugin
//       version: 0.0.1
//       class: JobPatternsValidation
//
// An installed package runs the compiled library. In a source checkout (the TypeScript sources
// are there) it runs them through ts-node, so this repository's own `cdk8s synth` never runs a
// stale build.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'lib', 'validation', 'cdk8s-plugin.ts');
if (fs.existsSync(source)) {
  require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
  module.exports = require(source);
} else {
  module.exports = require(path.join(root, 'dist-lib', 'lib', 'validation', 'cdk8s-plugin.js'));
}
