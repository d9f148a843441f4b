/**
 * The verifier's HTML report (`job-patterns verify --html`) in a real browser: Debian's Chromium
 * (installed by scripts/browser/ensure.sh when missing), driven by playwright-core, which never
 * downloads a browser. Each case runs the real CLI on the local control plane on a Job of the
 * example app (outcomes chosen by test-only annotations, docs/maintainers/control-plane.md), loads the HTML
 * it wrote and reads the rendered DOM: lanes = peak parallelism, one bar per pod the controller
 * created, bar colours by outcome, the deadline, no console error. Screenshots and pages go to
 * test-output/html-report/ (gitignored); docs/verify-report.png is a copy of all-cases.png.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { KubeConfig } from '@kubernetes/client-node';
import { Testing, Yaml } from 'cdk8s';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { buildExampleApp } from '../../examples/app';
import { jobBaseName } from '../../lib/core/gitops';
import { htmlReport, Manifest, VerifyOutcome, VerifyResult } from '../../runtime';
import { k8s } from '../../lib/runtime/k8s';
import { PodOutcome } from '../../lib/runtime/pods';
import { OUTCOME_COLOURS } from '../../lib/runtime/html-report';
import { formatSeconds } from '../../lib/runtime/timeline';
import { JobState } from '../../lib/runtime/verdict';
import { attempt, jobReport, verifyResult } from '../runtime/report-builders';
import { runCli as cli } from '../runtime/run-cli';
import { e2eMinor, kubeConfig, kubeconfigPath, restrictedNamespace, SimulatedOutcome, withOutcome } from './cluster';

// The functions given to page.evaluate() run in the browser. The project compiles without the DOM
// library (so that no library code can use it): these two are declared for this file only.
declare const document: any;
declare function getComputedStyle(element: any): { fill: string };

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'test-output', 'html-report');

/** Chromium flags: no network of its own (updates, sync, QUIC), no GPU, no sandbox (root). */
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const manifests = (() => {
  const app = Testing.app();
  buildExampleApp(app);
  return app.charts.flatMap(c => c.toJson()) as Manifest[];
})();

/** The example app's Job of that base name, and the ConfigMaps its pods mount. */
function exampleJob(name: string): { job: Manifest; configMaps: Manifest[] } {
  const [job, ...more] = manifests.filter(m => m.kind === 'Job' && jobBaseName(m) === name);
  if (!job || more.length > 0) throw new Error(`the example app has ${more.length + (job ? 1 : 0)} Job(s) named ${name}, expected 1`);
  const mounted = new Set((job.spec.template.spec.volumes ?? []).map((v: any) => v.configMap?.name).filter(Boolean));
  return { job, configMaps: manifests.filter(m => m.kind === 'ConfigMap' && mounted.has(m.metadata.name)) };
}

/** What the page must show for a case. */
interface Expected {
  readonly lanes: number;
  readonly pods: number;
  readonly outcomes: Partial<Record<PodOutcome, number>>;
  /** Seconds from the Job's start of a deadline drawn to scale; undefined: noted off the chart. */
  readonly deadlineSeconds?: number;
  readonly restarts?: number;
  readonly failedIndexes?: string;
  /** Indexed Jobs: the index of every bar (each bar is labelled `#<index>`). */
  readonly indexes?: number[];
}

interface Case {
  readonly name: string;
  readonly seed: string;
  readonly outcome: SimulatedOutcome;
  /** Changes to the Job's spec for this case. */
  readonly spec?: Record<string, unknown>;
  readonly exitCode: number;
  readonly expected: Expected;
}

const CASES: Case[] = [
  {
    // Slowest first (test.concurrent starts them in order): the deadline cuts in at 100 s.
    name: 'pi-with-timeout', seed: 'pi-with-timeout', outcome: { duration: '150s' }, exitCode: 1,
    expected: { lanes: 1, pods: 1, outcomes: { [PodOutcome.KILLED]: 1 }, deadlineSeconds: 100 },
  },
  {
    // Back-off 10 + 20 + 40 s between 4 failed attempts.
    name: 'unlucky-never', seed: 'unlucky-never', outcome: { exitCode: 1 }, exitCode: 1,
    expected: { lanes: 1, pods: 4, outcomes: { [PodOutcome.FAILED]: 4 } },
  },
  {
    // One pod, restarted in place 3 times, then deleted by the controller.
    name: 'unlucky-onfailure', seed: 'unlucky-onfailure', outcome: { exitCode: 1, duration: '3s' }, exitCode: 1,
    expected: { lanes: 1, pods: 1, outcomes: { [PodOutcome.KILLED]: 1 }, restarts: 3 },
  },
  {
    name: 'even-seconds', seed: 'even-seconds', outcome: {}, exitCode: 0,
    expected: { lanes: 2, pods: 6, outcomes: { [PodOutcome.SUCCEEDED]: 6 } },
  },
  {
    // Indexes 0-2 run first (parallelism 3), then 3 and 4; index 3 fails twice (backoffLimit 1).
    name: 'indexed-job with a failed index', seed: 'indexed-job', outcome: { failIndexes: [3], exitCode: 3 }, spec: { backoffLimit: 1 }, exitCode: 1,
    expected: {
      lanes: 3, pods: 6, outcomes: { [PodOutcome.SUCCEEDED]: 4, [PodOutcome.FAILED]: 2 },
      failedIndexes: 'indexes with failed attempts: 3 (2×)',
      indexes: [0, 1, 2, 3, 3, 4],
    },
  },
];

/** What the page shows, read from the DOM. */
interface Rendered {
  readonly lanes: number;
  readonly svgLanes: string | null;
  readonly bars: Array<{ name: string; outcome: string; fill: string; width: number; lane: number; restarts: number; index: string | null; label: string | null }>;
  readonly deadlineLine: { x: number; label: string } | null;
  readonly deadlineNote: string | null;
  readonly failedIndexes: string | null;
  readonly killedEnd: number | null;
}

async function readJob(page: Page, job: string): Promise<Rendered> {
  return page.evaluate((name) => {
    const section = document.querySelector(`details.job[data-job="${name}"]`)!;
    const svg = section.querySelector('svg.timeline')!;
    const bars = [...svg.querySelectorAll('g.pod')].map(g => {
      const bar = g.querySelector('rect.bar')!;
      return {
        name: g.getAttribute('data-name')!,
        outcome: g.getAttribute('data-outcome')!,
        fill: getComputedStyle(bar).fill,
        width: bar.getBoundingClientRect().width,
        lane: Number(g.getAttribute('data-lane')),
        restarts: g.querySelectorAll('line.restart').length,
        index: g.getAttribute('data-index'),
        label: g.querySelector('text.bar-label')?.textContent ?? null,
      };
    });
    const deadline = svg.querySelector('g.deadline');
    const killed = svg.querySelector('g.pod.killed rect.bar');
    return {
      lanes: svg.querySelectorAll('rect.lane').length,
      svgLanes: svg.getAttribute('data-lanes'),
      bars,
      deadlineLine: deadline ? { x: Number(deadline.querySelector('line')!.getAttribute('x1')), label: deadline.querySelector('text')!.textContent ?? '' } : null,
      deadlineNote: svg.querySelector('text.deadline-off-chart')?.textContent ?? null,
      failedIndexes: section.querySelector('.failed-indexes')?.textContent ?? null,
      killedEnd: killed ? Number(killed.getAttribute('x')) + Number(killed.getAttribute('width')) : null,
    };
  }, job);
}

function rgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
}

let kc: KubeConfig;
let browser: BrowserContext;
let profile: string;
/** Each case's folder of YAML, removed after the suite. */
const folders: string[] = [];
/** By case name. */
const results = new Map<string, VerifyResult>();

beforeAll(async () => {
  kc = kubeConfig();
  fs.mkdirSync(OUT, { recursive: true });
  const ensure = spawnSync('bash', [path.join(ROOT, 'scripts', 'browser', 'ensure.sh')], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (ensure.status !== 0) throw new Error(`scripts/browser/ensure.sh exited ${ensure.status}: no Chromium to test the HTML report with`);
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: ensure.stdout.trim().split('\n').pop(),
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 },
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens an HTML file; collects console errors and page errors. */
async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', e => errors.push(`pageerror: ${e.message}`));
  await page.goto(`file://${file}`);
  return { page, errors };
}

const slug = (name: string) => name.replace(/[^a-z0-9]+/g, '-');

// The page draws the verifier's data, which the other suites check on every version: it runs on
// 1.28 only (it costs about 105 s), and says so on the others.
const onOneVersion = e2eMinor === 28 ? describe : describe.skip;

onOneVersion(`job-patterns verify --html, in Chromium${e2eMinor === 28 ? '' : ' (skipped on 1.' + e2eMinor + ': run on 1.28 only, the picture does not depend on the version)'}`, () => {
  for (const c of CASES) {
    test.concurrent(`${c.name}: lanes = peak parallelism, a bar per pod created, coloured by outcome`, async () => {
      // GIVEN a Job of the example app with its simulated outcome, written as YAML
      const { job: seed, configMaps } = exampleJob(c.seed);
      const job = withOutcome({ ...seed, spec: { ...seed.spec, ...c.spec } }, c.outcome);
      const namespace = await restrictedNamespace(kc, `html-${slug(c.seed)}`.slice(0, 30));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-patterns-html-'));
      folders.push(dir);
      fs.writeFileSync(path.join(dir, 'app.k8s.yaml'), Yaml.stringify(...configMaps, job));
      const html = path.join(OUT, `${slug(c.name)}.html`);
      const summary = path.join(OUT, `${slug(c.name)}.md`);
      fs.rmSync(summary, { force: true });

      // WHEN the CLI applies and verifies it, writing the HTML report and the Markdown summary
      const kubeconfig = kubeconfigPath;
      const run = await cli('verify', '--apply', dir, '--kubeconfig', kubeconfig, '-n', namespace, '--timeout', '3m', '--html', html, '--summary', summary, '-o', 'json', '--log-lines', '0');
      expect(run.stderr).toBe('');
      const result = JSON.parse(run.stdout) as VerifyResult;
      results.set(c.name, result);
      expect(run.code).toBe(c.exitCode);
      const report = result.jobs[0];

      // THEN the page, as Chromium renders it, shows what the controller did
      const { page, errors } = await open(html);
      const shown = await readJob(page, job.metadata.name);
      await page.screenshot({ path: path.join(OUT, `${slug(c.name)}.png`), fullPage: true });
      await page.close();
      expect(errors).toEqual([]);

      // Lanes: the book's parallelism, the most pods the verifier saw running at once.
      expect([shown.lanes, shown.svgLanes]).toEqual([c.expected.lanes, String(c.expected.lanes)]);
      expect(report.stats.maxRunning).toBe(c.expected.lanes);
      // Bars: one per pod the controller created; those still in the cluster by name.
      expect(shown.bars).toHaveLength(c.expected.pods);
      expect(report.stats.podsCreated).toBe(c.expected.pods);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const left = (await core.listNamespacedPod({ namespace, labelSelector: `job-name=${job.metadata.name}` })).items.map(p => p.metadata!.name!);
      expect(shown.bars.map(b => b.name)).toEqual(expect.arrayContaining(left));
      // Colours by outcome, each bar visible.
      const byOutcome: Record<string, number> = {};
      for (const bar of shown.bars) {
        byOutcome[bar.outcome] = (byOutcome[bar.outcome] ?? 0) + 1;
        expect([bar.outcome, bar.fill]).toEqual([bar.outcome, rgb(OUTCOME_COLOURS[bar.outcome as PodOutcome])]);
        expect(bar.width).toBeGreaterThan(0);
      }
      expect(byOutcome).toEqual(c.expected.outcomes);
      expect(shown.bars.reduce((n, b) => n + b.restarts, 0)).toBe(c.expected.restarts ?? 0);
      // The deadline: a line at its time when it cut in, else a note.
      if (c.expected.deadlineSeconds !== undefined) {
        expect(shown.deadlineLine?.label).toBe(`deadline ${formatSeconds(c.expected.deadlineSeconds)}`);
        // The killed bar ends (1 px short) at the deadline line: the controller killed it then.
        expect(Math.abs(shown.deadlineLine!.x - 1 - shown.killedEnd!)).toBeLessThanOrEqual(8);
      } else {
        expect(shown.deadlineLine).toBeNull();
        expect(shown.deadlineNote).toBe(`deadline at ${formatSeconds(job.spec.activeDeadlineSeconds)} (off the chart) →`);
      }
      if (c.expected.failedIndexes) expect(shown.failedIndexes).toBe(c.expected.failedIndexes);
      if (c.expected.indexes) {
        expect(shown.bars.map(b => Number(b.index)).sort()).toEqual(c.expected.indexes);
        for (const bar of shown.bars) expect(bar.label).toMatch(new RegExp(`^#${bar.index}( exit 3)?$`));
      }

      // The Markdown summary has the Job's row.
      const md = fs.readFileSync(summary, 'utf-8');
      expect(md).toContain(`| \`${namespace}/${job.metadata.name}\` | ${report.verdict.state}${report.verdict.reason ? ` (${report.verdict.reason})` : ''} | ${c.expected.pods} | ${c.expected.lanes} |`);
    }, 240_000);
  }

  test('all cases in one page (docs/verify-report.png is a copy of its screenshot), and it renders with every request blocked', async () => {
    // GIVEN the results of the cases above, in one report
    expect([...results.keys()].sort()).toEqual(CASES.map(c => c.name).sort());
    const ordered = CASES.map(c => results.get(c.name)!);
    const failed = ordered.filter(r => r.outcome !== VerifyOutcome.CONVERGED);
    const all: VerifyResult = {
      ...failed[0],
      summary: `${failed.length} of ${ordered.length} Jobs of the example app did not converge (each in its own namespace, run at the same time)`,
      jobs: ordered.flatMap(r => r.jobs),
      groups: ordered.flatMap(r => r.groups),
      durationMs: Math.max(...ordered.map(r => r.durationMs)),
      finishedAt: new Date(Math.max(...ordered.map(r => Date.parse(r.finishedAt)))).toISOString(),
    };
    const file = path.join(OUT, 'all-cases.html');
    fs.writeFileSync(file, htmlReport(all));

    // WHEN Chromium loads it with every request aborted
    const blocked: string[] = [];
    const page = await browser.newPage();
    await page.route('**/*', route => {
      const url = route.request().url();
      if (url === `file://${file}`) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    const errors: string[] = [];
    page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`file://${file}`);
    await page.screenshot({ path: path.join(OUT, 'all-cases.png'), fullPage: true });

    // THEN it asked for nothing and drew every Job
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    const drawn = await page.evaluate(() => [...document.querySelectorAll('svg.timeline')].map(svg => svg.querySelectorAll('g.pod').length));
    expect(drawn).toEqual(ordered.map(r => r.jobs[0].stats.podsCreated));
    await page.close();
  });

  test('usable on a 1280-px screen: 100 Jobs collapsed in groups, and one Job of 200 pods', async () => {
    // GIVEN 100 template-expansion Jobs (one failed) in 4 groups, and a Job that ran 200 pods, 20 at a time
    const many = Array.from({ length: 100 }, (_, i) => jobReport(`process-item-${i}-0a1b2c3d`, [attempt(`process-item-${i}-0a1b2c3d-x7k2p`, i % 7, (i % 7) + 5, i === 42 ? PodOutcome.FAILED : PodOutcome.SUCCEEDED)],
      i === 42 ? { state: JobState.FAILED, reason: 'BackoffLimitExceeded' } : {}, {}, { group: `process-item-${Math.floor(i / 25)}` }));
    const wide = jobReport('wide', Array.from({ length: 200 }, (_, i) => attempt(`wide-${i}`, Math.floor(i / 20) * 6, Math.floor(i / 20) * 6 + 5, PodOutcome.SUCCEEDED)), {}, { completions: 200, parallelism: 20 });
    const pages = { many: path.join(OUT, 'synthetic-100-jobs.html'), wide: path.join(OUT, 'synthetic-200-pods.html') };
    fs.writeFileSync(pages.many, htmlReport(verifyResult(many)));
    fs.writeFileSync(pages.wide, htmlReport(verifyResult([wide])));

    // WHEN Chromium shows them in a 1280 x 800 window
    const { page, errors } = await open(pages.many);
    const before = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      height: document.documentElement.scrollHeight,
      openGroups: [...document.querySelectorAll('details.group[open]')].map(d => d.getAttribute('data-group')),
      visibleTimelines: [...document.querySelectorAll('svg.timeline')].filter(svg => svg.checkVisibility()).length,
    }));
    await page.screenshot({ path: path.join(OUT, 'synthetic-100-jobs.png'), fullPage: true });
    await page.click('details.group[data-group="template expansion process-item-0"] > summary');
    const opened = await page.evaluate(() => document.querySelectorAll('details.group[data-group="template expansion process-item-0"] details.job').length);
    await page.goto(`file://${pages.wide}`);
    const wideShown = await page.evaluate(() => {
      const svg = document.querySelector('svg.timeline');
      return {
        scrollWidth: document.documentElement.scrollWidth,
        svgHeight: svg.getBoundingClientRect().height,
        lanes: svg.querySelectorAll('rect.lane').length,
        bars: [...svg.querySelectorAll('g.pod rect.bar')].map(r => r.getBoundingClientRect()).filter(b => b.width >= 2 && b.height >= 3).length,
      };
    });
    await page.screenshot({ path: path.join(OUT, 'synthetic-200-pods.png'), fullPage: true });
    await page.close();

    // THEN nothing scrolls sideways; 100 Jobs are a short list, only the failed one's group and timeline open
    expect(errors).toEqual([]);
    expect(before.scrollWidth).toBeLessThanOrEqual(1280);
    expect(before.openGroups).toEqual(['template expansion process-item-1']);
    expect(before.visibleTimelines).toBe(1);
    expect(before.height).toBeLessThan(2 * 800);
    expect(opened).toBe(25);
    // ... and the 200 pods in 20 lanes, every bar visible, in less than a screen
    expect(wideShown).toEqual({ scrollWidth: expect.any(Number), svgHeight: expect.any(Number), lanes: 20, bars: 200 });
    expect(wideShown.scrollWidth).toBeLessThanOrEqual(1280);
    expect(wideShown.svgHeight).toBeLessThanOrEqual(800);
  });
});
