import type { KubernetesObject } from '@kubernetes/client-node';
import { clientKubeConfig, KubeConfigLike, kubernetesClient } from './kubeconfig';

/** The parts of KubernetesObjectApi that are not in its typings (stable across 1.x). */
interface ObjectApiInternals {
  readonly configuration: { baseServer: { makeRequestContext(path: string, method: string): any } };
  specUriPath(spec: KubernetesObject, action: string): Promise<string>;
  /** The API server's discovery of `kind` (cached per apiVersion); undefined for a kind it does not serve. */
  resource(apiVersion: string, kind: string): Promise<{ readonly namespaced: boolean } | undefined>;
  requestPromise(context: any): Promise<unknown>;
}
import { Manifest } from './manifests';

/** Options of {@link applyManifests}. */
export interface ApplyOptions {
  /** Namespace for namespaced objects that name none. */
  readonly namespace: string;
  /** Field manager of the server-side apply. @default 'job-patterns' */
  readonly fieldManager?: string;
  /** Only a server-side dry run (`dryRun=All`): nothing is stored. @default false */
  readonly dryRun?: boolean;
}

/** What the API server said about one object. */
export interface ApplyResult {
  /** The object's `kind`. */
  readonly kind: string;
  /** The object's `metadata.name`. */
  readonly name: string;
  /** Its namespace: as written, else `ApplyOptions.namespace`; absent for a cluster-scoped kind. */
  readonly namespace?: string;
  /** Undefined when the server accepted it. */
  readonly error?: string;
}

/**
 * Server-side applies `manifests` in order (dependencies first, as cdk8s writes them), with
 * strict field validation: an unknown field is an error, as with `kubectl apply --validate=strict`.
 * Throws, once, when the API server cannot be reached (refused, no such host, TLS): no object got
 * an answer, so there is nothing to say per object.
 */
export async function applyManifests(kubeConfig: KubeConfigLike, manifests: readonly Manifest[], options: ApplyOptions): Promise<ApplyResult[]> {
  const kc = clientKubeConfig(kubeConfig, 'applyManifests: kubeConfig');
  const k8s = kubernetesClient();
  const api = k8s.KubernetesObjectApi.makeApiClient(kc) as unknown as ObjectApiInternals;
  const results: ApplyResult[] = [];
  for (const manifest of manifests) {
    let result: ApplyResult = { kind: manifest.kind, name: manifest.metadata.name };
    try {
      // Namespaced or not as the API server's discovery says (custom resources included).
      const namespaced = await isNamespaced(api, manifest);
      const object = namespaced && !manifest.metadata.namespace
        ? { ...manifest, metadata: { ...manifest.metadata, namespace: options.namespace } }
        : manifest;
      if (namespaced) result = { ...result, namespace: object.metadata.namespace };
      // KubernetesObjectApi.patch() serializes the body through the typed model, which silently drops
      // unknown fields, and has no fieldValidation parameter; so the request is built here, reusing its
      // path resolution, authentication and transport, with the object as written.
      const context = api.configuration.baseServer.makeRequestContext(await api.specUriPath(object, 'patch'), 'PATCH');
      context.setHeaderParam('Accept', 'application/json');
      context.setHeaderParam('Content-Type', k8s.PatchStrategy.ServerSideApply);
      context.setQueryParam('fieldManager', options.fieldManager ?? 'job-patterns');
      context.setQueryParam('fieldValidation', 'Strict');
      context.setQueryParam('force', 'true');
      if (options.dryRun) context.setQueryParam('dryRun', 'All');
      context.setBody(JSON.stringify(object));
      await api.requestPromise(context);
      results.push(result);
    } catch (error) {
      const unreachable = connectionFailure(error);
      if (unreachable !== undefined) {
        const applied = results.filter(r => !r.error).length;
        throw new Error(`cannot reach the API server at ${kc.getCurrentCluster()?.server}: ${unreachable} (${applied} of ${manifests.length} object(s) applied)`);
      }
      results.push({ ...result, error: describeApiError(error) });
    }
  }
  return results;
}

/**
 * Why the request reached no API server, or undefined when one answered. The client's transport
 * (node-fetch) fails with a `FetchError` of type `system` and a message ending in
 * `reason: <the system's error>`, which the client may prefix with what it was doing.
 */
function connectionFailure(error: unknown): string | undefined {
  const e = error as { name?: unknown; type?: unknown; message?: unknown; code?: unknown };
  if (e?.name !== 'FetchError' || e.type !== 'system') return undefined;
  const message = String(e.message);
  const reason = message.indexOf('reason: ');
  return reason === -1 ? `${message}${e.code ? ` (${e.code})` : ''}` : message.slice(reason + 'reason: '.length);
}

/** Whether the API server serves `manifest`'s kind as namespaced; throws, saying what to do, when it does not serve it. */
async function isNamespaced(api: ObjectApiInternals, manifest: Manifest): Promise<boolean> {
  const notServed = new Error(`the API server serves no kind ${manifest.kind} in ${manifest.apiVersion}: check apiVersion and kind, and for a custom resource apply its CustomResourceDefinition first`);
  try {
    const resource = await api.resource(manifest.apiVersion, manifest.kind);
    if (resource === undefined) throw notServed;
    return resource.namespaced;
  } catch (error) {
    throw (error as { code?: number }).code === 404 ? notServed : error;
  }
}

/** The API server's message from a client error, else the error's own message. */
export function describeApiError(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body);
      if (status?.message) return String(status.message);
    } catch {
      return body;
    }
  }
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return error instanceof Error ? error.message : String(error);
}
