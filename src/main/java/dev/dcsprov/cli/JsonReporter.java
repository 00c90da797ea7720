package dev.dcsprov.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dcsprov.cluster.Recap;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.Plan;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The same run as one JSON document on stdout when it ends: plan, results, recap. */
final class JsonReporter implements Reporter {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintWriter out;
    private Plan plan;
    private final List<Map<String, Object>> results = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    JsonReporter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void plan(Plan plan) {
        this.plan = plan;
    }

    @Override
    public void started(Change change) {
    }

    @Override
    public synchronized void finished(Change change, String error) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("host", change.host());
        r.put("step", change.step());
        r.put("action", change.action().label());
        r.put("subject", change.subject());
        r.put("status", error.isEmpty() ? "changed" : "failed");
        r.put("error", error);
        results.add(r);
    }

    @Override
    public synchronized void progress(String message) {
        progress.add(message);
    }

    @Override
    public void recap(Recap recap) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("plan", plan);
        doc.put("results", results);
        doc.put("progress", progress);
        doc.put("recap", recap.hosts());
        print(doc);
    }

    /** Plan-only runs end without a recap. */
    void printPlanOnly() {
        print(Map.of("plan", plan));
    }

    private void print(Object doc) {
        print(out, doc);
    }

    static void print(PrintWriter out, Object doc) {
        try {
            out.println(JSON.writeValueAsString(doc));
        } catch (Exception e) {
            throw new IllegalStateException("could not write JSON", e);
        }
        out.flush();
    }
}
