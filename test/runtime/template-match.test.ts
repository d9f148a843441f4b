import { templateDifference } from '../../lib/runtime/template-match';

describe('templateDifference', () => {
  const manifest = {
    metadata: { labels: { app: 'x' }, annotations: {} },
    spec: {
      restartPolicy: 'Never',
      tolerations: [{ key: 'a', operator: 'Exists' }],
      containers: [{ name: 'main', image: 'busybox:1.36.1', args: ['a', 'b'], ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '0.5', memory: '128Mi' } } }],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };

  test('a live template with server defaults, Kueue additions and an injected container holds the manifest', () => {
    // GIVEN the template as the API server stores it after Kueue admitted the Job and a mesh injected a sidecar
    const live = {
      metadata: { labels: { 'app': 'x', 'job-name': 'j', 'kueue.x-k8s.io/podset': 'main' } },
      spec: {
        restartPolicy: 'Never', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler',
        nodeSelector: { 'instance-type': 'spot' },
        tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'spot', operator: 'Exists', effect: 'NoSchedule' }],
        containers: [
          { name: 'proxy', image: 'envoy' },
          { name: 'main', image: 'busybox:1.36.1', args: ['a', 'b'], ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { requests: { cpu: '500m', memory: '128Mi' } }, terminationMessagePath: '/dev/termination-log' },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    };

    // THEN there is no difference
    expect(templateDifference(manifest, live)).toBeUndefined();
  });

  test('a false, 0 or "" the manifest writes matches a field the API server left out (omitempty), not another value', () => {
    expect(templateDifference({ spec: { hostNetwork: false, priority: 0, subdomain: '' } }, { spec: {} })).toBeUndefined();
    expect(templateDifference({ spec: { hostNetwork: false } }, { spec: { hostNetwork: true } })).toBe('spec.template.spec.hostNetwork: the manifest has false, the Job has true');
  });

  test('names the first field the live template lacks or holds otherwise', () => {
    const live = JSON.parse(JSON.stringify(manifest));
    live.spec.containers[0].args = ['a', 'c'];
    expect(templateDifference(manifest, live)).toBe('spec.template.spec.containers[name=main].args[1]: the manifest has "b", the Job has "c"');
    delete live.spec.containers[0].args;
    expect(templateDifference(manifest, live)).toBe('spec.template.spec.containers[name=main].args: the manifest has ["a","b"], the Job has none');
    live.spec.containers[0].name = 'worker';
    expect(templateDifference(manifest, live)).toBe('spec.template.spec.containers[name=main] is missing');
  });

  test('quantities compare by value, other strings exactly', () => {
    expect(templateDifference({ resources: { limits: { memory: '1Gi' } } }, { resources: { limits: { memory: '1024Mi' } } }, 'x')).toBeUndefined();
    expect(templateDifference({ resources: { limits: { memory: '1Gi' } } }, { resources: { limits: { memory: '1G' } } }, 'x')).toBe('x.resources.limits.memory: the manifest has "1Gi", the Job has "1G"');
    expect(templateDifference({ image: '1Gi' }, { image: '1024Mi' }, 'x')).toBe('x.image: the manifest has "1Gi", the Job has "1024Mi"');
  });
});
