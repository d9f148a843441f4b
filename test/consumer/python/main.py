# A Python cdk8s app (a GitOps repo) that installed the cdk8s-job-patterns wheel: the Python consumer
# test (test/consumer/python.test.ts) copies this folder into a fresh directory with a fresh virtual
# environment and runs `cdk8s synth` here. chart.ts is the same chart in TypeScript, line for line;
# the test compares their YAML byte for byte. With BAD_JOB=1 it adds a Job that fails validation.
import os

import cdk8s_plus_28 as kplus
from cdk8s import ApiObject, ApiObjectMetadata, App, Chart, Duration, JsonPatch
from cdk8s_job_patterns import (ControllerPodJob, DefaultFlag, FixedCompletionJob, GitOpsPolicy, JobPatternDefaults,
                                JobTemplateExpansion, PodToPodJob, SingleBatchJob, StaticWorkAssignmentJob, WorkItems,
                                WorkQueue, WorkQueueJob, WorkQueueMode)

app = App()
JobPatternDefaults.pin(app, "0.2", enable=[DefaultFlag.REDIS_ACCEPTS_PODS])
chart = Chart(app, "batch", namespace="batch")

SingleBatchJob(chart, "pi",
    metadata=ApiObjectMetadata(name="pi"),
    active_deadline=Duration.minutes(5),
    container=kplus.ContainerProps(image="perl:5.34.0", command=["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]))
FixedCompletionJob(chart, "even-seconds",
    metadata=ApiObjectMetadata(name="even-seconds"),
    completions=6,
    parallelism=2,
    restart_policy=kplus.RestartPolicy.ON_FAILURE,
    container=kplus.ContainerProps(image="alpine:3.20.3", command=["/bin/sh", "-c", "test $(( $(date +%S) % 2 )) -eq 0"]))
WorkQueueJob(chart, "fruit",
    metadata=ApiObjectMetadata(name="fruit"),
    # Each record's fields in alphabetical order, as a Go app's arrive (chart.ts says why).
    queue=WorkQueue.redis(items=WorkItems.from_records([{"colour": "red", "fruit": "apple"}, {"colour": "yellow", "fruit": "banana"}], key="fruit")),
    container=kplus.ContainerProps(image="redis:7.2.5", command=["/bin/sh", "-c", 'redis-cli -h "$QUEUE_HOST" LPOP "$QUEUE_NAME"']))
WorkQueueJob(chart, "multiplier",
    metadata=ApiObjectMetadata(name="multiplier"),
    queue=WorkQueue.ticket(service_name="tickets"),
    mode=WorkQueueMode.VARIABLE_POD_COUNT,
    parallelism=3,
    container=kplus.ContainerProps(image="alpine:3.20.3", command=["/bin/sh", "-c", 'nc -w 1 "$QUEUE_HOST" "$QUEUE_PORT"']))
JobTemplateExpansion(chart, "process-item",
    base_name="process-item",
    items=WorkItems.from_list(["apple", "banana", "cherry"]),
    container=kplus.ContainerProps(image="busybox:1.36.1", command=["sh", "-c", "echo Processing item {{item}}"]))
StaticWorkAssignmentJob(chart, "indexed-job",
    metadata=ApiObjectMetadata(name="indexed-job"),
    git_ops=GitOpsPolicy.recreate_on_change(),
    items=WorkItems.from_list(["foo", "bar", "baz"]),
    parallelism=2,
    container=kplus.ContainerProps(image="busybox:1.36.1", command=["rev", "$(WORK_ITEM_FILE)"]))
ControllerPodJob(chart, "driver",
    metadata=ApiObjectMetadata(name="driver"),
    active_deadline=Duration.minutes(10),
    container=kplus.ContainerProps(image="python:3.12.7-alpine", command=["python3", "-c", 'print("driving")']))
PodToPodJob(chart, "ring",
    metadata=ApiObjectMetadata(name="ring"),
    completions=3,
    container=kplus.ContainerProps(image="busybox:1.36.1", command=["sh", "-c", 'nslookup "$JOB_NAME-0.$PEER_SUBDOMAIN"']))

if os.environ.get("BAD_JOB") == "1":
    # Deliberately bad, written by hand: a Job's pods may not restart 'Always' (rule job/restart-policy).
    manual = ApiObject(chart, "manual", api_version="batch/v1", kind="Job", metadata=ApiObjectMetadata(name="manual"))
    manual.add_json_patch(JsonPatch.add("/spec", {"template": {"spec": {"restartPolicy": "Always", "containers": [{"name": "main", "image": "busybox:1.36.1"}]}}}))

app.synth()
