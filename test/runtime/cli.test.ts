import { runCli as cli } from './run-cli';

describe('job-patterns verify: report files', () => {
  test.each(['--html', '--summary', '--junit'])('fails when %s names a file in a directory that does not exist, before verifying', async flag => {
    // GIVEN / WHEN (no cluster is needed: the path is checked first)
    const result = await cli('verify', '--selector', 'a=b', flag, '/nonexistent/reports/out.file');
    // THEN
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`job-patterns verify: ${flag} /nonexistent/reports/out.file: the directory /nonexistent/reports does not exist; create it first or give a file in an existing directory\n`);
  });
});
