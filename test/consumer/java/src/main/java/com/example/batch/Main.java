// A Java cdk8s app (a GitOps repo) that uses the cdk8s-job-patterns jar: the Java consumer test
// (test/consumer/java.test.ts) copies this app into a fresh directory and runs `cdk8s synth` there.
// test/consumer/python/chart.ts is the same chart in TypeScript, line for line (and main.py beside
// it in Python); the test compares their YAML byte for byte. With BAD_JOB=1 it adds a Job that
// fails validation.
package com.example.batch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cdk8s.ApiObject;
import org.cdk8s.ApiObjectMetadata;
import org.cdk8s.ApiObjectProps;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.cdk8s.ChartProps;
import org.cdk8s.Duration;
import org.cdk8s.JsonPatch;
import org.cdk8s.plus28.ContainerProps;
import org.cdk8s.plus28.RestartPolicy;

import invalid.example.cdk8sjobpatterns.ControllerPodJob;
import invalid.example.cdk8sjobpatterns.DefaultFlag;
import invalid.example.cdk8sjobpatterns.FixedCompletionJob;
import invalid.example.cdk8sjobpatterns.GitOpsPolicy;
import invalid.example.cdk8sjobpatterns.JobPatternDefaults;
import invalid.example.cdk8sjobpatterns.JobTemplateExpansion;
import invalid.example.cdk8sjobpatterns.PinOptions;
import invalid.example.cdk8sjobpatterns.PodToPodJob;
import invalid.example.cdk8sjobpatterns.RedisQueueOptions;
import invalid.example.cdk8sjobpatterns.SingleBatchJob;
import invalid.example.cdk8sjobpatterns.StaticWorkAssignmentJob;
import invalid.example.cdk8sjobpatterns.TicketQueueOptions;
import invalid.example.cdk8sjobpatterns.WorkItemRecordOptions;
import invalid.example.cdk8sjobpatterns.WorkItems;
import invalid.example.cdk8sjobpatterns.WorkQueue;
import invalid.example.cdk8sjobpatterns.WorkQueueJob;
import invalid.example.cdk8sjobpatterns.WorkQueueMode;

public final class Main {
    /** A map that keeps the order its keys are written in, as a TypeScript object literal does. */
    private static Map<String, Object> map(final Object... keysAndValues) {
        final Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return map;
    }

    private static Map<String, String> record(final String... keysAndValues) {
        final Map<String, String> record = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) record.put(keysAndValues[i], keysAndValues[i + 1]);
        return record;
    }

    private static ApiObjectMetadata named(final String name) {
        return ApiObjectMetadata.builder().name(name).build();
    }

    private static ContainerProps container(final String image, final String... command) {
        return ContainerProps.builder().image(image).command(List.of(command)).build();
    }

    public static void main(final String[] args) {
        final App app = new App();
        JobPatternDefaults.pin(app, "0.2", PinOptions.builder().enable(List.of(DefaultFlag.REDIS_ACCEPTS_PODS)).build());
        final Chart chart = new Chart(app, "batch", ChartProps.builder().namespace("batch").build());

        SingleBatchJob.Builder.create(chart, "pi")
            .metadata(named("pi"))
            .activeDeadline(Duration.minutes(5))
            .container(container("perl:5.34.0", "perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"))
            .build();
        FixedCompletionJob.Builder.create(chart, "even-seconds")
            .metadata(named("even-seconds"))
            .completions(6)
            .parallelism(2)
            .restartPolicy(RestartPolicy.ON_FAILURE)
            .container(container("alpine:3.20.3", "/bin/sh", "-c", "test $(( $(date +%S) % 2 )) -eq 0"))
            .build();
        WorkQueueJob.Builder.create(chart, "fruit")
            .metadata(named("fruit"))
            // Each record's fields in alphabetical order, as in chart.ts (a Go app's arrive so).
            .queue(WorkQueue.redis(RedisQueueOptions.builder().items(WorkItems.fromRecords(List.of(record("colour", "red", "fruit", "apple"), record("colour", "yellow", "fruit", "banana")), WorkItemRecordOptions.builder().key("fruit").build())).build()))
            .container(container("redis:7.2.5", "/bin/sh", "-c", "redis-cli -h \"$QUEUE_HOST\" LPOP \"$QUEUE_NAME\""))
            .build();
        WorkQueueJob.Builder.create(chart, "multiplier")
            .metadata(named("multiplier"))
            .queue(WorkQueue.ticket(TicketQueueOptions.builder().serviceName("tickets").build()))
            .mode(WorkQueueMode.VARIABLE_POD_COUNT)
            .parallelism(3)
            .container(container("alpine:3.20.3", "/bin/sh", "-c", "nc -w 1 \"$QUEUE_HOST\" \"$QUEUE_PORT\""))
            .build();
        JobTemplateExpansion.Builder.create(chart, "process-item")
            .baseName("process-item")
            .items(WorkItems.fromList(List.of("apple", "banana", "cherry")))
            .container(container("busybox:1.36.1", "sh", "-c", "echo Processing item {{item}}"))
            .build();
        StaticWorkAssignmentJob.Builder.create(chart, "indexed-job")
            .metadata(named("indexed-job"))
            .gitOps(GitOpsPolicy.recreateOnChange())
            .items(WorkItems.fromList(List.of("foo", "bar", "baz")))
            .parallelism(2)
            .container(container("busybox:1.36.1", "rev", "$(WORK_ITEM_FILE)"))
            .build();
        ControllerPodJob.Builder.create(chart, "driver")
            .metadata(named("driver"))
            .activeDeadline(Duration.minutes(10))
            .container(container("python:3.12.7-alpine", "python3", "-c", "print(\"driving\")"))
            .build();
        PodToPodJob.Builder.create(chart, "ring")
            .metadata(named("ring"))
            .completions(3)
            .container(container("busybox:1.36.1", "sh", "-c", "nslookup \"$JOB_NAME-0.$PEER_SUBDOMAIN\""))
            .build();

        if ("1".equals(System.getenv("BAD_JOB"))) {
            // Deliberately bad, written by hand: a Job's pods may not restart 'Always' (rule job/restart-policy).
            final ApiObject manual = new ApiObject(chart, "manual", ApiObjectProps.builder().apiVersion("batch/v1").kind("Job").metadata(named("manual")).build());
            manual.addJsonPatch(JsonPatch.add("/spec", map("template", map("spec", map("restartPolicy", "Always", "containers", List.of(map("name", "main", "image", "busybox:1.36.1")))))));
        }

        app.synth();
    }
}
