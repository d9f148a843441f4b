// A Job manifest that passes the Kubernetes schema and every validation rule without a warning:
// the starting point of the validation tests, which each break one thing.

type Obj = Record<string, any>;

/** A Job that passes the schema and every rule; `annotations`, `labels` and `spec` are merged in. */
export function jobManifest(name: string, extra: { annotations?: Obj; labels?: Obj; spec?: Obj; namespace?: string; podLabels?: Obj } = {}): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(extra.namespace ? { namespace: extra.namespace } : {}), ...(extra.annotations ? { annotations: extra.annotations } : {}), ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      backoffLimit: 2,
      template: {
        ...(extra.podLabels ? { metadata: { labels: extra.podLabels } } : {}),
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'main',
            image: 'busybox:1.36.1',
            resources: { requests: { cpu: '100m', memory: '64Mi' } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          }],
        },
      },
      ...extra.spec,
    },
  };
}
