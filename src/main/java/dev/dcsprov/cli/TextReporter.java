package dev.dcsprov.cli;

import dev.dcsprov.cluster.Recap;
import dev.dcsprov.cluster.Reporter;
import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.Plan;
import dev.dcsprov.plan.PlanText;

import java.io.PrintWriter;

/** Progress for people, printed as it happens, ending with a recap per host. */
final class TextReporter implements Reporter {
    private final PrintWriter out;
    private final long started = System.nanoTime();

    TextReporter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void plan(Plan plan) {
        out.print(PlanText.render(plan));
        out.flush();
    }

    @Override
    public void started(Change change) {
    }

    @Override
    public synchronized void finished(Change change, String error) {
        out.printf("[%s] %s ... %s%n", change.host(), PlanText.describe(change), error.isEmpty() ? "changed" : "FAILED");
        if (!error.isEmpty()) {
            error.lines().forEach(l -> out.println("    " + l));
        }
        out.flush();
    }

    @Override
    public synchronized void progress(String message) {
        out.println("[cluster] " + message);
        out.flush();
    }

    @Override
    public void recap(Recap recap) {
        out.println();
        out.println("RECAP");
        for (Recap.HostRecap h : recap.hosts()) {
            out.printf("%-16s ok=%-3d changed=%-3d failed=%d%n", h.host(), h.ok(), h.changed(), h.failed());
        }
        out.printf("%s in %.1f s%n", recap.failed() ? "failed" : recap.changed() == 0 ? "no changes" : "done",
                (System.nanoTime() - started) / 1e9);
        out.flush();
    }
}
