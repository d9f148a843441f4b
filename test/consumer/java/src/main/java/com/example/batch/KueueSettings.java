// Prints KueueQueue.argoCdSettings() as JSON: test/consumer/java.test.ts compares it with what
// argoCdKueueSettings() gives TypeScript.
package com.example.batch;

import invalid.example.cdk8sjobpatterns.ArgoCdKueueSettings;
import invalid.example.cdk8sjobpatterns.KueueQueue;
import java.util.List;
import java.util.stream.Collectors;

public final class KueueSettings {
    private static String strings(final List<String> list) {
        return list.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    public static void main(final String[] args) {
        ArgoCdKueueSettings settings = KueueQueue.argoCdSettings();
        String ignore = settings.getIgnoreDifferences().stream()
            .map(d -> String.format("{\"group\":\"%s\",\"kind\":\"%s\",\"managedFieldsManagers\":%s}", d.getGroup(), d.getKind(), strings(d.getManagedFieldsManagers())))
            .collect(Collectors.joining(",", "[", "]"));
        System.out.println(String.format("{\"ignoreDifferences\":%s,\"syncOptions\":%s}", ignore, strings(settings.getSyncOptions())));
    }
}
