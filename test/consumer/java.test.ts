// The construct library in a Java cdk8s app: the jar jsii-pacmak builds from this checkout
// (scripts/package/java.js), in a Maven app beside cdk8s, cdk8s-plus-28 and constructs at the
// versions the npm side is tested with (constructs and the jsii runtime from Maven Central; cdk8s
// and cdk8s-plus-28, which Central lacks at those versions, built here by jsii-pacmak from their npm
// assemblies, as their team builds them). The app (test/consumer/java) writes one Job of every
// pattern, and `cdk8s synth` (with the validation plugin in its cdk8s.yaml) must write the YAML the
// same chart in TypeScript (test/consumer/python/chart.ts) writes, byte for byte. The README's first
// chart, translated to Java in docs/java.md, must write what the README's TypeScript writes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { argoCdKueueSettings } from '../../index';
import { expectBadJobRefused, expectTwinYaml, snippetAfter, synthReadmeTypeScript, writeCdk8sYaml, yamlIn } from './twin';
import { cleanUp, root, runOk, tempDir, withPackLock } from './user-app';

// A Node script (scripts/package/java.js), also run by hand: required, it has no types.
const { buildJar, seedRepository, saveDownloads } = require('../../scripts/package/java');

// Cold: the peers' jars 3-5 min, then as warm. Warm: the jar 30-60 s (jsii compile, npm pack, Maven),
// the app's `mvn compile` 10-20 s, each synth 5-10 s.
jest.setTimeout(20 * 60_000);

/** An app's `cdk8s.yaml` command: Java on the class path `mvn compile` wrote (docs/java.md says why not `mvn exec:java`). */
const javaApp = (mainClass: string) => `java -cp "target/classes:$(cat target/classpath.txt)" ${mainClass}`;

let work: string;
let app: string;
const env = {
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0],
  // jsii's Java runtime unpacks itself into a folder of java.io.tmpdir at every start and leaves the
  // folder there (docs/java.md); the JVM reads /tmp, not TMPDIR: the run's folder, removed at its end.
  JAVA_TOOL_OPTIONS: [process.env.JAVA_TOOL_OPTIONS, `-Djava.io.tmpdir=${os.tmpdir()}`].filter(Boolean).join(' '),
};

beforeAll(() => {
  work = tempDir('java');
  // Maven's local repository for this run: a copy of the cached one, so the jar built here is the
  // only cdk8s-job-patterns in it.
  const m2 = path.join(work, 'm2');
  seedRepository(m2);
  const { repository } = withPackLock(() => buildJar(path.join(work, 'jar'), m2));

  app = path.join(work, 'app');
  fs.cpSync(path.join(__dirname, 'java'), app, { recursive: true });
  // The app's Maven settings, as a user keeps them in the app: the local repository of this run and
  // the repository folder holding the jars Maven Central lacks (the pom names it).
  fs.mkdirSync(path.join(app, '.mvn'));
  fs.writeFileSync(path.join(app, '.mvn', 'maven.config'), [`-Dmaven.repo.local=${m2}`, `-DjobPatternsRepository=file://${repository}`, '--batch-mode', '--quiet', ''].join('\n'));
  writeCdk8sYaml(app, 'java', javaApp('com.example.batch.Main'));
  // Maven's JVM without the optimizing compiler starts faster (what jsii-pacmak does for its builds).
  runOk(app, 'mvn', ['compile'], { ...env, MAVEN_OPTS: '-XX:+TieredCompilation -XX:TieredStopAtLevel=1' });
  saveDownloads(m2);
});

afterAll(() => cleanUp(work));

test('cdk8s synth of the Java app writes, byte for byte, the YAML the TypeScript app writes for the same chart', () => {
  expectTwinYaml(app, work, env);
});

test('the README\'s first chart in Java (docs/java.md) writes, byte for byte, what the README\'s TypeScript main.ts writes', () => {
  // GIVEN the Java snippet as the main class of an app of its own, compiled against the app's class path
  const java = path.join(work, 'readme-java');
  const source = path.join(java, 'src', 'main', 'java', 'com', 'mycompany', 'app', 'Main.java');
  fs.mkdirSync(path.dirname(source), { recursive: true });
  fs.writeFileSync(source, snippetAfter('docs/java.md', 'Main.java', 'java'));
  const classpath = fs.readFileSync(path.join(app, 'target', 'classpath.txt'), 'utf-8').trim();
  runOk(java, 'javac', ['-d', 'classes', '-cp', classpath, source], env);

  // WHEN
  runOk(java, 'java', ['-cp', `classes:${classpath}`, 'com.mycompany.app.Main'], { ...env, CDK8S_OUTDIR: path.join(java, 'dist') });
  const typescript = synthReadmeTypeScript(path.join(work, 'readme-typescript'));

  // THEN
  const written = yamlIn(path.join(java, 'dist'));
  expect(Object.keys(written)).toEqual(['batch.k8s.yaml']);
  expect(written).toEqual(typescript);
});

test('KueueQueue.argoCdSettings() gives a Java app the Argo CD Application settings argoCdKueueSettings() gives TypeScript', () => {
  // WHEN the app's KueueSettings prints them as JSON
  const classpath = fs.readFileSync(path.join(app, 'target', 'classpath.txt'), 'utf-8').trim();
  const printed = runOk(app, 'java', ['-cp', `target/classes:${classpath}`, 'com.example.batch.KueueSettings'], env);

  // THEN
  expect(JSON.parse(printed.stdout)).toEqual(argoCdKueueSettings());
});

test('docs/java.md gives the app command this suite runs', () => {
  expect(fs.readFileSync(path.join(root, 'docs', 'java.md'), 'utf-8')).toContain(`\napp: ${javaApp('com.mycompany.app.Main')}\n`);
});

test('fails on a bad Job: exits non-zero with the error the TypeScript app throws (rule job/restart-policy first), writes no YAML', () => {
  // Printed by Java as the uncaught exception (docs/java.md quotes it), not in Maven's log.
  expectBadJobRefused(app, work, env, message => `Exception in thread "main" java.lang.RuntimeException: Error: ${message}`);
});
