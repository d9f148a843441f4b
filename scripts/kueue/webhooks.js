#!/usr/bin/env node
// Writes the webhook configurations scripts/kueue/up.sh registers, derived from the release's own
// config/components/webhook/manifests.yaml: the entries for batch/v1 Jobs and for Kueue's own
// kinds (ClusterQueue, ResourceFlavor, Workload, ...), each calling the manager on loopback
// (`clientConfig.url` and the certificate as `caBundle`, as envtest does) instead of an in-cluster
// Service. The other integrations' entries (Pods, Deployments, JobSet, Ray, ...) are left out: the
// manager runs with the batch/job integration only.
//
// Usage: node scripts/kueue/webhooks.js MANIFESTS_YAML URL_BASE CA_CERT_PEM   (prints JSON, a v1 List)
const fs = require('fs');
const YAML = require('yaml');

const [manifests, urlBase, caFile] = process.argv.slice(2);
if (!manifests || !urlBase || !caFile) {
  process.stderr.write('usage: node scripts/kueue/webhooks.js MANIFESTS_YAML URL_BASE CA_CERT_PEM\n');
  process.exit(2);
}
const caBundle = fs.readFileSync(caFile).toString('base64');
const kept = path => path === '/mutate-batch-v1-job' || path === '/validate-batch-v1-job' || path.includes('-kueue-x-k8s-io-');
// The names lib.sh's KUEUE_WEBHOOKS lists (down.sh deletes them).
const names = { MutatingWebhookConfiguration: 'job-patterns-kueue-mutating', ValidatingWebhookConfiguration: 'job-patterns-kueue-validating' };

const items = YAML.parseAllDocuments(fs.readFileSync(manifests, 'utf-8')).map(d => d.toJS()).filter(Boolean).map(config => {
  if (!names[config.kind]) throw new Error(`${manifests}: unexpected kind ${config.kind}`);
  const webhooks = config.webhooks.filter(w => kept(w.clientConfig.service.path)).map(w => ({
    ...w,
    clientConfig: { url: `${urlBase}${w.clientConfig.service.path}`, caBundle },
  }));
  return { apiVersion: config.apiVersion, kind: config.kind, metadata: { name: names[config.kind], labels: { 'app.kubernetes.io/part-of': 'job-patterns-kueue' } }, webhooks };
});
// Without the Job entries nothing would be queued: say so rather than register a half.
const jobPaths = { MutatingWebhookConfiguration: '/mutate-batch-v1-job', ValidatingWebhookConfiguration: '/validate-batch-v1-job' };
for (const [kind, path] of Object.entries(jobPaths)) {
  if (!items.some(c => c.kind === kind && c.webhooks.some(w => w.clientConfig.url.endsWith(path)))) {
    throw new Error(`${manifests}: no ${kind} entry for ${path}; check the release's webhooks`);
  }
}
process.stdout.write(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2)}\n`);
