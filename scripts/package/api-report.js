#!/usr/bin/env node
// The public API as reviewers see it: api-extractor's report of each entry point of the package
// (api/cdk8s-job-patterns.api.md for `cdk8s-job-patterns`, api/runtime.api.md for
// `cdk8s-job-patterns/runtime`), made from the type declarations the package ships.
//
//   node scripts/package/api-report.js           checks: exits 1 (and prints the diff) when the API changed
//   node scripts/package/api-report.js --update  rewrites the reports (npm run api); commit them
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor');

const root = path.resolve(__dirname, '..', '..');
const update = process.argv.includes('--update');
const ENTRY_POINTS = [
  { declarations: 'index.d.ts', report: 'cdk8s-job-patterns' },
  { declarations: 'runtime.d.ts', report: 'runtime' },
];

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-api-'));
try {
  // The declarations exactly as `npm pack` builds them (tsconfig.build.json: stripInternal).
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'),
    '--emitDeclarationOnly', '--outDir', path.join(work, 'types')], { cwd: root, stdio: 'inherit' });

  let changed = [];
  for (const entry of ENTRY_POINTS) {
    const config = ExtractorConfig.prepare({
      configObjectFullPath: path.join(root, 'api', 'api-extractor.json'),
      packageJsonFullPath: path.join(root, 'package.json'),
      configObject: {
        projectFolder: root,
        mainEntryPointFilePath: path.join(work, 'types', entry.declarations),
        compiler: {
          overrideTsconfig: {
            compilerOptions: { strict: true, esModuleInterop: true, skipLibCheck: true, resolveJsonModule: true, target: 'ES2022', module: 'commonjs', types: ['node'] },
            include: [path.join(work, 'types', '**', '*.d.ts')],
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: `${entry.report}.api.md`,
          reportFolder: path.join(root, 'api'),
          reportTempFolder: path.join(work, 'reports'),
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        // Every message is a warning that fails the run (below), and none goes into the report
        // (they can name the temporary directory, which would make the report differ every run).
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning', addToApiReportFile: false } },
          extractorMessageReporting: {
            default: { logLevel: 'warning', addToApiReportFile: false },
            // Release tags (@public, @beta) are not used: everything exported is public.
            'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
            // Doc comments link members as {@link name}, which TypeScript resolves and TSDoc does not.
            'ae-unresolved-link': { logLevel: 'none', addToApiReportFile: false },
            // Every public member has a doc comment: one without (marked `// (undocumented)` in the
            // report) is an error. api-extractor raises it only while writing the report (enabled above).
            'ae-undocumented': { logLevel: 'error', addToApiReportFile: false },
          },
          tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
        },
      },
    });
    let problems = 0;
    const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false, messageCallback: message => {
      if (message.messageId.startsWith('console-')) {
        // A changed report is said below, once.
        message.handled = message.messageId.startsWith('console-api-report-');
      } else if (message.logLevel === 'warning' || message.logLevel === 'error') {
        problems++;
      }
    } });
    if (result.apiReportChanged) changed.push(entry.report);
    if (problems > 0) {
      process.stderr.write(`api-extractor found ${problems} problem(s) in ${entry.declarations} (above): fix them (a type of the public API that is not exported, a member without a doc comment, ...).\n`);
      process.exitCode = 1;
    }
  }
  if (changed.length > 0 && !update) {
    for (const name of changed) {
      const expected = path.join(root, 'api', `${name}.api.md`);
      const actual = path.join(work, 'reports', `${name}.api.md`);
      try {
        execFileSync('diff', ['-u', expected, actual], { stdio: 'inherit' });
      } catch { /* diff exits 1 when the files differ: its output is the point */ }
    }
    process.stderr.write(`The public API changed (${changed.map(n => `api/${n}.api.md`).join(', ')}): review the diff above, then run \`npm run api\` and commit the report.\n`);
    process.exitCode = 1;
  } else if (update) {
    process.stdout.write(changed.length > 0 ? `updated ${changed.map(n => `api/${n}.api.md`).join(', ')}\n` : 'the API reports are up to date\n');
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
