/**
 * The TypeScript snippets of README.md, CONTRIBUTING.md and docs/ (every folder), as one list:
 * test/readme.test.ts type-checks and runs each against what the line after it says it produces,
 * and test/e2e/real-node-snippets.test.ts runs the commands of their Jobs on a real node. One
 * extraction, so a snippet the docs gain is in both.
 */
import * as fs from 'fs';
import * as path from 'path';

export const root = path.resolve(__dirname, '..');

/** The Markdown files under `dir` (relative to the root), in every folder below it. */
export const markdownUnder = (dir: string): string[] => fs.readdirSync(path.join(root, dir), { withFileTypes: true })
  .flatMap(entry => entry.isDirectory() ? markdownUnder(`${dir}/${entry.name}`) : entry.name.endsWith('.md') ? [`${dir}/${entry.name}`] : [])
  .sort();
export const documents = ['README.md', 'CONTRIBUTING.md', ...markdownUnder('docs')];

export interface Snippet {
  /** `doc:line` of its opening fence. */
  readonly where: string;
  readonly code: string;
  /** What the line after it says it produces (`synth Job/pi-<hash> ...`, `prints ...`). */
  readonly expectation?: string;
  /** Its file name: `main.ts` when introduced as "`main.ts`:", else `snippet<n>.ts`. */
  readonly file: string;
}

export const snippets: Snippet[] = documents.flatMap(doc => {
  const text = fs.readFileSync(path.join(root, doc), 'utf-8');
  return [...text.matchAll(/(?:`([\w.]+\.ts)`:\n\n)?```ts\n([\s\S]*?)```\n(?:<!-- test: (.*?) -->)?/g)].map(m => ({
    where: `${doc}:${text.slice(0, m.index).split('\n').length}`,
    file: m[1],
    code: m[2],
    expectation: m[3],
  }));
}).map((s, i) => ({ ...s, file: s.file ?? `snippet${i}.ts` }));

/** The docs import the published package name; here it is the working tree. */
export const local = (code: string) => code
  .replace(/from 'cdk8s-job-patterns\/runtime'/g, `from '${root.replace(/\\/g, '/')}/runtime'`)
  .replace(/from 'cdk8s-job-patterns'/g, `from '${root.replace(/\\/g, '/')}/index'`);
