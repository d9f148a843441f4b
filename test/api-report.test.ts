// The public API is what api/*.api.md says it is: a change to an export, a prop or a signature
// fails here until the report is updated (`npm run api`) and committed, so every change to the
// API shows up in review.
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..');

test('the public API matches the checked-in API reports (api/*.api.md)', () => {
  const check = spawnSync(process.execPath, [path.join(root, 'scripts', 'package', 'api-report.js')], { cwd: root, encoding: 'utf-8' });
  expect(`${check.stderr}${check.stdout}`.split('\n').filter(line => !line.startsWith('Analysis will use'))).toEqual(['']);
  expect(check.status).toBe(0);
}, 120_000);
