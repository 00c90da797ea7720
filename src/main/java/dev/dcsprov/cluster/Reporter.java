package dev.dcsprov.cluster;

import dev.dcsprov.plan.Change;
import dev.dcsprov.plan.Plan;

import java.util.function.Consumer;

/** Where a run tells what it does: text for people as it goes, or one JSON document at the end. */
public interface Reporter {

    void plan(Plan plan);

    void started(Change change);

    void finished(Change change, String error);

    /** Progress of cluster-wide work: health waits, leader moves. */
    void progress(String message);

    void recap(Recap recap);

    /** Each finished change and each progress message as one line, for changes made inside another command's run. */
    static Reporter lines(Consumer<String> out) {
        return new Reporter() {
            @Override
            public void plan(Plan plan) {
            }

            @Override
            public void started(Change change) {
            }

            @Override
            public void finished(Change change, String error) {
                out.accept("[" + change.host() + "] " + change.action().symbol() + " " + change.subject()
                        + (change.sensitive() ? " (sensitive)" : "") + (error.isEmpty() ? " ... changed" : " ... FAILED: " + error));
            }

            @Override
            public void progress(String message) {
                out.accept(message);
            }

            @Override
            public void recap(Recap recap) {
            }
        };
    }

    /** Tells nothing: for work whose caller reports in its own words. */
    Reporter SILENT = new Reporter() {
        @Override
        public void plan(Plan plan) {
        }

        @Override
        public void started(Change change) {
        }

        @Override
        public void finished(Change change, String error) {
        }

        @Override
        public void progress(String message) {
        }

        @Override
        public void recap(Recap recap) {
        }
    };
}
