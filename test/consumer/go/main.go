// A Go cdk8s app (a GitOps repo) that uses the cdk8s-job-patterns Go module: the Go consumer test
// (test/consumer/go.test.ts) copies this folder into a fresh directory, points go.mod's replace
// directives at the generated modules (scripts/package/go.js) and runs `cdk8s synth` there.
// test/consumer/python/chart.ts is the same chart in TypeScript, line for line; the test compares
// their YAML byte for byte. With BAD_JOB=1 it adds a Job that fails validation.
package main

import (
	"os"

	jp "example.invalid/cdk8s-job-patterns-go/cdk8sjobpatterns"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	kplus "github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2"
)

func main() {
	app := cdk8s.NewApp(nil)
	jp.JobPatternDefaults_Pin(app, jsii.String("0.2"), &jp.PinOptions{Enable: &[]jp.DefaultFlag{jp.DefaultFlag_REDIS_ACCEPTS_PODS()}})
	chart := cdk8s.NewChart(app, jsii.String("batch"), &cdk8s.ChartProps{Namespace: jsii.String("batch")})

	jp.NewSingleBatchJob(chart, jsii.String("pi"), &jp.SingleBatchJobProps{
		Metadata:       &cdk8s.ApiObjectMetadata{Name: jsii.String("pi")},
		ActiveDeadline: cdk8s.Duration_Minutes(jsii.Number(5)),
		Container:      &kplus.ContainerProps{Image: jsii.String("perl:5.34.0"), Command: jsii.Strings("perl", "-Mbignum=bpi", "-wle", "print bpi(2000)")},
	})
	jp.NewFixedCompletionJob(chart, jsii.String("even-seconds"), &jp.FixedCompletionJobProps{
		Metadata:      &cdk8s.ApiObjectMetadata{Name: jsii.String("even-seconds")},
		Completions:   jsii.Number(6),
		Parallelism:   jsii.Number(2),
		RestartPolicy: kplus.RestartPolicy_ON_FAILURE,
		Container:     &kplus.ContainerProps{Image: jsii.String("alpine:3.20.3"), Command: jsii.Strings("/bin/sh", "-c", "test $(( $(date +%S) % 2 )) -eq 0")},
	})
	// A Go map has no order: the library gets each record's fields sorted (chart.ts writes them so).
	jp.NewWorkQueueJob(chart, jsii.String("fruit"), &jp.WorkQueueJobProps{
		Metadata:  &cdk8s.ApiObjectMetadata{Name: jsii.String("fruit")},
		Queue:     jp.WorkQueue_Redis(&jp.RedisQueueOptions{Items: jp.WorkItems_FromRecords(&[]*map[string]*string{{"colour": jsii.String("red"), "fruit": jsii.String("apple")}, {"colour": jsii.String("yellow"), "fruit": jsii.String("banana")}}, &jp.WorkItemRecordOptions{Key: jsii.String("fruit")})}),
		Container: &kplus.ContainerProps{Image: jsii.String("redis:7.2.5"), Command: jsii.Strings("/bin/sh", "-c", `redis-cli -h "$QUEUE_HOST" LPOP "$QUEUE_NAME"`)},
	})
	jp.NewWorkQueueJob(chart, jsii.String("multiplier"), &jp.WorkQueueJobProps{
		Metadata:    &cdk8s.ApiObjectMetadata{Name: jsii.String("multiplier")},
		Queue:       jp.WorkQueue_Ticket(&jp.TicketQueueOptions{ServiceName: jsii.String("tickets")}),
		Mode:        jp.WorkQueueMode_VARIABLE_POD_COUNT,
		Parallelism: jsii.Number(3),
		Container:   &kplus.ContainerProps{Image: jsii.String("alpine:3.20.3"), Command: jsii.Strings("/bin/sh", "-c", `nc -w 1 "$QUEUE_HOST" "$QUEUE_PORT"`)},
	})
	jp.NewJobTemplateExpansion(chart, jsii.String("process-item"), &jp.JobTemplateExpansionProps{
		BaseName:  jsii.String("process-item"),
		Items:     jp.WorkItems_FromList(jsii.Strings("apple", "banana", "cherry")),
		Container: &kplus.ContainerProps{Image: jsii.String("busybox:1.36.1"), Command: jsii.Strings("sh", "-c", "echo Processing item {{item}}")},
	})
	jp.NewStaticWorkAssignmentJob(chart, jsii.String("indexed-job"), &jp.StaticWorkAssignmentJobProps{
		Metadata:    &cdk8s.ApiObjectMetadata{Name: jsii.String("indexed-job")},
		GitOps:      jp.GitOpsPolicy_RecreateOnChange(),
		Items:       jp.WorkItems_FromList(jsii.Strings("foo", "bar", "baz")),
		Parallelism: jsii.Number(2),
		Container:   &kplus.ContainerProps{Image: jsii.String("busybox:1.36.1"), Command: jsii.Strings("rev", "$(WORK_ITEM_FILE)")},
	})
	jp.NewControllerPodJob(chart, jsii.String("driver"), &jp.ControllerPodJobProps{
		Metadata:       &cdk8s.ApiObjectMetadata{Name: jsii.String("driver")},
		ActiveDeadline: cdk8s.Duration_Minutes(jsii.Number(10)),
		Container:      &kplus.ContainerProps{Image: jsii.String("python:3.12.7-alpine"), Command: jsii.Strings("python3", "-c", `print("driving")`)},
	})
	jp.NewPodToPodJob(chart, jsii.String("ring"), &jp.PodToPodJobProps{
		Metadata:    &cdk8s.ApiObjectMetadata{Name: jsii.String("ring")},
		Completions: jsii.Number(3),
		Container:   &kplus.ContainerProps{Image: jsii.String("busybox:1.36.1"), Command: jsii.Strings("sh", "-c", `nslookup "$JOB_NAME-0.$PEER_SUBDOMAIN"`)},
	})

	if os.Getenv("BAD_JOB") == "1" {
		// Deliberately bad, written by hand: a Job's pods may not restart 'Always' (rule job/restart-policy).
		manual := cdk8s.NewApiObject(chart, jsii.String("manual"), &cdk8s.ApiObjectProps{ApiVersion: jsii.String("batch/v1"), Kind: jsii.String("Job"), Metadata: &cdk8s.ApiObjectMetadata{Name: jsii.String("manual")}})
		manual.AddJsonPatch(cdk8s.JsonPatch_Add(jsii.String("/spec"), map[string]interface{}{"template": map[string]interface{}{"spec": map[string]interface{}{"restartPolicy": "Always", "containers": []interface{}{map[string]interface{}{"name": "main", "image": "busybox:1.36.1"}}}}}))
	}

	app.Synth()
}
