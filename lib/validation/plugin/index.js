// Entry point cdk8s-cli loads (it requires a local directory). Uses the compiled library when it
// exists (an installed package), else the TypeScript sources through ts-node (this repository).
const fs = require('fs');
const path = require('path');

const compiled = path.join(__dirname, '..', '..', '..', 'dist-lib', 'lib', 'validation', 'cdk8s-plugin.js');
if (fs.existsSync(compiled)) {
  module.exports = require(compiled);
} else {
  require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', '..', '..', 'tsconfig.json') });
  module.exports = require('../cdk8s-plugin.ts');
}
